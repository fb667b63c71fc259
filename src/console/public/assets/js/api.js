/**
 * The console's JSON API from the pages: one session (its CSRF token travels in a header with every
 * state-changing request, its cookie with the browser), errors as ApiError with the server's message.
 */

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || body?.error || `the console answered ${status}`);
    this.status = status;
    this.code = body?.error;
    this.field = body?.field;
  }
}

let session;
let sessionUrl = '/api/session';

/** GET /api/session once per page: who is signed in, the CSRF token, the namespace, Temporal's UI. */
export function getSession() {
  session ??= getJson(sessionUrl);
  return session;
}

/** The sign-in and set-up pages have no session yet: their CSRF token comes from GET /api/sign-in. */
export function beforeSignIn() {
  sessionUrl = '/api/sign-in';
}

/** Where a page goes when its session ended: the sign-in page, which brings it back here after. */
export function toSignIn() {
  location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
}

async function answer(response) {
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('application/json') ? await response.json() : undefined;
  if (response.status === 401 && body?.error === 'unauthenticated') toSignIn();
  if (!response.ok) throw new ApiError(response.status, body);
  if (body === undefined) throw new ApiError(response.status, { message: `not JSON: ${type || 'no type'}` });
  return body;
}

/**
 * The words Ferry uses, from the server (the workflows' own lists): device statuses in lifecycle order
 * (and not_started), platforms, enrollment kinds. Empty lists when the server does not say.
 */
export async function vocabulary() {
  const v = (await getSession()).vocabulary ?? {};
  return {
    statuses: v.statuses ?? [],
    platforms: v.platforms ?? [],
    enrollmentKinds: v.enrollmentKinds ?? [],
  };
}

/**
 * `poll`: a page's periodic read, not the person's doing; the server does not let it keep an idle
 * session alive (the header is POLL_HEADER of sessions.ts).
 */
export async function getJson(url, { poll = false } = {}) {
  const headers = { accept: 'application/json', ...(poll ? { 'x-ferry-poll': '1' } : {}) };
  return answer(await fetch(url, { headers, credentials: 'same-origin' }));
}

/** POST with the session's CSRF token: JSON unless `contentType` says otherwise (a CSV upload). */
export async function post(url, body, contentType = 'application/json') {
  const { csrfToken } = await getSession();
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': contentType, 'x-csrf-token': csrfToken },
    body: contentType === 'application/json' ? JSON.stringify(body ?? {}) : body,
  });
  return answer(response);
}

/** A path segment: ids and serials are encoded, never pasted raw into a URL. */
export const seg = (value) => encodeURIComponent(value);

/** `/api/migrations/ID…`, `/migrations/ID…` */
export const migrationPath = (id, rest = '') => `/migrations/${seg(id)}${rest}`;
export const migrationApi = (id, rest = '') => `/api${migrationPath(id, rest)}`;

/** The path segments of this page after `/migrations/`: [id] or [id, 'devices'] or [id, 'devices', serial]. */
export function pathIds() {
  return location.pathname.split('/').slice(2).filter(Boolean).map(decodeURIComponent);
}
