/**
 * Fault injection shared by the simulators: every fault is a probability drawn from a seeded PRNG, so a
 * run with the same seed and the same requests injects the same faults. Each simulator applies them to
 * its API requests only (never to its `/_sim/` admin routes or its token endpoint): the Workspace ONE
 * simulator in its own request pipeline (api.ts), Apple Business Manager and Intune through
 * `faultHook` below.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sendJson, type JsonResponse } from './loopback-http';
import { Random } from './random';

export interface FaultConfig {
  /** Seed of the fault PRNG; changing faults at runtime keeps the sequence unless a new seed is given. */
  seed: number;
  /** Extra latency on this share of requests, uniformly between minMs and maxMs. */
  latency: { probability: number; minMs: number; maxMs: number };
  /** Share of requests answered 500/502/503 with the error body. */
  serverErrorRate: number;
  /** Share of requests answered 429 with `Retry-After: 1` (throttling bursts beyond the rate limit). */
  rateLimitedRate: number;
  /** Share of requests never answered (the client's timeout fires). */
  hangRate: number;
  /** Share of requests whose socket is destroyed without an answer. */
  resetRate: number;
  /** Share of JSON answers sent with wrong field types (valid JSON, invalid schema). */
  malformedRate: number;
  /**
   * Only requests whose path matches this case-insensitive regex (Workspace ONE: the path after /API;
   * Apple Business Manager and Intune: the whole path, e.g. `^/v1/orgDevices`); default: all.
   */
  pathPattern?: string;
  /** Only these tenants (Workspace ONE only: the others have one tenant); default: all. */
  tenants?: string[];
}

export const NO_FAULTS: FaultConfig = {
  seed: 1,
  latency: { probability: 0, minMs: 0, maxMs: 0 },
  serverErrorRate: 0,
  rateLimitedRate: 0,
  hangRate: 0,
  resetRate: 0,
  malformedRate: 0,
};

export type FaultAction = 'none' | 'reset' | 'hang' | 'server-error' | 'rate-limited';

export interface FaultDecision {
  action: FaultAction;
  latencyMs: number;
  malformed: boolean;
  status: number;
}

export class FaultInjector {
  private config: FaultConfig;
  private random: Random;

  constructor(config: Partial<FaultConfig> = {}) {
    this.config = { ...NO_FAULTS, ...config };
    this.random = new Random(this.config.seed);
  }

  get current(): FaultConfig {
    return this.config;
  }

  /** Replaces the given settings; unspecified ones keep their value. */
  update(patch: Partial<FaultConfig>): FaultConfig {
    this.config = { ...this.config, ...patch };
    if (patch.seed !== undefined) this.random = new Random(patch.seed);
    return this.config;
  }

  decide(apiPath: string, tenant: string | undefined): FaultDecision {
    const c = this.config;
    const none: FaultDecision = { action: 'none', latencyMs: 0, malformed: false, status: 200 };
    if (c.pathPattern !== undefined && !new RegExp(c.pathPattern, 'i').test(apiPath)) return none;
    if (c.tenants !== undefined && (tenant === undefined || !c.tenants.includes(tenant))) return none;
    const r = this.random;
    const latencyMs = r.chance(c.latency.probability) ? r.int(c.latency.minMs, c.latency.maxMs) : 0;
    let action: FaultAction = 'none';
    if (r.chance(c.resetRate)) action = 'reset';
    else if (r.chance(c.hangRate)) action = 'hang';
    else if (r.chance(c.serverErrorRate)) action = 'server-error';
    // Drawn only when set, so the fault sequence of an existing seed stays as it was.
    else if (c.rateLimitedRate > 0 && r.chance(c.rateLimitedRate)) action = 'rate-limited';
    const status = action === 'server-error' ? r.pick([500, 502, 503]) : 200;
    return { action, latencyMs, malformed: r.chance(c.malformedRate), status };
  }
}

/** The request's decision, kept for the route that answers it (malformed bodies). */
const decisions = new WeakMap<FastifyRequest, FaultDecision>();

/** Whether the answer to this request is to be sent with a malformed body. */
export function malformedAnswer(request: FastifyRequest): boolean {
  return decisions.get(request)?.malformed === true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An `onRequest` hook that applies the injector's decision before anything else runs (credentials, rate
 * limits, the route): the latency; a reset (the socket destroyed) or a hang (never answered: the client's
 * timeout fires, or close() ends it); a 5xx or a 429 with `Retry-After: 1` in the vendor's error body.
 * The route reads `malformedAnswer(request)` to corrupt its body. A fault therefore never follows a
 * change of state, except a malformed answer, which the caller decides to apply or not.
 */
export function faultHook(
  faults: FaultInjector,
  errorBody: (status: number, kind: 'server-error' | 'rate-limited') => JsonResponse,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = faults.decide(new URL(request.url, 'http://simulator').pathname, undefined);
    decisions.set(request, decision);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.action === 'reset') request.raw.socket.destroy();
    if (decision.action === 'reset' || decision.action === 'hang') return reply.hijack();
    if (decision.action === 'server-error')
      return sendJson(reply, errorBody(decision.status, 'server-error'));
    if (decision.action === 'rate-limited') {
      const limited = errorBody(429, 'rate-limited');
      return sendJson(reply, { ...limited, headers: { ...limited.headers, 'Retry-After': '1' } });
    }
  };
}

/** Same JSON shape, wrong leaf types: strings become numbers, numbers strings, booleans strings. */
export function corrupt(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(corrupt);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, corrupt(v)]));
  }
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}

/** A change of fault settings as `POST /_sim/faults` takes it (each field optional; unknown ones refused). */
export const faultPatchSchema = z
  .object({
    seed: z.number().int(),
    latency: z.object({
      probability: z.number().min(0).max(1),
      minMs: z.number().int().nonnegative(),
      maxMs: z.number().int().nonnegative(),
    }),
    serverErrorRate: z.number().min(0).max(1),
    rateLimitedRate: z.number().min(0).max(1),
    hangRate: z.number().min(0).max(1),
    resetRate: z.number().min(0).max(1),
    malformedRate: z.number().min(0).max(1),
    pathPattern: z.string(),
    tenants: z.array(z.string()),
  })
  .partial()
  .strict();
