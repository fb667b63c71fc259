/** Users: `GET /API/system/users/search` (v1). Email matching is case-insensitive *contains* (UNCONFIRMED). */
import { pageOf, route, searchResult, type ApiContext, type Route } from '../router';
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

export const userRoutes: Route<ApiContext>[] = [route('GET', '/system/users/search', 1, searchUsers)];
