/**
 * A happy-path device's activities (`ios_standard`, src/workflows/device/paths.ts): the user lookup, the
 * token, the user's notice, the source command, the removal and the enrollment waits. The baseline
 * workflow runs as many no-op activities.
 */
export const HAPPY_PATH_ACTIVITIES = 6;
