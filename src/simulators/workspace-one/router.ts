/** Route table and HTTP helpers for the simulator: templates, versions, case-insensitive query, bodies. */
import type { IncomingMessage } from 'node:http';
import { readRaw } from '../loopback-http';
import type { SimStore } from './store';
import type { SimTenant } from './types';

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Query string reader; Workspace ONE scripts spell parameter names in either case. */
export class Query {
  private readonly values = new Map<string, string>();

  constructor(params: URLSearchParams) {
    for (const [key, value] of params) this.values.set(key.toLowerCase(), value);
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  int(name: string, fallback: number): number {
    const value = Number(this.get(name));
    return Number.isInteger(value) && value >= 0 ? value : fallback;
  }
}

export interface ApiContext {
  store: SimStore;
  tenant: SimTenant;
  now: number;
  params: Record<string, string>;
  query: Query;
  body: unknown;
}

export interface Route<C> {
  method: string;
  pattern: RegExp;
  keys: string[];
  /** API version from `Accept: application/json;version=N`; admin routes ignore it. */
  version: number;
  handler: (ctx: C) => SimResponse | Promise<SimResponse>;
}

/** `/mdm/devices/:id/commands` → a case-insensitive regex with named parameters. */
export function route<C>(
  method: string,
  template: string,
  version: number,
  handler: Route<C>['handler'],
): Route<C> {
  const keys: string[] = [];
  const source = template
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
      keys.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { method, pattern: new RegExp(`^${source}/?$`, 'i'), keys, version, handler };
}

export type Match<C> =
  | { kind: 'found'; route: Route<C>; params: Record<string, string> }
  | { kind: 'wrong-version' }
  | { kind: 'none' };

export function match<C>(routes: Route<C>[], method: string, path: string, version?: number): Match<C> {
  let pathMatched = false;
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (version !== undefined && r.version !== version) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1] ?? '')));
    return { kind: 'found', route: r, params };
  }
  return pathMatched ? { kind: 'wrong-version' } : { kind: 'none' };
}

/** The N of `Accept: application/json;version=N`; 1 when absent. */
export function acceptVersion(req: IncomingMessage): number {
  const accept = req.headers.accept ?? '';
  const m = /version\s*=\s*(\d+)/i.exec(accept);
  return m ? Number(m[1]) : 1;
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const text = await readRaw(req);
  if (text.length === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Workspace ONE error body (`BaseExceptionModel`). `errorCode` mirrors the status (UNCONFIRMED values). */
export function wsError(
  store: SimStore,
  status: number,
  message: string,
  headers?: Record<string, string>,
): SimResponse {
  return { status, headers, body: { errorCode: status, message, activityId: store.random.uuid() } };
}

/** A search result, or the configured empty-search answer when there is nothing to return. */
export function searchResult(store: SimStore, empty: boolean, body: unknown): SimResponse {
  if (empty && store.quirks.emptySearchStatus === 204) return { status: 204 };
  return { status: 200, body };
}

/** 0-based page of a list. */
export function pageOf<T>(items: T[], page: number, pageSize: number): T[] {
  return items.slice(page * pageSize, page * pageSize + pageSize);
}
