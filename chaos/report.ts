import type { DeviceOutcomes, HistoryScan } from './temporal-records';

/** The run's result: the JSON line of `--json` (serials only, never an email or a secret). */
export interface ChaosReport {
  migrationId: string;
  source: 'ws1' | 'intune';
  devices: number;
  expected: number;
  matched: number;
  mismatches: DeviceOutcomes['mismatches'];
  paths: DeviceOutcomes['paths'];
  /** Devices ever failed, and those failed for a reason a passing fault gives (none may be). */
  failedDevices: number;
  transientFailures: number;
  tokensIssued: number;
  /** Retire / wipe commands the source received, and devices the ABM assignments named. */
  sourceCommands: number;
  abmAssigned: number;
  duplicateTokens: number;
  duplicateCommands: number;
  duplicates: { serial: string; what: string; times: number }[];
  workerKills: number;
  serverKills: number;
  /** Kills planned but not made: the migration ended first. */
  killsMissed: number;
  /** Times the worker exited without being killed (each restarted; a crash is worth a look). */
  workerExits: number;
  /** Worker processes on the task queue: 2 with --standby-worker (a killed one is not restarted). */
  workers: number;
  /** Where the device lists were: the run's state folder, or the --store-url PostgreSQL database. */
  store: 'files' | 'postgres';
  histories: number;
  historyEvents: number;
  plaintextEmailsInHistory: number;
  historiesWithEmails: number;
  secretsInHistory: number;
  secretsInLogs: number;
  emailsInLogs: number;
  /** Whether the worker and the CLI ran with FERRY_PAYLOAD_KEYS (payload encryption). */
  payloadEncryption: boolean;
  /** What stood in for the admin, and what the scenario expects. */
  admin: { actions: string[]; scenario: string };
  timedOut: boolean;
  stateDir?: string;
  seconds: number;
  ok: boolean;
}

export function isOk(r: Omit<ChaosReport, 'ok'>): boolean {
  return (
    !r.timedOut &&
    r.matched === r.expected &&
    r.transientFailures === 0 &&
    r.duplicateTokens === 0 &&
    r.duplicateCommands === 0 &&
    r.killsMissed === 0 &&
    r.plaintextEmailsInHistory === 0 &&
    r.secretsInHistory === 0 &&
    r.secretsInLogs === 0 &&
    r.emailsInLogs === 0
  );
}

export function historyFigures(scan: HistoryScan) {
  return {
    histories: scan.histories,
    historyEvents: scan.events,
    plaintextEmailsInHistory: scan.plaintextEmails,
    historiesWithEmails: scan.historiesWithEmails,
    secretsInHistory: scan.secrets,
  };
}

/** The report in words (stdout without --json, stderr with it). */
export function describeReport(r: ChaosReport): string[] {
  const lines = [
    `Chaos run ${r.migrationId}: ${r.devices} devices from ${r.source} in ${r.seconds} s, ` +
      `${r.workerKills} worker kills, ${r.serverKills} server kills` +
      (r.workerExits > 0 ? `, ${r.workerExits} worker exits on its own` : ''),
    `  devices at the expected status: ${r.matched}/${r.expected}` +
      (r.failedDevices > 0
        ? ` (${r.failedDevices} failed at some point, ${r.transientFailures} transiently)`
        : ''),
    `  registration tokens: ${r.tokensIssued} issued, ${r.duplicateTokens} devices with two left standing`,
    `  source: ${r.sourceCommands} retire/wipe commands; ABM: ${r.abmAssigned} devices assigned; ` +
      `sent twice: ${r.duplicateCommands}`,
    `  ${r.histories} histories (${r.historyEvents} events) read without the codec: ` +
      `${r.plaintextEmailsInHistory} emails in clear, ${r.secretsInHistory} secrets` +
      (r.payloadEncryption ? '' : ' (payload encryption off)'),
    `  worker log and CLI output: ${r.secretsInLogs} secrets, ${r.emailsInLogs} emails`,
  ];
  for (const m of r.mismatches.slice(0, 10))
    lines.push(`  unexpected: ${m.serial} ${m.actual} (expected ${m.expected})`);
  for (const d of r.duplicates.slice(0, 10)) lines.push(`  sent twice: ${d.serial} ${d.what} ×${d.times}`);
  if (r.killsMissed > 0) lines.push(`  ${r.killsMissed} planned kills not made: the migration ended first`);
  if (r.timedOut) lines.push('  timed out before the migration finished');
  if (r.stateDir) lines.push(`  state kept in ${r.stateDir}`);
  lines.push(r.ok ? 'Everything held.' : 'The run found problems.');
  return lines;
}
