/**
 * Admin endpoints under `/_sim/` (no auth, loopback only): ledger, state, users, manual
 * un-enrollment/enrollment, faults, rate limits, behaviour and quirk settings, OAuth revocation, seeding.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { syncAdeAssignment } from '../ade-sync';
import { deviceStatus, markEnrolledByHand, settle, startUnenroll } from '../behaviour';
import type { FaultInjector, RateLimiter } from '../faults';
import { faultPatchSchema } from '../../../shared/simulator/faults';
import { rawBody, requestUrl, sendJson } from '../../../shared/simulator/loopback-http';
import { Query, readBody, route, type Route, type SimResponse } from '../router';
import { addSeedUser, applySeed, type SimSeed, type UserSeed } from '../seed';
import type { SimStore } from '../store';
import type { Behaviour, LedgerEntry, Quirks, SimTenant } from '../types';

export interface AdminContext {
  store: SimStore;
  faults: FaultInjector;
  limiter: RateLimiter;
  params: Record<string, string>;
  query: Query;
  body: unknown;
}

export interface LedgerFilter {
  tenant?: string;
  kind?: string;
  serialNumber?: string;
}

export function filterLedger(ledger: LedgerEntry[], filter: LedgerFilter = {}): LedgerEntry[] {
  return ledger.filter(
    (e) =>
      (filter.tenant === undefined || e.tenant === filter.tenant) &&
      (filter.kind === undefined || e.kind === filter.kind) &&
      (filter.serialNumber === undefined ||
        e.serialNumber?.toLowerCase() === filter.serialNumber.toLowerCase()),
  );
}

/** A plain-JSON view of a tenant, devices with their current status. Credentials are left out. */
export function snapshotTenant(store: SimStore, tenant: SimTenant) {
  const now = store.now();
  return {
    code: tenant.code,
    tokenLifetimeMs: tenant.tokenLifetimeMs,
    rateLimit: tenant.rateLimit ?? null,
    groups: tenant.groups,
    users: tenant.users,
    devices: tenant.devices.map((d) => ({ ...d, enrollmentStatus: deviceStatus(store, d, now) })),
    adeProfiles: tenant.adeProfiles,
    adeDevices: tenant.adeDevices,
    tokens: tenant.tokens,
    commands: tenant.commands,
  };
}

/**
 * Every registration token the tenant issued, per serial, and whether it could still enroll its device
 * now (`valid`: neither deleted, expired nor used). Holds the token values: loopback admin only.
 */
export function tokenLedger(tenant: SimTenant, now: number) {
  return tenant.tokens.map((t) => ({
    serialNumber: t.serialNumber,
    uuid: t.uuid,
    value: t.value,
    issuedAt: new Date(t.issuedAt).toISOString(),
    expiresAt: new Date(t.expiresAt).toISOString(),
    deletedAt: t.deletedAt === undefined ? null : new Date(t.deletedAt).toISOString(),
    usedAt: t.usedAt === undefined ? null : new Date(t.usedAt).toISOString(),
    valid: t.deletedAt === undefined && t.usedAt === undefined && t.expiresAt > now,
  }));
}

const notFound = (what: string): SimResponse => ({ status: 404, body: { error: `${what} not found` } });

function withTenant(ctx: AdminContext, fn: (tenant: SimTenant) => SimResponse): SimResponse {
  const tenant = ctx.store.tenant(ctx.params.code ?? '');
  return tenant ? fn(tenant) : notFound('tenant');
}

/** What `POST …/devices/:serial/migration` may change of a device's migration (sim.migrationOf). */
const migrationPatchSchema = z
  .object({
    neverEnrolls: z.boolean(),
    enrollDelayMs: z.number().int().nonnegative(),
    commandDelayMs: z.number().int().nonnegative(),
  })
  .partial()
  .strict();

const body = (ctx: AdminContext) => (ctx.body ?? {}) as Record<string, unknown>;

