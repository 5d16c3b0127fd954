import { deployPlatform } from "../../../test/helpers/consortium.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "issuance-limits";

/**
 * Gas of issuance limits. `use` and `release` are called by a minimal application contract (`IssuanceLimitsAppMock`,
 * a system contract; about 2,500 of each figure); the desk's confirm and redemptions include them (see receivables).
 * A use of a limited obligor reads the standing of each of its banks (two here).
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const { ids, accounts } = platform;
  const limits = await deployUpgradeable(ethers, "IssuanceLimits", [platform.registry]);
  const app = await ethers.deployContract("IssuanceLimitsAppMock", [limits]);
  await platform.finishBootstrap([app]);
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });

  row("use, obligor not limited (tracked only)", await gasOf(await app.use(ids.core, 1, 1_000n)));
  row(
    "bank sets the first limit for a core enterprise",
    await gasOf(await limits.connect(accounts.bankA).setLimit(ids.core, 5_000_000n)),
  );
  row(
    "a second bank sets its limit",
    await gasOf(await limits.connect(accounts.bankB).setLimit(ids.core, 3_000_000n)),
  );
  row("bank changes its limit", await gasOf(await limits.connect(accounts.bankA).setLimit(ids.core, 4_000_000n)));
  row(
    "core enterprise puts itself under its banks' limits",
    await gasOf(await limits.connect(accounts.core).enforceLimits(ids.core, true)),
  );
  row("use, limited obligor with two banks", await gasOf(await app.use(ids.core, 2, 1_000_000n)));
  row("release at a redemption", await gasOf(await app.release(ids.core, 2, 400_000n)));
  return rows;
};
