export { migrateDevice } from './device/workflow';
export { migrateFleet } from './fleet/workflow';
export { preflightDeviceList } from './preflight/workflow';
