export { migrateDevice } from './device-migration';
