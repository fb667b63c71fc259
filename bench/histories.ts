import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** Events per history over a sample of a phase's workflows, and where they go by event type. */
export interface HistoryFigures {
  sampled: number;
  eventsPerHistory: number;
  min: number;
  max: number;
  /** Mean events of each type per history, most first (`ACTIVITY_TASK_SCHEDULED`: 6, …). */
  byType: Record<string, number>;
}

const typeName = (type: number | null | undefined): string =>
  String(temporal.api.enums.v1.EventType[type ?? 0] ?? type).replace(/^EVENT_TYPE_/, '');

/** Reads `sample` histories spread evenly over `workflowIds` (all of them when fewer). */
export async function sampleHistories(
  client: Client,
  workflowIds: string[],
  sample = 8,
): Promise<HistoryFigures> {
  const step = Math.max(1, Math.floor(workflowIds.length / sample));
  const ids = workflowIds.filter((_, i) => i % step === 0).slice(0, sample);
  const counts: number[] = [];
  const byType: Record<string, number> = {};
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    counts.push(events.length);
    for (const e of events) byType[typeName(e.eventType)] = (byType[typeName(e.eventType)] ?? 0) + 1;
  }
  const n = Math.max(1, counts.length);
  const mean = Object.entries(byType)
    .map(([type, count]) => [type, Math.round((count / n) * 10) / 10] as const)
    .sort((a, b) => b[1] - a[1]);
  return {
    sampled: counts.length,
    eventsPerHistory: Math.round((counts.reduce((a, b) => a + b, 0) / n) * 10) / 10,
    min: Math.min(...counts),
    max: Math.max(...counts),
    byType: Object.fromEntries(mean),
  };
}
