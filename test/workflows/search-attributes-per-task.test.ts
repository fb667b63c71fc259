import { FailureReason, retryDevice } from '../../src/workflows/device/messages';
import { FerryStatus, FerrySubStatus } from '../../src/workflows/search-attributes';
import { device, input, waitForStatus } from '../helpers/devices';
import { deviceWorkflowTests, worldWithUser } from '../helpers/device-workflow-env';
import { FakeWorld } from '../helpers/fake-world';

const t = deviceWorkflowTests();

/** Each workflow task's search-attribute upserts and patch markers, from the run's history. */
async function perTask(handle: Awaited<ReturnType<typeof t.start>>) {
  const { events } = await handle.fetchHistory();
  const tasks: { upserts: number; markers: number }[] = [];
  for (const e of events ?? []) {
    const type = String(e.eventType);
    if (type.endsWith('WORKFLOW_TASK_COMPLETED') || type === '6') tasks.push({ upserts: 0, markers: 0 });
    if (e.upsertWorkflowSearchAttributesEventAttributes) tasks.at(-1)!.upserts++;
    if (e.markerRecordedEventAttributes) tasks.at(-1)!.markers++;
  }
  return tasks;
}

describe('search attributes of a device started at the current workflow version', () => {
  test('when a device migrates, then each workflow task upserts at most once, no patch marker is recorded, and visibility ends at reenrolled', async () => {
    const { tasks, attributes } = await t.withWorker(worldWithUser(), async (taskQueue) => {
      const handle = await t.start(taskQueue, input(device()));
      await handle.result();
      const described = await handle.describe();
      return { tasks: await perTask(handle), attributes: described.typedSearchAttributes };
    });
    expect(tasks.length).toBeGreaterThan(5);
    expect(tasks.filter((task) => task.upserts > 1)).toEqual([]);
    expect(tasks.reduce((n, task) => n + task.markers, 0)).toBe(0);
    // The start already set the first status: the first task has nothing to publish.
    expect(tasks[0]!.upserts).toBe(0);
    expect(attributes.get(FerryStatus)).toBe('reenrolled');
    expect(attributes.get(FerrySubStatus)).toBeUndefined();
  });

  test('when a device fails and an admin retries it, then visibility shows the failure, then the device reenrolled', async () => {
    const world = new FakeWorld();
    await t.withWorker(world, async (taskQueue) => {
      const handle = await t.start(taskQueue, input(device()));
      await waitForStatus(t.env, handle, 'failed');
      const failed = (await handle.describe()).typedSearchAttributes;
      expect(failed.get(FerryStatus)).toBe('failed');
      expect(failed.get(FerrySubStatus)).toBe(FailureReason.TargetUserNotFound);
      world.addUser('jane.doe@corp.example', 'jdoe');
      await handle.executeUpdate(retryDevice, { args: [{ by: 'admin' }] });
      await handle.result();
      expect((await handle.describe()).typedSearchAttributes.get(FerryStatus)).toBe('reenrolled');
      expect((await perTask(handle)).filter((task) => task.upserts > 1)).toEqual([]);
    });
  });
});
