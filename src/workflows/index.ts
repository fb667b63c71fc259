export { migrateDevice } from './device-migration';
export { migrateFleet } from './fleet-migration';
