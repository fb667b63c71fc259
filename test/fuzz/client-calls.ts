/**
 * The calls of each API client that the fuzz tests answer at random: the routes a call reaches, a valid
 * answer (the seed of the random ones), and a schema of what the call may resolve to.
 */
import { z } from 'zod';
import type { AppleBusinessManagerClient } from '../../src/services/abm';
import type { IntuneClient } from '../../src/services/intune';
import type { WorkspaceOneClient } from '../../src/services/workspace-one';

export interface Call<C> {
  name: string;
  /** `METHOD /path` of every request the call may send (the token request aside). */
  routes: string[];
  /** What the service answers when all is well. */
  valid: unknown;
  run: (client: C) => Promise<unknown>;
  /** What the call may resolve to. */
  result: z.ZodType;
  /** Bodies that once broke the call (a raw TypeError): every run of the fuzz tests sends them first. */
  regressions?: unknown[];
}

const int = z.number().int();
const optText = z.string().optional();
const list = <T extends z.ZodType>(item: T) => z.array(item);

// ---------------------------------------------------------------- Workspace ONE

const ws1User = z.object({
  id: int,
  uuid: z.string(),
  userName: z.string(),
  email: z.string(),
  displayName: optText,
});
const ws1Device = z.object({
  id: int,
  serialNumber: z.string(),
  enrollmentStatus: z.string(),
  uuid: optText,
  userId: int.optional(),
  enrolledViaDep: z.boolean().optional(),
  lastEnrolledOn: z.iso.datetime().optional(),
});
const ws1DeviceBody = {
  Id: { Value: 1 },
  Uuid: 'd-1',
  SerialNumber: 'S1',
  EnrollmentStatus: 'Enrolled',
  UserId: { Id: { Value: 7 }, Name: 'jdoe' },
  UserEmailAddress: 'jane@corp.example',
  Platform: 'Apple',
  EnrolledViaDEP: true,
  LastEnrolledOn: '2024-05-01T10:00:00.123',
};
const ws1Profile = z.object({
  uuid: z.string(),
  name: z.string(),
  authenticationRequired: z.boolean(),
  stagingMode: z.string(),
  defaultStagingUser: optText,
  defaultStagingUserId: int.optional(),
  autoAssignDefaultProfile: z.boolean(),
});
const ws1ProfileBody = {
  profile_identifier: 'p-1',
  ProfileName: 'ADE',
  AuthenticationRequired: true,
  StagingMode: 1,
  EnrollmentUsername: 'staging',
  DefaultEnrollmentUserId: 5,
  AutoAssignDefaultProfile: false,
};
const ws1SourceDevice = z.object({
  id: int,
  serialNumber: z.string(),
  platform: z.string(),
  userEmail: z.string(),
  enrollmentStatus: z.string(),
});
const tokenRequest = { userUuid: 'u-7', serialNumber: 'S1', platform: 'ios' } as const;

