import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { CancellationScope, condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';

type Value = SearchAttributeUpdatePair['value'];

/**
 * Publishes a device's search attributes. A run started before DEVICE_WORKFLOW_VERSION 2 upserts at each
 * change, as its history recorded. Since version 2, once per workflow task: the attributes wait for the
 * end of the task, a later value replaces an earlier one, and a value the server already holds (from the
 * start, or an earlier task) is not sent again. A task that moves a device through two statuses costs one
 * history event, not two; visibility never showed the first one anyway (it is written when the task
 * completes).
 */
export class SearchAttributePublisher {
  private pending = new Map<string, SearchAttributeUpdatePair>();
  /** What the server holds, by attribute name (only once per task). */
  private readonly held = new Map<string, Value>();
  private immediate: boolean;

  constructor(oncePerTask: boolean) {
    this.immediate = !oncePerTask;
    if (!oncePerTask) return;
    for (const { key, value } of workflowInfo().typedSearchAttributes.getAll()) {
      this.held.set(key.name, value as Value);
    }
    // The SDK evaluates blocked conditions once the task's code has run as far as it can (every
    // microtask done): the one point that sees the task's last status. This predicate publishes it and
    // never unblocks; cancelling the workflow does not cancel it.
    void CancellationScope.nonCancellable(() =>
      condition(() => {
        this.flush();
        return false;
      }),
    );
  }

  publish(pairs: SearchAttributeUpdatePair[]): void {
    if (this.immediate) {
      upsertSearchAttributes(pairs);
      return;
    }
    for (const pair of pairs) this.pending.set(pair.key.name, pair);
  }

  /** Publishes what waits, then every later change at once: the workflow is about to return. */
  finish(): void {
    this.flush();
    this.immediate = true;
  }

  private flush(): void {
    const changed = [...this.pending.values()].filter(
      ({ key, value }) => !sameValue(this.held.get(key.name), value),
    );
    this.pending.clear();
    if (changed.length === 0) return;
    for (const { key, value } of changed) this.held.set(key.name, value);
    upsertSearchAttributes(changed);
  }
}

/** Ferry's attributes are keywords; null (and absent) clear one. */
function sameValue(held: Value | undefined, next: Value): boolean {
  return (held ?? null) === (next ?? null);
}
