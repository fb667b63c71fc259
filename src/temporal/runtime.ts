import {
  LogTimestamp,
  Runtime,
  makeTelemetryFilterString,
  type LogLevel,
  type LogMetadata,
  type Logger as TemporalLogger,
} from '@temporalio/worker';
import type { Logger } from '../logger';
import { NOT_YET } from '../workflows/failures';

const POLLING_TYPES: readonly string[] = Object.values(NOT_YET);

/** A polling activity's "not yet" is its normal answer, not a warning: one per check per device. */
function isPollingAnswer(message: string, meta: LogMetadata | undefined): boolean {
  const error = meta?.error as { type?: unknown } | undefined;
  return (
    message === 'Activity failed' && typeof error?.type === 'string' && POLLING_TYPES.includes(error.type)
  );
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the SDK's (and the Rust core's) log lines into pino, so redaction applies to them too. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly pino: Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const { [LogTimestamp]: _nanos, ...rest } = meta ?? {};
    this.pino[isPollingAnswer(message, meta) ? 'debug' : LEVELS[level]](rest, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

let installed = false;

/**
 * Installs the process-wide Temporal Runtime once; later calls are no-ops (one Runtime per process, and
 * an error if something else installed it first, as a second test file in one Jest process does).
 */
export function installRuntime(logger: Logger, coreLevel: LogLevel = 'WARN'): void {
  if (installed) return;
  try {
    Runtime.install({
      logger: new PinoTemporalLogger(logger),
      telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: coreLevel }) } },
    });
  } catch (err) {
    if (!/already been installed/.test((err as Error).message)) throw err;
  }
  installed = true;
}