const adminRoutes: Route<AdminContext>[] = [
  route('GET', '/ledger', 0, (ctx) => ({
    status: 200,
    body: filterLedger(ctx.store.ledger, {
      tenant: ctx.query.get('tenant'),
      kind: ctx.query.get('kind'),
      serialNumber: ctx.query.get('serial'),
    }),
  })),
  route('GET', '/state', 0, (ctx) => ({
    status: 200,
    body: { tenants: [...ctx.store.tenants.values()].map((t) => snapshotTenant(ctx.store, t)) },
  })),
  route('GET', '/tenants/:code', 0, (ctx) =>
    withTenant(ctx, (t) => ({ status: 200, body: snapshotTenant(ctx.store, t) })),
  ),
  route('POST', '/seed', 0, (ctx) => {
    applySeed(ctx.store, ctx.body as SimSeed);
    return { status: 204 };
  }),
  route('POST', '/tenants/:code/users', 0, (ctx) =>
    withTenant(ctx, (tenant) => {
      const user = addSeedUser(ctx.store, tenant, ctx.body as UserSeed);
      ctx.store.record({
        tenant: tenant.code,
        kind: 'admin.user.added',
        source: 'admin',
        detail: { userId: user.id },
      });
      return { status: 201, body: user };
    }),
  ),
  route('POST', '/tenants/:code/devices/:serial/unenroll', 0, (ctx) =>
    withTenant(ctx, (tenant) => {
      const device = ctx.store.findDevice(tenant, ctx.params.serial ?? '');
      if (!device) return notFound('device');
      startUnenroll(device, 'Manual', ctx.store.now());
      const serialNumber = device.serialNumber;
      ctx.store.record({
        tenant: tenant.code,
        kind: 'admin.device.unenrolled',
        source: 'admin',
        serialNumber,
      });
      return { status: 204 };
    }),
  ),
  route('POST', '/tenants/:code/devices/:serial/enroll', 0, (ctx) =>
    withTenant(ctx, (tenant) => {
      const b = body(ctx);
      const device = markEnrolledByHand(ctx.store, tenant, {
        serialNumber: ctx.params.serial ?? '',
        platform: b.platform === 'android' ? 'android' : undefined,
        userEmail: typeof b.userEmail === 'string' ? b.userEmail : undefined,
      });
      return { status: 200, body: device };
    }),
  ),
  route('GET', '/tenants/:code/tokens', 0, (ctx) =>
    withTenant(ctx, (tenant) => ({ status: 200, body: tokenLedger(tenant, ctx.store.now()) })),
  ),
  route('POST', '/tenants/:code/devices/:serial/migration', 0, (ctx) =>
    withTenant(ctx, (tenant) => {
      const device = ctx.store.findDevice(tenant, ctx.params.serial ?? '');
      if (!device) return notFound('device');
      const patch = migrationPatchSchema.safeParse(ctx.body ?? {});
      if (!patch.success) return { status: 400, body: { error: patch.error.issues[0]?.message } };
      Object.assign(device.migration, patch.data);
      const { enrolledInTarget: _omit, ...settings } = device.migration;
      return { status: 200, body: settings };
    }),
  ),
  route('GET', '/requests', 0, (ctx) => ({
    status: 200,
    body: Object.entries(ctx.store.requestCounts).map(([key, count]) => {
      const [tenant, method, path] = key.split(' ');
      return { tenant, method, route: path, count };
    }),
  })),
  route('POST', '/tenants/:code/ade-devices/:serial', 0, (ctx) =>
    withTenant(ctx, (tenant) => {
      const assigned = body(ctx).assigned;
      if (typeof assigned !== 'boolean') return { status: 400, body: { error: 'assigned: a boolean' } };
      const serialNumber = ctx.params.serial ?? '';
      syncAdeAssignment(ctx.store, tenant, { serialNumber }, assigned);
      return { status: 200, body: { serialNumber, assigned } };
    }),
  ),
  route('GET', '/faults', 0, (ctx) => ({ status: 200, body: ctx.faults.current })),
  route('POST', '/faults', 0, (ctx) => {
    const patch = faultPatchSchema.safeParse(ctx.body ?? {});
    if (!patch.success) return { status: 400, body: { error: patch.error.issues[0]?.message } };
    return { status: 200, body: ctx.faults.update(patch.data) };
  }),
  route('POST', '/tenants/:code/rate-limit', 0, (ctx) =>
    withTenant(ctx, (tenant) => {
      const perMinute = body(ctx).perMinute;
      const windowMs = body(ctx).windowMs;
      tenant.rateLimit =
        typeof perMinute === 'number'
          ? { perMinute, windowMs: typeof windowMs === 'number' ? windowMs : undefined }
          : undefined;
      ctx.limiter.reset(tenant.code);
      return { status: 200, body: { rateLimit: tenant.rateLimit ?? null } };
    }),
  ),
  route('POST', '/settings', 0, (ctx) => {
    const b = body(ctx) as { behaviour?: Partial<Behaviour>; quirks?: Partial<Quirks> };
    Object.assign(ctx.store.behaviour, b.behaviour);
    Object.assign(ctx.store.quirks, b.quirks);
    return { status: 200, body: { behaviour: ctx.store.behaviour, quirks: ctx.store.quirks } };
  }),
  route('POST', '/oauth/revoke', 0, (ctx) => {
    ctx.store.oauthTokens.clear();
    return { status: 204 };
  }),
];

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The admin routes, mounted at `/_sim`; a handler that throws is the caller's mistake, so a 400. */
export function adminPlugin(deps: Pick<AdminContext, 'store' | 'faults' | 'limiter'>) {
  return (admin: FastifyInstance, _options: unknown, done: () => void) => {
    admin.addHook('onRequest', async (request, reply) => {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return sendJson(reply, { status: 403 });
    });
    admin.setNotFoundHandler((_request, reply) =>
      sendJson(reply, { status: 404, body: { error: 'no such admin route' } }),
    );
    for (const r of adminRoutes) {
      admin.route({
        method: r.method,
        url: r.url,
        handler: async (request, reply) => {
          const ctx: AdminContext = {
            ...deps,
            params: request.params as Record<string, string>,
            query: new Query(requestUrl(request).searchParams),
            body: readBody(rawBody(request), request.headers['content-type']),
          };
          settle(deps.store, deps.store.now());
          try {
            return sendJson(reply, await r.handler(ctx));
          } catch (err) {
            return sendJson(reply, {
              status: 400,
              body: { error: err instanceof Error ? err.message : String(err) },
            });
          }
        },
      });
    }
    done();
  };
}