export const WORKSPACE_ONE_CALLS: Call<WorkspaceOneClient>[] = [
  {
    name: 'findUserByEmail',
    routes: ['GET /API/system/users/search'],
    valid: { Users: [{ Id: 7, Uuid: 'u-7', UserName: 'jdoe', Email: 'jane@corp.example' }], Total: 1 },
    run: (c) => c.findUserByEmail('jane@corp.example'),
    result: ws1User.optional(),
  },
  {
    name: 'findDevice',
    routes: ['GET /API/mdm/devices'],
    valid: ws1DeviceBody,
    run: (c) => c.findDevice('Serialnumber', 'S1'),
    result: ws1Device.optional(),
  },
  {
    name: 'findDevicesBySerials',
    routes: ['POST /API/mdm/devices'],
    valid: { Devices: [ws1DeviceBody], Total: 1 },
    run: (c) => c.findDevicesBySerials(['S1', 'S2']),
    result: list(ws1Device),
  },
  {
    name: 'getOrganizationGroup',
    routes: ['GET /API/system/groups/search'],
    valid: { LocationGroups: [{ Id: 1, GroupId: 'corp', Name: 'Corp', Uuid: 'og-1' }] },
    run: (c) => c.getOrganizationGroup('corp'),
    result: z.object({ id: int, uuid: z.string(), name: z.string(), groupId: z.string() }),
  },
  {
    name: 'getAndroidWorkRegistration',
    routes: ['GET /API/system/groups/1/androidwork'],
    valid: { EnterpriseId: 'LC0123' },
    run: (c) => c.getAndroidWorkRegistration(1),
    result: z.object({ registered: z.boolean(), enterpriseId: z.string().min(1).optional() }),
  },
  {
    name: 'findEnrollmentUser by id',
    routes: ['GET /API/system/users/5'],
    valid: { Id: 5, UserName: 'staging' },
    run: (c) => c.findEnrollmentUser({ id: 5 }),
    result: z.object({ id: int, userName: optText }).optional(),
  },
  {
    name: 'findEnrollmentUser by name',
    routes: ['GET /API/system/users/search'],
    valid: { Users: [{ Id: 5, UserName: 'staging' }], Total: 1 },
    run: (c) => c.findEnrollmentUser({ userName: 'staging' }),
    result: z.object({ id: int, userName: optText }).optional(),
  },
  {
    name: 'issueRegistrationToken',
    routes: ['POST /API/mdm/groups/og-1/enrollment-tokens'],
    valid: { token: 'REG-0123' },
    run: (c) => c.issueRegistrationToken('og-1', tokenRequest),
    result: z.object({ token: z.string().min(1) }),
  },
  {
    name: 'listRegistrationTokens',
    routes: ['GET /API/mdm/groups/og-1/enrollment-tokens'],
    valid: { tokens: [{ uuid: 't-1', serial_number: 'S1', enrollment_status: 1 }], total: 1 },
    run: (c) => c.listRegistrationTokens('og-1', 'S1'),
    result: list(z.object({ uuid: z.string(), serialNumber: optText, enrollmentStatus: int.optional() })),
  },
  {
    name: 'getRegistrationToken',
    routes: ['GET /API/mdm/groups/og-1/enrollment-tokens/t-1'],
    valid: { serial_number: 'S1', user_name: 'jdoe', expiration_date: '2030-01-01T00:00:00', status: 1 },
    run: (c) => c.getRegistrationToken('og-1', 't-1'),
    result: z.object({
      uuid: z.literal('t-1'),
      expirationDate: z.iso.datetime().optional(),
      status: int.optional(),
    }),
  },
  {
    name: 'findRegistrationTokenValue',
    routes: ['GET /API/system/users/enrollmenttoken/search'],
    valid: { Device: [{ SerialNumber: 'S1', Token: 'REG-0123' }] },
    run: (c) => c.findRegistrationTokenValue('S1'),
    result: z.string().min(1).optional(),
  },
  {
    name: 'deleteRegistrationToken',
    routes: ['DELETE /API/mdm/groups/og-1/enrollment-tokens/t-1'],
    valid: {},
    run: (c) => c.deleteRegistrationToken('og-1', 't-1'),
    result: z.undefined(),
  },
  {
    name: 'listAdeProfiles',
    routes: ['GET /API/mdm/dep/profiles/search'],
    valid: { ProfileList: [ws1ProfileBody], TotalResults: 1 },
    run: (c) => c.listAdeProfiles('og-1'),
    result: list(ws1Profile),
  },
  {
    name: 'getAdeProfile',
    routes: ['GET /API/mdm/dep/profiles/p-1'],
    valid: ws1ProfileBody,
    run: (c) => c.getAdeProfile('p-1'),
    result: ws1Profile,
  },
  {
    name: 'listAdeDevices',
    routes: ['GET /API/mdm/dep/groups/og-1/devices'],
    valid: [{ deviceSerialNumber: 'S1', profileUuid: 'p-1', enrollmentStatus: 'Assigned' }],
    run: (c) => c.listAdeDevices('og-1'),
    result: list(z.object({ serialNumber: z.string(), profileUuid: optText })),
  },
  {
    name: 'listOrganizationGroupDevices',
    routes: ['GET /API/mdm/devices/search'],
    valid: { Devices: [ws1DeviceBody], Total: 1 },
    run: (c) => c.listOrganizationGroupDevices(1),
    result: list(ws1SourceDevice),
  },
  {
    name: 'listDevicesPage',
    routes: ['GET /API/mdm/devices/search'],
    valid: {
      devices: [
        {
          Id: { Value: 1 },
          serial_number: 'S1',
          enrollment_user_email_address: 'jane@corp.example',
          enrollment_status: 1,
        },
      ],
      total: 1,
    },
    run: (c) => c.listDevicesPage('og-1', 0, 50),
    result: z.object({
      devices: list(z.object({ id: int.optional(), serialNumber: z.string() })),
      total: int,
    }),
  },
  {
    name: 'enterpriseWipe',
    routes: ['POST /API/mdm/devices/commands'],
    valid: {},
    run: (c) => c.enterpriseWipe('S1'),
    result: z.undefined(),
  },
  {
    name: 'deviceWipe',
    routes: ['POST /API/mdm/devices/d-1/commands/DeviceWipe'],
    valid: {},
    run: (c) => c.deviceWipe('d-1'),
    result: z.undefined(),
  },
  {
    name: 'assignEnrollmentUser',
    routes: ['PATCH /API/mdm/devices/1/enrollmentuser/7'],
    valid: {},
    run: (c) => c.assignEnrollmentUser(1, 7),
    result: z.undefined(),
  },
];

