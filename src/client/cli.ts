import { parseArgs } from 'node:util';
import {
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliIo,
  type Command,
  type CommandValues,
} from './commands/command';

/**
 * The `ferry` command line: `ferry <command> [options]`. Each command lives in ./commands and is
 * listed once in COMMANDS; it is loaded only when run, so `ferry validate` never loads a Temporal client.
 * What a command is, its exit codes and UsageError live in ./commands/command.
 */

interface CommandEntry {
  /** One line for `ferry --help`. */
  summary: string;
  load(): Promise<Command>;
}

/** Every `ferry` command. To add one: a module under ./commands exporting a Command, and a line here. */
const COMMANDS: Record<string, CommandEntry> = {
  validate: {
    summary: 'Check a device list file; report every problem with its line and field',
    load: async () => (await import('./commands/validate')).validateCommand,
  },
  inventory: {
    summary: "Pull the source tenant's inventory (Intune or Workspace ONE) into a device list file",
    load: async () => (await import('./commands/inventory')).inventoryCommand,
  },
  preflight: {
    summary: "Check the target's prerequisites and look every user up, touching no device",
    load: async () => (await import('./commands/preflight')).preflightCommand,
  },
  status: {
    summary: 'Where a migration stands (device counts, progress, failures), or list migrations',
    load: async () => (await import('./commands/status')).statusCommand,
  },
  devices: {
    summary: "List a migration's devices with their status, filtered by status or sub-status",
    load: async () => (await import('./commands/devices')).devicesCommand,
  },
  'confirm-abm': {
    summary: 'Confirm the Apple Business Manager reassignment of ADE devices',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands['confirm-abm'],
  },
  'confirm-removed': {
    summary: 'Confirm that devices of a manual source were removed from it',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands['confirm-removed'],
  },
  retry: {
    summary: 'Retry failed devices from the step that failed',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands.retry,
  },
  cancel: {
    summary: 'Cancel devices (an unused registration token is revoked)',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands.cancel,
  },
  renotify: {
    summary: 'Notify the users of devices again',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands.renotify,
  },
  'reissue-token': {
    summary: 'Replace the registration token of devices and notify their users',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands['reissue-token'],
  },
  'end-notice': {
    summary: 'End the notice period of devices: the source retires or wipes them now',
    load: async () => (await import('./commands/device-actions')).deviceActionCommands['end-notice'],
  },
  report: {
    summary: 'Write the devices report of a migration, or the migrations report (CSV or JSON)',
    load: async () => (await import('./commands/report')).reportCommand,
  },
  start: {
    summary: 'Start a migration from a device list (validated first); prints its id',
    load: async () => (await import('./commands/start')).startCommand,
  },
  console: {
    summary: 'Serve the admin console (web pages over the same Temporal calls), with sign-in',
    load: async () => (await import('./commands/console')).consoleCommand,
  },
  'console-owner': {
    summary: "Print a one-time link that sets up the console's first Owner account",
    load: async () => (await import('./commands/console-owner')).consoleOwnerCommand,
  },
  'codec-server': {
    summary: 'Serve the codec endpoint that shows encrypted histories in the Web UI and temporal CLI',
    load: async () => (await import('./commands/codec-server')).codecServerCommand,
  },
  'codec-key': {
    summary: 'Print a new payload encryption key line (KEYID:BASE64KEY)',
    load: async () => (await import('./commands/codec-key')).codecKeyCommand,
  },
  ...Object.fromEntries(
    (['pause', 'resume', 'approve-wave', 'approve-abm', 'start-all', 'cancel-migration'] as const).map(
      (name) => [
        name,
        {
          summary: {
            pause: 'Stop starting devices of a migration (running ones go on)',
            resume: 'Start devices of a paused migration again',
            'approve-wave': 'Let the next wave of a migration start',
            'approve-abm': 'Let Ferry assign the waiting ADE devices in Apple Business Manager',
            'start-all': 'Drop waves and the start rate of a migration',
            'cancel-migration': 'Stop a migration and cancel every running device',
          }[name],
          load: async () => (await import('./commands/migration-actions')).migrationActionCommand(name),
        },
      ],
    ),
  ),
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const commands = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`);
  return [
    'Usage: ferry <command> [options]',
    '',
    'Ferry migrates managed phones and tablets into a Workspace ONE UEM tenant, one durable',
    'Temporal workflow per device.',
    '',
    'Commands:',
    ...commands,
    '',
    'Run "ferry <command> --help" for the options of a command.',
    'Exit codes: 0 done, 1 problems found, 2 bad usage or unreadable input.',
  ].join('\n');
}

/** parseArgs explains itself in several sentences; the first one says what is wrong. */
const firstSentence = (err: unknown) => String(err instanceof Error ? err.message : err).split(/\.\s/)[0];

/** Runs one command line (without `node ferry`); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(usage());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.out(usage());
    return EXIT_OK;
  }
  if (name === 'help') return main([rest[0]!, '--help'], io);
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`ferry: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}" (see ferry --help)`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  let args: { values: CommandValues; positionals: string[] };
  try {
    args = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    io.err(`ferry ${name}: ${firstSentence(err)} (see ferry ${name} --help)`);
    return EXIT_USAGE;
  }
  if (args.values.help) {
    io.out(command.usage);
    return EXIT_OK;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`ferry ${name}: ${err.message} (see ferry ${name} --help)`);
      return EXIT_USAGE;
    }
    io.err(`ferry ${name}: ${firstSentence(err)}`);
    return EXIT_FAILED;
  }
}

const stdio: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** The process entry (bin/ferry.js, `npm run ferry`): sets the exit code, quiet when piped into `head`. */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
    throw err;
  });
  void main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`ferry: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}

if (require.main === module) runCli();
