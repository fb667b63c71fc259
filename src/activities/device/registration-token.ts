import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../workflows/failures';
import type { Ws1TokenDetails } from '../../services/workspace-one';
import type { DeclaredTokenSettings, Platform, TargetUserRef } from '../../workflows/device/messages';
import type { TargetTenant } from '../../services/workspace-one/target-tenant';
import { checksTokens, tokenSettingsFailure, tokenSettingsProblems } from './token-settings';

export interface IssueTokenInput {
  migrationId: string;
  serialNumber: string;
  platform: Platform;
  user: TargetUserRef;
  friendlyName?: string;
  /** Set when re-issuing: the expiry of the token being replaced; anything expiring later is newer. */
  replacing?: string;
  /**
   * Re-issuing (set with or without `replacing`): a token the target reports no expiry for cannot be told
   * from the one being replaced, so none is reused. Absent in inputs recorded before it existed.
   */
  replace?: boolean;
  /** The migration's declared token settings: a new token is checked against them. */
  declared?: DeclaredTokenSettings;
}

/** What the workflow keeps of a token: never its value (that stays between the target and the user). */
export interface IssuedToken {
  /** Absent: the target reports no expiry for the token, which then does not expire (see below). */
  expiresAt?: string;
  reused: boolean;
}

/**
 * A token's expiry in ms. Every field of the token details is optional in the model; a token whose
 * details carry no `expiration_date` is read as one that does not expire (the tenant names no end, and
 * Ferry does not invent one): it stays usable, the device waits for it until the enrollment window
 * closes, and a cancel still deletes it. Its `status` and `enrollment_status` are never read (their
 * integer meanings are unpublished), so their absence changes nothing.
 */
const expiryOf = (t: Ws1TokenDetails) =>
  t.expirationDate === undefined ? Number.POSITIVE_INFINITY : Date.parse(t.expirationDate);

/** A token stops counting as usable this long before it expires: the user needs time to type it. */
const USABLE_MARGIN_MS = 60_000;

export function createRegistrationTokenActivities(target: TargetTenant) {
  async function tokensFor(serialNumber: string): Promise<Ws1TokenDetails[]> {
    const og = (await target.organizationGroup()).uuid;
    const summaries = await target.client.listRegistrationTokens(og, serialNumber);
    return Promise.all(summaries.map((t) => target.client.getRegistrationToken(og, t.uuid)));
  }

  /** The usable token expiring last; `replacing` (the request's, or none) rules out the replaced ones. */
  function latestUsable(
    tokens: Ws1TokenDetails[],
    input: IssueTokenInput,
    replacing: Pick<IssueTokenInput, 'replacing' | 'replace'> = input,
  ): Ws1TokenDetails | undefined {
    const notBefore = Math.max(
      Date.now() + USABLE_MARGIN_MS,
      replacing.replacing ? Date.parse(replacing.replacing) + 1 : 0,
    );
    const replace = replacing.replace === true || replacing.replacing !== undefined;
    return tokens
      .filter((t) => expiryOf(t) > notBefore && !(replace && t.expirationDate === undefined))
      .filter((t) => !t.userName || t.userName.toLowerCase() === input.user.userName.toLowerCase())
      .sort((a, b) => expiryOf(b) - expiryOf(a))[0];
  }

  /**
   * Compares a token with the migration's declared token settings; on a mismatch deletes it (a retry
   * after the fix then issues one under the right settings) and fails the device.
   */
  async function checkDeclared(
    og: string,
    input: IssueTokenInput,
    token: Ws1TokenDetails,
    /** When this attempt asked for it; unknown for a token an earlier attempt issued. */
    requestedAt: number | undefined,
    value?: string,
  ): Promise<void> {
    if (!checksTokens(input.declared)) return;
    const issuedAt = token.registrationDate ? Date.parse(token.registrationDate) : requestedAt;
    const problems = tokenSettingsProblems(input.declared, {
      value: value || (await target.client.findRegistrationTokenValue(input.serialNumber)),
      // Without an issue time the lifetime cannot be measured: only length and characters are checked.
      issuedAt: issuedAt ?? 0,
      expiresAt:
        issuedAt !== undefined && token.expirationDate ? Date.parse(token.expirationDate) : undefined,
    });
    if (problems.length === 0) return;
    await target.client.deleteRegistrationToken(og, token.uuid);
    throw tokenSettingsFailure(problems);
  }

  return {
    /**
     * Issues a single-factor registration token for the user and serial, idempotently: a usable token
     * already on the target (from an earlier attempt of this activity) is reused, not doubled. A
     * replacement deletes the old tokens first. The expiry is read back from the target, not assumed.
     */
    async issueRegistrationToken(input: IssueTokenInput): Promise<IssuedToken> {
      const og = (await target.organizationGroup()).uuid;
      const existing = await tokensFor(input.serialNumber);
      const usable = latestUsable(existing, input);
      if (usable) {
        // Any other token for this serial (another user's, made outside Ferry) would confuse the user.
        for (const other of existing.filter((t) => t.uuid !== usable.uuid)) {
          await target.client.deleteRegistrationToken(og, other.uuid);
        }
        // A token an earlier attempt issued (and this one found) is checked too: that attempt may have
        // failed after the POST, before its own check.
        await checkDeclared(og, input, usable, undefined);
        return { expiresAt: usable.expirationDate, reused: true };
      }

      for (const old of existing) await target.client.deleteRegistrationToken(og, old.uuid);
      const requestedAt = Date.now();
      const created = await target.client.issueRegistrationToken(og, {
        userUuid: input.user.uuid,
        serialNumber: input.serialNumber,
        platform: input.platform,
        friendlyName: input.friendlyName,
      });
      // Every older token was deleted above: what is left is the new one (undated ones included).
      const issued = latestUsable(await tokensFor(input.serialNumber), input, {});
      if (!issued) {
        // Retryable: the next attempt finds the token if the target was only slow to show it.
        throw ApplicationFailure.retryable(
          'the target does not show the token it just issued',
          FailureType.TokenNotVisible,
        );
      }
      await checkDeclared(og, input, issued, requestedAt, created.token);
      return { expiresAt: issued.expirationDate, reused: false };
    },

    /** Deletes every token of the serial (cancel): a token nobody will use must not stay valid. */
    async revokeRegistrationTokens(input: { serialNumber: string }): Promise<number> {
      const og = (await target.organizationGroup()).uuid;
      const tokens = await target.client.listRegistrationTokens(og, input.serialNumber);
      for (const t of tokens) await target.client.deleteRegistrationToken(og, t.uuid);
      return tokens.length;
    },
  };
}
