import type { ParseArgsConfig } from 'node:util';

/**
 * What every `ferry` command is and how it ends. Its own module so that cli.ts imports the commands
 * and no command imports cli.ts.
 *
 * Exit codes: 0 done, 1 the command ran and found problems (or failed), 2 bad usage or unreadable input.
 */

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a command writes; one call per block of text, newline added. Tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  /** The text `ferry <name> --help` prints. */
  usage: string;
  /** parseArgs options; `--help`/`-h` is added for every command. */
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: { values: CommandValues; positionals: string[] }, io: CliIo): Promise<number>;
}

/** Thrown by a command for a problem the caller fixes on the command line: exit 2, one line on stderr. */
export class UsageError extends Error {
  readonly type = 'UsageError';
}
