import { ApplicationFailure } from '@temporalio/common';
import { FailureType, NOT_YET } from '../../workflows/failures';
import { notYet } from '../typed-failures';
import type { SourceCommand, SourceUem } from '../../services/shared/source-uem';

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
    async sendSourceCommand(input: { serialNumber: string; command: SourceCommand }) {
      return required().sendCommand(input.serialNumber, input.command);
    },

    /** Retried until the source shows the device gone: an acknowledged command is not a removed device. */
    async awaitSourceRemoval(input: { serialNumber: string }): Promise<{ sourceState: string }> {
      const state = await required().removalState(input.serialNumber);
      if (!state.removed) throw notYet(NOT_YET.sourceRemoval, `source shows the device ${state.state}`);
      return { sourceState: state.state };
    },
  };
}
