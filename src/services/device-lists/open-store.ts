import { PostgresMigrationStore } from './postgres-store';
import { FileMigrationStore, type ManagedMigrationStore } from './store';

/**
 * The migration store a program uses: PostgreSQL when FERRY_STORE_URL is set (workers on several
 * hosts), otherwise the files under FERRY_STATE_DIR (the embedded default, one machine or a shared
 * volume). Close it when the program ends.
 */
export function openMigrationStore(where: {
  storeUrl?: string;
  stateDir: string;
}): Promise<ManagedMigrationStore> {
  return where.storeUrl
    ? PostgresMigrationStore.open(where.storeUrl)
    : Promise.resolve(new FileMigrationStore(where.stateDir));
}
