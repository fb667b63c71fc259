/** Organization groups: `GET /system/groups/search` (v1) and Android Enterprise registration (v1). */
import { route, searchResult, wsError, type ApiContext, type Route, type SimResponse } from '../router';

function searchGroups(ctx: ApiContext): SimResponse {
  const { store, tenant, query } = ctx;
  const groupId = query.get('groupid')?.trim().toLowerCase();
  const name = query.get('name')?.trim().toLowerCase();
  const matches = tenant.groups.filter(
    (g) =>
      (groupId === undefined || g.groupId.toLowerCase() === groupId) &&
      (name === undefined || g.name.toLowerCase().includes(name)),
  );
  const groups = matches.map((g) => ({
    Id: { Value: g.id },
    Uuid: g.uuid,
    Name: g.name,
    GroupId: g.groupId,
    LocationGroupType: tenant.groups[0] === g ? 'Customer' : 'Container',
    LgLevel: tenant.groups[0] === g ? 1 : 2,
  }));
  return searchResult(store, groups.length === 0, {
    LocationGroups: groups,
    Page: 0,
    PageSize: 500,
    Total: groups.length,
  });
}

/** Registered ⇔ non-empty EnterpriseId; "not registered" is a 404 or `{}` per the quirk (UNCONFIRMED). */
function androidWork(ctx: ApiContext): SimResponse {
  const { store, tenant, params } = ctx;
  const group = tenant.groups.find((g) => String(g.id) === params.id);
  if (!group) return wsError(store, 404, 'Organization group not found.');
  if (!group.androidWork) {
    if (store.quirks.androidWorkUnregistered === 'empty') return { status: 200, body: {} };
    return wsError(store, 404, 'Android EMM registration not found.');
  }
  return {
    status: 200,
    body: {
      EnterpriseId: group.androidWork.enterpriseId,
      ServiceAccountEmail: `emm@${group.groupId}.sim.invalid`,
      AndroidWorkSetUpMode: 'ManagedGooglePlayAccounts',
      PrimaryDomain: null,
    },
  };
}

export const groupRoutes: Route<ApiContext>[] = [
  route('GET', '/system/groups/search', 1, searchGroups),
  route('GET', '/system/groups/:id/androidwork', 1, androidWork),
];