// ---------------------------------------------------------------- Apple Business Manager

const orgDeviceBody = {
  type: 'orgDevices',
  id: 'S1',
  attributes: {
    serialNumber: 'S1',
    status: 'ASSIGNED',
    productFamily: 'iPhone',
    isMdmMigrationCapable: true,
  },
};
const orgDevice = z.object({
  id: z.string().min(1),
  serialNumber: z.string().min(1),
  status: z.enum(['ASSIGNED', 'UNASSIGNED']).optional(),
  isMdmMigrationCapable: z.boolean().optional(),
});
const activityBody = {
  data: {
    type: 'orgDeviceActivities',
    id: 'A1',
    attributes: { status: 'IN_PROGRESS', subStatus: 'SUBMITTED' },
  },
};
const activity = z.object({
  id: z.string().min(1),
  status: z.enum(['IN_PROGRESS', 'COMPLETED', 'STOPPED', 'FAILED']),
});
/** A page that names a next one: the client follows it (up to its maxPages). */
const nextLink = {
  self: 'https://api-business.apple.com/v1/orgDevices',
  next: 'https://api-business.apple.com/v1/orgDevices?cursor=c2',
};

export const ABM_CALLS: Call<AppleBusinessManagerClient>[] = [
  {
    name: 'listOrgDevices',
    routes: ['GET /v1/orgDevices'],
    valid: { data: [orgDeviceBody], links: nextLink, meta: { paging: { nextCursor: 'c2', limit: 1000 } } },
    run: (c) => c.listOrgDevices(),
    result: list(orgDevice),
    regressions: [{ data: [], links: { next: 'http://[' } }],
  },
  {
    name: 'getOrgDevice',
    routes: ['GET /v1/orgDevices/S1'],
    valid: { data: orgDeviceBody },
    run: (c) => c.getOrgDevice('S1'),
    result: orgDevice,
  },
  {
    name: 'getAssignedServerId',
    routes: ['GET /v1/orgDevices/S1/relationships/assignedServer', 'GET /v1/orgDevices/S1'],
    valid: { data: { type: 'mdmServers', id: 'M1' } },
    run: (c) => c.getAssignedServerId('S1'),
    result: z.string().min(1).optional(),
  },
  {
    name: 'listMdmServers',
    routes: ['GET /v1/mdmServers'],
    valid: {
      data: [
        { type: 'mdmServers', id: 'M1', attributes: { serverName: 'Workspace ONE', serverType: 'MDM' } },
      ],
      links: {},
    },
    run: (c) => c.listMdmServers(),
    result: list(z.object({ id: z.string().min(1), serverName: z.string(), serverType: optText })),
  },
  {
    name: 'listServerDeviceSerials',
    routes: ['GET /v1/mdmServers/M1/relationships/devices'],
    valid: {
      data: [{ type: 'orgDevices', id: 'S1' }],
      links: { next: '/v1/mdmServers/M1/relationships/devices?cursor=c2' },
    },
    run: (c) => c.listServerDeviceSerials('M1'),
    result: list(z.string().min(1)),
    regressions: [{ data: [{ type: 'orgDevices', id: 'S1' }], links: { next: 'http://[' } }],
  },
  {
    name: 'createDeviceActivity',
    routes: ['POST /v1/orgDeviceActivities'],
    valid: activityBody,
    run: (c) =>
      c.createDeviceActivity({ activityType: 'ASSIGN_DEVICES', mdmServerId: 'M1', serials: ['S1'] }),
    result: activity,
  },
  {
    name: 'getDeviceActivity',
    routes: ['GET /v1/orgDeviceActivities/A1'],
    valid: activityBody,
    run: (c) => c.getDeviceActivity('A1'),
    result: activity,
  },
];

