import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MigrationActivities } from '../../src/activities/device';
import { NOT_YET } from '../../src/workflows/failures';
import type { TargetUserRef } from '../../src/workflows/device/messages';

const DAY = 86_400_000;

interface FakeDevice {
  unenrolledAt?: number;
  enrolled?: { deviceId: number; userId: number; userName: string };
}

/**
 * An in-memory source + target + ABM for workflow tests: the activities keep their real signatures and
 * retry semantics, and read time from the server's clock (the time-skipping server's skipped time).
 */
export class FakeWorld {
  users = new Map<string, TargetUserRef>();
  abmConfigured = false;
  abmAssigned = new Set<string>();
  adeSynced = new Map<string, string[]>();
  /** What checkAdeProfile finds wrong with the target's default ADE profile. */
  defaultProfileProblems: string[] = [];
  androidEnterpriseRegistered = true;
  tokenLifetimeMs = DAY;
  /** Time from removal off the source to the device enrolling in the target (needs a valid token then). */
  enrollDelayMs = 60 * 60_000;
  neverEnrolls = new Set<string>();
  /** Serials whose source answers a retire or wipe with a refusal (the device stays in the source). */
  sourceRefuses = new Set<string>();
  stagingUser: TargetUserRef = { id: 900, uuid: 'staging', userName: 'ade-staging' };
  /** The target refuses to switch an ADE device off its staging user (documented for single staging). */
  stagingSwitchRefused = false;
  /** The target reports no expiry for its tokens (every field of the token details is optional). */
  undatedTokens = false;
  /** Every activity call, with the server time (ms) of its attempt. */
  calls: { name: string; input: unknown; at: number }[] = [];
  tokens: { serialNumber: string; expiresAt: number; deleted: boolean }[] = [];
  devices = new Map<string, FakeDevice>();
  private nextDeviceId = 1;

  addUser(email: string, userName = email.split('@')[0]!): TargetUserRef {
    const user = { id: 100 + this.users.size, uuid: `uuid-${userName}`, userName };
    this.users.set(email.toLowerCase(), user);
    return user;
  }

