import { ApplicationFailure } from '@temporalio/common';
import { FailureType, NOT_YET } from '../../workflows/failures';
import { notYet } from '../typed-failures';
import type { SourceCommand, SourceDeviceRef, SourceUem } from '../../services/shared/source-uem';

/**
 * The device the source acts on: the serial, and the source id and UDID when the device list gave them
 * (workflows recorded before they were passed send the serial only, and the source matches on it).
 */
const refOf = ({ serialNumber, sourceDeviceId, udid }: SourceDeviceRef): SourceDeviceRef => ({
  serialNumber,
  ...(sourceDeviceId ? { sourceDeviceId } : {}),
  ...(udid ? { udid } : {}),
});

export function createSourceActivities(source: SourceUem | undefined) {
  function required(): SourceUem {
    if (!source) {
      throw ApplicationFailure.nonRetryable(
        'no source tenant is configured for this worker',
        FailureType.InvalidRequest,
      );
    }
    return source;
  }

  return {
    /** Only to the device read back from the source and matched (see SourceUem). */
    async sendSourceCommand(input: SourceDeviceRef & { command: SourceCommand }) {
      return required().sendCommand(refOf(input), input.command);
    },

    /** Retried until the source shows the device gone: an acknowledged command is not a removed device. */
    async awaitSourceRemoval(input: SourceDeviceRef): Promise<{ sourceState: string }> {
      const state = await required().removalState(refOf(input));
      if (!state.removed) throw notYet(NOT_YET.sourceRemoval, `source shows the device ${state.state}`);
      return { sourceState: state.state };
    },
  };
}
