import { csvText } from '../../services/shared/csv';
import { plural } from '../commands/flags';
import { targetText, whoText, type AuditEntry } from './entry';
import type { MigrationAudit } from './read-audit';

/** A migration's audit as text (one line per action), spreadsheet-safe CSV, or JSON. */

export const AUDIT_CSV_HEADER = [
  'at',
  'by',
  'via',
  'subject',
  'role',
  'os_login',
  'temporal_identity',
  'action',
  'target',
  'reason',
  'outcome',
  'answer',
] as const;

function csvRow(e: AuditEntry): (string | undefined)[] {
  const { who } = e;
  const target = e.target.kind === 'migration' ? `migration ${e.target.migrationId}` : e.target.serial;
  return [
    e.at,
    who.name,
    who.via,
    who.subject,
    who.role,
    who.osLogin,
    who.temporalIdentity,
    e.action,
    target,
    e.reason,
    e.outcome,
    e.answer,
  ];
}

export function auditCsv(audit: MigrationAudit): string {
  return csvText(AUDIT_CSV_HEADER, audit.entries.map(csvRow));
}

export function auditJson(audit: MigrationAudit): string {
  return JSON.stringify(audit, null, 2);
}

export function auditLines(audit: MigrationAudit): string[] {
  const lines = audit.entries.map((e) => {
    const reason = e.reason ? ` because "${e.reason}"` : '';
    return `${e.at} ${e.action} ${targetText(e.target)} by ${whoText(e.who)}${reason}: ${e.answer}`;
  });
  const count = audit.entries.length;
  const histories = `${audit.histories} workflow histor${audit.histories === 1 ? 'y' : 'ies'}`;
  lines.push(`${plural(count, 'action')} in ${histories}`);
  return lines;
}
