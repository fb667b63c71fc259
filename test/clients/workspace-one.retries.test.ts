/**
 * The Workspace ONE client's retries against the simulator's seeded faults over real HTTP: reads carry
 * through intermittent faults, a fault on every request surfaces after the policy's attempts, and a
 * POST that acts is sent once.
 */
import { TransientError } from '../../src/services/shared/errors';
import {
  TARGET,
  basicClient,
  captureLogs,
  fixtureSimulatorPerTest,
  rejectionOf,
} from '../simulators/ws1-fixture';

const { sim } = fixtureSimulatorPerTest({});

const targetOg = () => sim.tenant(TARGET).groups[0]!;
const userUuid = (email: string) =>
  sim.tenant(TARGET).users.find((u) => u.email.toLowerCase() === email)!.uuid;

describe('retries', () => {
  const FAST = { baseDelayMs: 10, maxDelayMs: 50 };
  const logged = (lines: string[], msg: string) =>
    lines.map((l) => JSON.parse(l) as { msg: string; error?: string }).filter((l) => l.msg === msg);

  it('when a third of the requests fail (5xx, reset, hang, bad body), then every read still succeeds', async () => {
    // Seeded and sent one at a time: the same requests meet the same faults on every run.
    sim.setFaults({ seed: 12, serverErrorRate: 0.2, resetRate: 0.05, hangRate: 0.05, malformedRate: 0.1 });
    const logs = captureLogs();
    const client = basicClient(sim, TARGET, { timeoutMs: 300, retry: FAST }, logs.logger);
    for (let i = 0; i < 10; i++) {
      expect(await client.findUserByEmail('jane.doe@corp.example')).toMatchObject({ userName: 'jdoe' });
      expect(await client.getOrganizationGroup('tgt-corp')).toMatchObject({ groupId: 'tgt-corp' });
    }
    const retried = new Set(logged(logs.lines, 'http request retried').map((l) => l.error));
    expect(retried).toEqual(new Set(['Transient', 'InvalidResponse']));
  });

  it('when every request fails, then the client gives up after its attempts with the error', async () => {
    sim.setFaults({ serverErrorRate: 1 });
    const logs = captureLogs();
    const client = basicClient(sim, TARGET, { retry: { ...FAST, maxAttempts: 3 } }, logs.logger);
    expect(await rejectionOf(client.listAdeDevices(targetOg().uuid))).toBeInstanceOf(TransientError);
    expect(logged(logs.lines, 'http request')).toHaveLength(3);
  });

  it('when a registration token issue meets a 5xx, then it is sent once: the activity decides', async () => {
    sim.setFaults({ serverErrorRate: 1, pathPattern: 'enrollment-tokens' });
    const logs = captureLogs();
    const client = basicClient(sim, TARGET, { retry: FAST }, logs.logger);
    const request = { userUuid: userUuid('jane.doe@corp.example'), serialNumber: 'IOSSTD0001' } as const;
    const err = await rejectionOf(
      client.issueRegistrationToken(targetOg().uuid, { ...request, platform: 'ios' }),
    );
    expect(err).toBeInstanceOf(TransientError);
    expect(logged(logs.lines, 'http request')).toHaveLength(1);
  });
});
