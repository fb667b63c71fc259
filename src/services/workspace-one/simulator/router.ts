/** Route declarations and HTTP helpers for the simulator: versions, case-insensitive query, bodies. */
import type { IncomingHttpHeaders } from 'node:http';
import type { JsonResponse } from '../../shared/simulator/loopback-http';
import type { SimStore } from './store';
import type { SimTenant } from './types';

export type SimResponse = JsonResponse;

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
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A fastify path (`/mdm/devices/:id/commands`), matched in any letter case. */
  url: string;
  /** API version from `Accept: application/json;version=N`; admin routes ignore it. */
  version: number;
  handler: (ctx: C) => SimResponse | Promise<SimResponse>;
}

export function route<C>(
  method: Route<C>['method'],
  url: string,
  version: number,
  handler: Route<C>['handler'],
): Route<C> {
  return { method, url, version, handler };
}

/** The N of `Accept: application/json;version=N`; 1 when absent. */
export function acceptVersion(headers: IncomingHttpHeaders): number {
  const m = /version\s*=\s*(\d+)/i.exec(headers.accept ?? '');
  return m ? Number(m[1]) : 1;
}

/** A body as Workspace ONE reads it: a form, JSON, or else the text itself; none when empty. */
export function readBody(text: string, contentType: string | undefined): unknown {
  if (text.length === 0) return undefined;
  if ((contentType ?? '').includes('application/x-www-form-urlencoded'))
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
