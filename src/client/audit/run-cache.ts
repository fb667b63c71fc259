import type { RunAudit } from './run-history';

/**
 * The admin actions of closed runs, by run id, for a long-running reader (the console): a closed history
 * never changes, so reading a migration's audit again reads only its open runs. Bounded: the least
 * recently used runs go first.
 */
export class RunAuditCache {
  private readonly runs = new Map<string, RunAudit>();

  constructor(private readonly maxRuns = 100_000) {}

  get(runId: string): RunAudit | undefined {
    const run = this.runs.get(runId);
    if (run) {
      this.runs.delete(runId);
      this.runs.set(runId, run);
    }
    return run;
  }

  set(runId: string, run: RunAudit): void {
    if (!run.closed) return;
    this.runs.delete(runId);
    this.runs.set(runId, run);
    for (const oldest of this.runs.keys()) {
      if (this.runs.size <= this.maxRuns) break;
      this.runs.delete(oldest);
    }
  }

  get size(): number {
    return this.runs.size;
  }
}