  callsOf(name: keyof MigrationActivities): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  /** The server time (ms) of each call of one activity, in order. */
  timesOf(name: keyof MigrationActivities): number[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.at);
  }

  private now(): number {
    return activityInfo().currentAttemptScheduledTimestampMs;
  }

  private device(serial: string): FakeDevice {
    const d = this.devices.get(serial) ?? {};
    this.devices.set(serial, d);
    return d;
  }

  private validToken(serial: string, at: number) {
    return this.tokens.find((t) => t.serialNumber === serial && !t.deleted && t.expiresAt > at);
  }

  activities(): MigrationActivities {
    const record = (name: string, input: unknown) => this.calls.push({ name, input, at: this.now() });
    return {
      lookupTargetUser: async (input) => {
        record('lookupTargetUser', input);
        return this.users.get(input.email.toLowerCase()) ?? null;
      },
      awaitAbmAssignment: async (input) => {
        record('awaitAbmAssignment', input);
        if (!this.abmConfigured) return 'not_configured';
        if (this.abmAssigned.has(input.serialNumber)) return 'assigned';
        throw ApplicationFailure.retryable('not yet', NOT_YET.abm);
      },
      awaitAdeSync: async (input) => {
        record('awaitAdeSync', input);
        const problems = this.adeSynced.get(input.serialNumber);
        if (!problems) throw ApplicationFailure.retryable('not yet', NOT_YET.adeSync);
        return { profileName: 'Ferry ADE', problems };
      },
      checkAdeProfile: async () => {
        record('checkAdeProfile', {});
        return { problems: this.defaultProfileProblems };
      },
      undoAbmAssignment: async (input) => {
        record('undoAbmAssignment', input);
        const was = this.abmAssigned.delete(input.serialNumber);
        return { detail: was ? 'rolled back in ABM' : 'nothing to undo' };
      },
      checkAndroidEnterprise: async () => {
        record('checkAndroidEnterprise', {});
        return { registered: this.androidEnterpriseRegistered };
      },
      issueRegistrationToken: async (input) => {
        record('issueRegistrationToken', input);
        const now = this.now();
        this.tokens.filter((t) => t.serialNumber === input.serialNumber).forEach((t) => (t.deleted = true));
        const token = {
          serialNumber: input.serialNumber,
          expiresAt: now + this.tokenLifetimeMs,
          deleted: false,
        };
        this.tokens.push(token);
        if (this.undatedTokens) {
          token.expiresAt = Number.POSITIVE_INFINITY;
          return { reused: false };
        }
        return { expiresAt: new Date(token.expiresAt).toISOString(), reused: false };
      },
      revokeRegistrationTokens: async (input) => {
        record('revokeRegistrationTokens', input);
        const live = this.tokens.filter((t) => t.serialNumber === input.serialNumber && !t.deleted);
        live.forEach((t) => (t.deleted = true));
        return live.length;
      },
      notifyUser: async (input) => {
        record('notifyUser', input);
        return { notifiedAt: new Date(this.now()).toISOString() };
      },
      sendSourceCommand: async (input) => {
        record('sendSourceCommand', input);
        if (this.sourceRefuses.has(input.serialNumber)) {
          throw ApplicationFailure.nonRetryable('the source refused the command', 'SourceRefused');
        }
        this.device(input.serialNumber).unenrolledAt ??= this.now();
        return { sent: true, state: 'EnterpriseWipePending' };
      },
      awaitSourceRemoval: async (input) => {
        record('awaitSourceRemoval', input);
        return { sourceState: 'Unenrolled' };
      },
      awaitTargetEnrollment: async (input) => {
        record('awaitTargetEnrollment', input);
        const serial = input.serialNumber;
        const d = this.device(serial);
        const now = this.now();
        d.unenrolledAt ??= now; // manual source: the user removed it when told to
        const ready = !this.neverEnrolls.has(serial) && now >= d.unenrolledAt + this.enrollDelayMs;
        if (!d.enrolled && ready) {
          const tokenPath = this.tokens.some((t) => t.serialNumber === serial);
          const owner = tokenPath ? this.ownerOf(serial) : this.enrollmentUserFor(serial);
          if (owner && (!tokenPath || this.validToken(serial, now))) {
            d.enrolled = { deviceId: this.nextDeviceId++, userId: owner.id, userName: owner.userName };
          }
        }
        if (!d.enrolled) throw ApplicationFailure.retryable('not yet', NOT_YET.enrollment);
        return d.enrolled;
      },
      assignDeviceToUser: async (input) => {
        record('assignDeviceToUser', input);
        const d = this.device(input.serialNumber);
        if (this.stagingSwitchRefused && d.enrolled?.userId !== input.user.id) {
          const { userId, userName } = d.enrolled ?? {};
          return { userId, userName, refused: 'the target moves only Multi-Staging devices' };
        }
        d.enrolled = { deviceId: input.deviceId, userId: input.user.id, userName: input.user.userName };
        return { userId: input.user.id, userName: input.user.userName };
      },
    };
  }

  /** The user the last token was issued for (the fake keeps it on the issue call). */
  private ownerOf(serial: string): TargetUserRef | undefined {
    const issued = this.callsOf('issueRegistrationToken') as { serialNumber: string; user: TargetUserRef }[];
    return issued.filter((i) => i.serialNumber === serial).pop()?.user;
  }

  /** Without a token: ADE enrolls to the staging user; Android fully managed to the user who signs in. */
  private enrollmentUserFor(serial: string): TargetUserRef | undefined {
    if (this.adeSynced.has(serial)) return this.stagingUser;
    const looked = this.calls.find((c) => c.name === 'lookupTargetUser');
    return looked ? this.users.get((looked.input as { email: string }).email.toLowerCase()) : undefined;
  }
}
