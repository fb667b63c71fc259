import { deviceWorkflowId } from '../../src/workflows/device/messages';
import {
  LONGEST_DEVICE_WORKFLOW_ID_BYTES,
  MIGRATION_ID_MAX,
  SERIAL_MAX,
  TEMPORAL_MAX_ID_BYTES,
  luhnValid,
  serialProblem,
} from '../../src/client/device-fields';
import { migrationIdFor } from '../../src/client/commands/start';

describe('the device workflow id', () => {
  it('when the migration id and the serial are as long as allowed, then the id fits Temporal’s limit', () => {
    const longest = deviceWorkflowId('m'.repeat(MIGRATION_ID_MAX), 'S'.repeat(SERIAL_MAX));
    expect(Buffer.byteLength(longest)).toBe(LONGEST_DEVICE_WORKFLOW_ID_BYTES);
    expect(LONGEST_DEVICE_WORKFLOW_ID_BYTES).toBeLessThanOrEqual(TEMPORAL_MAX_ID_BYTES);
    // A serial one character longer is refused, so no longer id can be built from a valid list.
    expect(serialProblem('S'.repeat(SERIAL_MAX + 1))).toMatch(/at most 64/);
  });

  it('when a generated migration id is built from a very long name, then it stays within the store’s rule', () => {
    const id = migrationIdFor('x'.repeat(1_000));
    expect(id.length).toBeLessThanOrEqual(MIGRATION_ID_MAX);
    expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
  });
});

describe('luhnValid', () => {
  it('when IMEIs are checked, then only a right check digit passes', () => {
    expect(luhnValid('490154203237518')).toBe(true); // 3GPP TS 23.003's example
    expect(luhnValid('356938035643809')).toBe(true);
    expect(luhnValid('490154203237519')).toBe(false);
  });
});
