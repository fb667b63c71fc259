/**
 * Users: `GET /API/system/users/search` and `GET /API/system/users/{id}` (v1). Email and user name
 * matching is case-insensitive *contains* (UNCONFIRMED).
 */
import {
  pageOf,
  route,
  searchResult,
  wsError,
  type ApiContext,
  type Route,
  type SimResponse,
} from '../router';
import type { SimStore } from '../store';
import type { SimTenant, SimUser } from '../types';

export function renderUser(store: SimStore, tenant: SimTenant, user: SimUser): Record<string, unknown> {
  const group = tenant.groups.find((g) => g.uuid === user.ogUuid);
  const [firstName, ...rest] = (user.displayName ?? user.userName).split(' ');
  return {
    Id: { Value: user.id },
    Uuid: user.uuid,
    UserName: user.userName,
    FirstName: firstName ?? '',
    LastName: rest.join(' '),
    Email: user.email,
    DisplayName: user.displayName ?? user.userName,
    Status: true,
    SecurityType: 2,
    Group: group?.name ?? '',
    LocationGroupId: String(group?.id ?? ''),
    OrganizationGroupUuid: user.ogUuid,
    Role: 'Full Access',
    EnrolledDevicesCount: String(tenant.devices.filter((d) => d.userId === user.id && d.enrolledAt).length),
    MessageType: 0,
  };
}

function searchUsers(ctx: ApiContext) {
  const { query, tenant, store } = ctx;
  const email = query.get('email')?.trim().toLowerCase();
  const userName = query.get('username')?.trim().toLowerCase();
  const page = query.int('page', 0);
  const pageSize = Math.min(query.int('pagesize', 500), 500) || 500;
  const matches = tenant.users.filter(
    (u) =>
      (email === undefined || u.email.toLowerCase().includes(email)) &&
      (userName === undefined || u.userName.toLowerCase().includes(userName)),
  );
  const users = pageOf(matches, page, pageSize).map((u) => renderUser(store, tenant, u));
  return searchResult(store, users.length === 0, {
    Users: users,
    Page: page,
    PageSize: pageSize,
    Total: matches.length,
  });
}

/** `GET /system/users/{id}` (v1): one enrollment user; 404 with the error body when there is none. */
function getUser(ctx: ApiContext): SimResponse {
  const { store, tenant, params } = ctx;
  const user = store.userById(tenant, Number(params.id));
  if (!user) return wsError(store, 404, 'Enrollment user not found.');
  return { status: 200, body: renderUser(store, tenant, user) };
}

export const userRoutes: Route<ApiContext>[] = [
  route('GET', '/system/users/search', 1, searchUsers),
  route('GET', '/system/users/:id', 1, getUser),
];
