import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/devices';
import { installTestRuntime, workflowBundle } from '../helpers/temporal';

/**
 * Determinism guard: every recorded history (one per platform path, plus the admin-action and waiting
 * cases) must replay against today's workflow code. Re-record with `npm run record-histories` only when
 * a change is versioned with patched(); a failure here means running workflows would break.
 */
/** Histories recorded before a version of the device workflow (patches.ts) are kept in a folder of their own. */
const EARLIER_VERSIONS = ['before-search-attributes-per-task'];
const files = ['', ...EARLIER_VERSIONS]
  .flatMap((dir) =>
    readdirSync(path.join(HISTORIES_DIR, dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(dir, f)),
  )
  .sort();

beforeAll(() => installTestRuntime());

test('there are recorded histories for every platform path', () => {
  for (const p of [
    'ios_standard',
    'ios_ade_erase',
    'ios_ade_standard',
    'android_token',
    'android_fully_managed',
  ]) {
    expect(files).toContain(`${p}.json`);
  }
});

test.each(files)(
  'when %s is replayed on the current workflow code, then it is deterministic',
  async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle() },
        history,
        path.basename(file, '.json'),
      ),
    ).resolves.toBeUndefined();
  },
);
