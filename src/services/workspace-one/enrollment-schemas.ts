/** Registration token (mdm v1/v2, system v1) and Apple ADE (mdm v1) schemas and normalised types. */
import { z } from 'zod';
import { optInt, optString, ws1Date } from './primitives';

// ---------------------------------------------------------------- registration tokens

export const tokenCreatedSchema = z.object({ token: z.string().min(1) });

export interface Ws1TokenSummary {
  uuid: string;
  serialNumber?: string;
  /** Integer enums as sent; their meanings are not published (UNCONFIRMED). */
  enrollmentStatus?: number;
  complianceStatus?: number;
  platform?: number;
}

export const tokenListSchema = z.object({
  tokens: z
    .array(
      z
        .object({
          uuid: z.string(),
          serial_number: optString,
          enrollment_status: optInt,
          compliance_status: optInt,
          platform: optInt,
        })
        .transform((t): Ws1TokenSummary => ({
          uuid: t.uuid,
          serialNumber: t.serial_number,
          enrollmentStatus: t.enrollment_status,
          complianceStatus: t.compliance_status,
          platform: t.platform,
        })),
    )
    .nullish(),
  total: optInt,
});

/**
 * `EnrollmentTokenResponseV1Model` (mdm v1): every field of the model is optional (mrpaws/awtest
 * `mdm/v1/mdmv1/models/enrollment_token_response_v1_model.py`), so a detail a tenant leaves out reads as
 * absent, never as a malformed body retried for an hour.
 */
export interface Ws1TokenDetails {
  uuid: string;
  serialNumber?: string;
  userName?: string;
  /** ISO 8601, UTC. Absent: the target reports no expiry (the activity reads that as "does not expire"). */
  expirationDate?: string;
  registrationDate?: string;
  /** Token status and device enrollment status, integer enums as sent (UNCONFIRMED meanings); unread. */
  status?: number;
  enrollmentStatus?: number;
}

export const tokenDetailsSchema = z.object({
  serial_number: optString,
  user_name: optString,
  expiration_date: ws1Date.nullish(),
  registration_date: ws1Date.nullish(),
  status: optInt,
  enrollment_status: optInt,
});

export const tokenValueSearchSchema = z.object({
  Device: z.array(z.object({ SerialNumber: optString, Token: optString })).nullish(),
});

// ---------------------------------------------------------------- Apple ADE (DEP), mdm v1

export interface Ws1AdeProfile {
  uuid: string;
  name: string;
  authenticationRequired: boolean;
  /** Named staging mode, e.g. `SingleUserDevice` (integers are mapped by the client's option). */
  stagingMode: string;
  defaultStagingUser?: string;
  defaultStagingUserId?: number;
  autoAssignDefaultProfile: boolean;
}

export const rawAdeProfileSchema = z
  .object({
    profile_identifier: optString,
    uuid: optString,
    ProfileName: z.string(),
    AuthenticationRequired: z.boolean(),
    StagingMode: z.union([z.number().int(), z.string()]),
    EnrollmentUsername: optString,
    DefaultEnrollmentUserId: optInt,
    AutoAssignDefaultProfile: z.boolean(),
  })
  .refine((p) => (p.profile_identifier ?? p.uuid) !== undefined, {
    message: 'expected string',
    path: ['profile_identifier'],
  });

export type RawAdeProfile = z.output<typeof rawAdeProfileSchema>;

export const adeProfileSearchSchema = z.object({
  ProfileList: z.array(rawAdeProfileSchema).nullish(),
  TotalResults: optInt,
});

export interface Ws1AdeDevice {
  serialNumber: string;
  profileUuid?: string;
  profileName?: string;
  enrollmentStatus?: string;
}

export const adeDeviceListSchema = z.array(
  z
    .object({
      deviceSerialNumber: z.string(),
      profileUuid: optString,
      profileName: optString,
      enrollmentStatus: optString,
    })
    .transform((d): Ws1AdeDevice => ({
      serialNumber: d.deviceSerialNumber,
      profileUuid: d.profileUuid,
      profileName: d.profileName,
      enrollmentStatus: d.enrollmentStatus,
    })),
);