// ---------------------------------------------------------------- Microsoft Graph (Intune)

const managedDeviceBody = {
  id: 'dev-1',
  serialNumber: 'S1',
  deviceName: "Jane's iPhone",
  userPrincipalName: 'jane@corp.example',
  emailAddress: null,
  operatingSystem: 'iOS',
  isSupervised: true,
  imei: '356938035643809',
  deviceActionResults: [
    { actionName: 'retire', actionState: 'pending', startDateTime: '2024-05-01T10:00:00Z' },
  ],
};
const intuneDevice = z.object({
  id: z.string().min(1),
  serialNumber: z.string(),
  emailAddress: z.string(),
  operatingSystem: z.string(),
  isSupervised: z.boolean(),
  imei: z.string().min(1).optional(),
  deviceActionResults: list(z.object({ actionName: z.string(), actionState: z.string() })),
});
const DEVICES = '/v1.0/deviceManagement/managedDevices';
/** Relative, so that it stays on the scripted server's origin (an absolute link elsewhere is refused). */
const devicesPage = { value: [managedDeviceBody], '@odata.nextLink': `${DEVICES}?$skiptoken=2` };

export const INTUNE_CALLS: Call<IntuneClient>[] = [
  {
    name: 'listManagedDevices',
    routes: [`GET ${DEVICES}`],
    valid: { value: [managedDeviceBody] },
    run: (c) => c.listManagedDevices({ pageSize: 100, select: ['id', 'serialNumber'] }),
    result: list(intuneDevice),
  },
  {
    name: 'listManagedDevices, paged',
    routes: [`GET ${DEVICES}`],
    valid: devicesPage,
    run: (c) => c.listManagedDevices(),
    result: list(intuneDevice),
    regressions: [{ value: [], '@odata.nextLink': 'http://[' }],
  },
  {
    name: 'listManagedDevices from beta',
    routes: ['GET /beta/deviceManagement/managedDevices'],
    valid: { value: [managedDeviceBody] },
    run: (c) => c.listManagedDevices({ beta: true }),
    result: list(intuneDevice),
  },
  {
    name: 'findBySerial',
    routes: [`GET ${DEVICES}`],
    valid: { value: [managedDeviceBody] },
    run: (c) => c.findBySerial('S1'),
    result: list(intuneDevice),
  },
  {
    name: 'getDevice',
    routes: [`GET ${DEVICES}/dev-1`],
    valid: managedDeviceBody,
    run: (c) => c.getDevice('dev-1'),
    result: intuneDevice,
  },
  {
    name: 'retire',
    routes: [`POST ${DEVICES}/dev-1/retire`],
    valid: {},
    run: (c) => c.retire('dev-1'),
    result: z.undefined(),
  },
  {
    name: 'wipe',
    routes: [`POST ${DEVICES}/dev-1/wipe`],
    valid: {},
    run: (c) => c.wipe('dev-1', { keepEnrollmentData: false, keepUserData: false }),
    result: z.undefined(),
  },
];

/** The OAuth token endpoints' valid answer. */
export const TOKEN_BODY = { access_token: 'tok-fuzz-0123456789', token_type: 'Bearer', expires_in: 3600 };
