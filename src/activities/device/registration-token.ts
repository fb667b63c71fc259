import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../workflows/failures';
import type { Ws1TokenDetails } from '../../services/workspace-one';
import type { Platform, TargetUserRef } from '../../workflows/device/messages';
import type { TargetTenant } from '../../services/workspace-one/target-tenant';

export interface IssueTokenInput {
  migrationId: string;
  serialNumber: string;
  platform: Platform;
  user: TargetUserRef;
  friendlyName?: string;
  /** Set when re-issuing: the expiry of the token being replaced; anything expiring later is newer. */
  replacing?: string;
}

/** What the workflow keeps of a token: never its value (that stays between the target and the user). */
export interface IssuedToken {
  expiresAt: string;
  reused: boolean;
}

/** A token stops counting as usable this long before it expires: the user needs time to type it. */
const USABLE_MARGIN_MS = 60_000;

export function createRegistrationTokenActivities(target: TargetTenant) {
  async function tokensFor(serialNumber: string): Promise<Ws1TokenDetails[]> {
    const og = (await target.organizationGroup()).uuid;
    const summaries = await target.client.listRegistrationTokens(og, serialNumber);
    return Promise.all(summaries.map((t) => target.client.getRegistrationToken(og, t.uuid)));
  }

  function latestUsable(tokens: Ws1TokenDetails[], input: IssueTokenInput): Ws1TokenDetails | undefined {
    const notBefore = Math.max(
      Date.now() + USABLE_MARGIN_MS,
      input.replacing ? Date.parse(input.replacing) + 1 : 0,
    );
    return tokens
      .filter((t) => Date.parse(t.expirationDate) > notBefore)
      .filter((t) => !t.userName || t.userName.toLowerCase() === input.user.userName.toLowerCase())
      .sort((a, b) => Date.parse(b.expirationDate) - Date.parse(a.expirationDate))[0];
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
        return { expiresAt: usable.expirationDate, reused: true };
      }

      for (const old of existing) await target.client.deleteRegistrationToken(og, old.uuid);
      await target.client.issueRegistrationToken(og, {
        userUuid: input.user.uuid,
        serialNumber: input.serialNumber,
        platform: input.platform,
        friendlyName: input.friendlyName,
      });
      const issued = latestUsable(await tokensFor(input.serialNumber), input);
      if (!issued) {
        // Retryable: the next attempt finds the token if the target was only slow to show it.
        throw ApplicationFailure.retryable(
          'the target does not show the token it just issued',
          FailureType.TokenNotVisible,
        );
      }
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
