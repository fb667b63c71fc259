export type SourceCommand = 'retire' | 'erase';

/**
 * The tenant devices leave. One adapter per source product; absent for a manual migration. A command
 * the source answers with no is a SourceRefusedError (from ./errors).
 */
export interface SourceUem {
  readonly name: string;
  /** Sends the command unless the source already shows it pending or done (look before you act). */
  sendCommand(serialNumber: string, command: SourceCommand): Promise<{ sent: boolean; state: string }>;
  removalState(serialNumber: string): Promise<{ removed: boolean; state: string }>;
}
