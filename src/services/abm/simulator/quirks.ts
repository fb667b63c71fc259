/**
 * What the ABM simulator does where Apple's documentation is silent: Apple's observed rate limits (on by
 * default), and named quirks for behaviours no public source settles. README.md in this folder lists
 * each with its default and its source, or UNCONFIRMED.
 */

/**
 * Apple publishes no rate limits; neilmartin83/terraform-provider-axm's README reports, from trial and
 * error, about 20 GETs a minute and 10 POSTs an hour, a 429 with `Retry-After` in seconds beyond them.
 */
export interface AbmRateLimits {
  /** Default 20; `null` turns the GET limit off. */
  getPerMinute?: number | null;
  /** Default 10 (POST /v1/orgDeviceActivities is the only POST); `null` turns it off. */
  postPerHour?: number | null;
  /**
   * The length of the POST limit's "hour"; default 3,600,000 ms. Only a rehearsal whose clock runs
   * faster than Apple's (the demo) shortens it, and says so.
   */
  postWindowMs?: number;
}

export const APPLE_OBSERVED_RATE_LIMITS = { getPerMinute: 20, postPerHour: 10 } as const;

/** The limits in force: Apple's observed ones unless `false` (all off) or overridden one by one. */
export function rateLimitsIn(option: AbmRateLimits | false | undefined): {
  get?: { limit: number; windowMs: number };
  post?: { limit: number; windowMs: number };
} {
  if (option === false) return {};
  const gets =
    option?.getPerMinute === undefined ? APPLE_OBSERVED_RATE_LIMITS.getPerMinute : option.getPerMinute;
  const posts =
    option?.postPerHour === undefined ? APPLE_OBSERVED_RATE_LIMITS.postPerHour : option.postPerHour;
  return {
    get: gets === null ? undefined : { limit: gets, windowMs: 60_000 },
    post: posts === null ? undefined : { limit: posts, windowMs: option?.postWindowMs ?? 3_600_000 },
  };
}

export interface AbmSimulatorQuirks {
  /**
   * `GET /v1/orgDevices/{id}/relationships/assignedServer` of a device on no server (UNCONFIRMED: Apple
   * shows only an assigned example and lists a 404): `null-data` answers 200 `{ data: null }` (JSON:API's
   * empty to-one linkage), `empty-id` 200 with `data.id` "", `not-found` Apple's 404 error body.
   */
  unassignedServer: 'null-data' | 'empty-id' | 'not-found';
  /**
   * A serial the organisation does not hold, in `POST /v1/orgDeviceActivities`: `accepted` takes the
   * activity (201) and completes it without moving that serial (rodchristiansen/asbmutil issue 22 saw
   * this), `conflict` refuses the whole request with 409 (UNCONFIRMED).
   */
  unknownSerial: 'accepted' | 'conflict';
  /**
   * Token requests allowed per window before the token endpoint answers 400 (kaincenteno/pyaxm README:
   * "requesting too many access tokens will result in a response with status code 400"; the threshold,
   * the window and the body are UNCONFIRMED); `false` turns it off.
   */
  tokenRequestLimit: { requests: number; windowMs: number } | false;
}

export const DEFAULT_QUIRKS: Readonly<AbmSimulatorQuirks> = {
  unassignedServer: 'null-data',
  unknownSerial: 'accepted',
  // A client that caches its token (one an hour) never comes near it.
  tokenRequestLimit: { requests: 10, windowMs: 3_600_000 },
};

/** The OAuth error the throttled token endpoint answers with (UNCONFIRMED: Apple's body is not published). */
export const TOKEN_THROTTLE_ERROR = 'invalid_request';
