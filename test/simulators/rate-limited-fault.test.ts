import { WorkspaceOneClient } from '../../src/services/workspace-one';
import { startWorkspaceOneSimulator } from '../../src/services/workspace-one/simulator';

test('when the 429 fault is on, then the client gets RateLimited carrying the simulator Retry-After', async () => {
  const sim = await startWorkspaceOneSimulator({
    generate: { devices: 2, seed: 1 },
    faults: { rateLimitedRate: 1 },
  });
  try {
    const client = new WorkspaceOneClient({
      baseUrl: sim.url,
      tenantCode: 'TARGET',
      auth: { kind: 'basic', username: 'ferry-api', password: 'ferry-api-password' },
      // One attempt: the fault as the simulator answers it (the client's retries would wait it out).
      retry: { maxAttempts: 1 },
    });
    await expect(client.getOrganizationGroup(sim.fleet!.targetOrganizationGroup)).rejects.toMatchObject({
      type: 'RateLimited',
      status: 429,
      retryAfterMs: 1_000,
    });
    sim.setFaults({ rateLimitedRate: 0 });
    await expect(client.getOrganizationGroup(sim.fleet!.targetOrganizationGroup)).resolves.toMatchObject({
      groupId: sim.fleet!.targetOrganizationGroup,
    });
  } finally {
    await sim.close();
  }
});
