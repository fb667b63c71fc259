import type { AdminActor } from '../../workflows/device/messages';

/**
 * One admin action as the workflows recorded it: an update their validator accepted (with its answer), a
 * legacy signal, or the migration's start. Read from histories only, so it cannot disagree with them.
 */

export type AuditOutcome = 'done' | 'failed' | 'pending';

export interface AuditWho {
  /** The display text the sender gave (`by`): a signed-in person's name, the CLI's --by or OS login. */
  name?: string;
  via?: AdminActor['via'];
  /** Console: the signed-in subject (`local:…`, `oidc:…#…`) and their role when they acted. */
  subject?: string;
  role?: string;
  /** CLI: the OS login of whoever ran `ferry`. */
  osLogin?: string;
  /** The identity of the Temporal client that sent it, as Temporal recorded it. */
  temporalIdentity?: string;
}

export type AuditTarget = { kind: 'migration'; migrationId: string } | { kind: 'device'; serial: string };

export interface AuditEntry {
  /** When the workflow accepted it (ISO 8601, Temporal's event time). */
  at: string;
  who: AuditWho;
  /** The CLI's name for it (`retry`, `pause`, `cancel-migration`, `start`, …). */
  action: string;
  target: AuditTarget;
  reason?: string;
  /** The workflow's answer: done (with what it did), failed (its message), or not answered yet. */
  outcome: AuditOutcome;
  answer: string;
  workflowId: string;
  runId: string;
}

export function targetText(target: AuditTarget): string {
  return target.kind === 'migration' ? `migration ${target.migrationId}` : target.serial;
}

export function whoText(who: AuditWho): string {
  const name = who.name ?? who.osLogin ?? '(unnamed)';
  if (who.via === 'console') return `${name} (${who.subject ?? '?'}, ${who.role ?? '?'}, console)`;
  if (who.via === 'cli') {
    const parts = [who.osLogin ? `login ${who.osLogin}` : undefined, who.temporalIdentity].filter(Boolean);
    return `${name} (cli${parts.length ? `, ${parts.join(', ')}` : ''})`;
  }
  return who.temporalIdentity ? `${name} (${who.temporalIdentity})` : name;
}
