/** The baseline workflow's one activity: nothing, at once (bench/baseline-workflow.ts). */
export function createBaselineActivities() {
  return {
    async step(_serialNumber: string, _index: number): Promise<void> {
      return undefined;
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
