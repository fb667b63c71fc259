import { loadConfig } from '../../config';
import { writePrivateFile } from '../../services/shared/private-files';
import { deviceListCsv, isInventorySource, pullInventory, skippedLine } from '../source-inventory';
import { EXIT_OK, UsageError, type Command } from './command';
import { stringFlag } from './flags';

/** Pulls the source's inventory into a device list file an admin can check, edit and start from. */
export const inventoryCommand: Command = {
  usage: `Usage: ferry inventory --source intune|workspace-one --out FILE

Reads every managed iOS and Android device of the source tenant and writes Ferry's device list (CSV,
SPEC §1 columns), so nobody exports it by hand: intune reads INTUNE_* in the environment,
workspace-one the organization group WS1_SOURCE_GROUP_ID (WS1_SOURCE_*). Devices Ferry cannot migrate
(other platforms, no serial, not enrolled, no user email) are listed with the reason and left out.
Then: ferry validate --devices FILE, ferry preflight …, ferry start --devices FILE.`,
  options: { source: { type: 'string' }, out: { type: 'string', short: 'o' } },
  async run({ values }, io) {
    const source = stringFlag(values, 'source');
    if (!isInventorySource(source)) throw new UsageError('--source intune|workspace-one is required');
    const out = stringFlag(values, 'out');
    if (!out) throw new UsageError('--out FILE is required');
    const inventory = await pullInventory(loadConfig(), source);
    // The list holds every user's email: only its owner reads it.
    await writePrivateFile(out, deviceListCsv(inventory.devices));
    for (const s of inventory.skipped) io.out(skippedLine(s));
    io.out(`${out}: ${inventory.devices.length} devices, ${inventory.skipped.length} skipped`);
    return EXIT_OK;
  },
};
