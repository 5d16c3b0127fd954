import { keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform } from "../../../test/helpers/consortium.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "warehouse";
const CNY = "0x434e59";
const INVENTORY = 1;
const CONFIRMED = 2;
const h = (label: string) => keccak256(toUtf8Bytes(`bench warehouse ${label}`));

/**
 * Gas of warehouse receipts (融通仓, 保兑仓) and of the register's recorded duplicate-financing check. The acceptance
 * of a pledge includes the hold of the goods' document in the register of financed documents; the last release
 * includes its release as paid; a refused acceptance includes the register's `FinancingRefused` record.
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const { ids, accounts } = platform;
  const documents = await deployUpgradeable(ethers, "FinancedDocuments", [platform.registry]);
  const receipts = await deployUpgradeable(ethers, "WarehouseReceipts", [
    platform.registry,
    documents,
    platform.freezeOrders,
  ]);
  await platform.finishBootstrap([receipts]);
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const w = receipts.connect(accounts.gov2);
  const bank = receipts.connect(accounts.bankA);
  const issue = (label: string, mode = INVENTORY) =>
    w.issue({
      depositor: mode === CONFIRMED ? ids.core : ids.supplier1,
      mode,
      dealer: mode === CONFIRMED ? ids.supplier2 : 0,
      goodsHash: h(`goods ${label}`),
      locationHash: h(`location ${label}`),
      documentId: h(`document ${label}`),
      quantity: 1_000n,
      value: 2_000_000_00n,
      currency: CNY,
    });

  row("warehouse issues a receipt (融通仓)", await gasOf(await issue("a")));
  row("warehouse issues a receipt (保兑仓, seller for a dealer)", await gasOf(await issue("b", CONFIRMED)));
  row(
    "depositor offers the receipt as a pledge",
    await gasOf(await receipts.connect(accounts.supplier1).offerPledge(1, ids.bankA, h("loan 1"), 1_000_000_00n)),
  );
  row(
    "bank accepts the pledge (holds the goods' document)",
    await gasOf(await bank.acceptPledge(1, (await receipts.pledge(1)).offerHash)),
  );
  row("bank records a repayment", await gasOf(await bank.recordRepayment(1, 500_000_00n, h("payment 1"))));
  row("bank instructs a release within the repaid share", await gasOf(await bank.instructRelease(1, 300n)));
  row("warehouse confirms a partial release", await gasOf(await w.confirmRelease(1, 300n)));
  await bank.recordRepayment(1, 500_000_00n, h("payment 2"));
  await bank.instructRelease(1, 700n);
  row("warehouse confirms the last release (closes, document paid)", await gasOf(await w.confirmRelease(1, 700n)));
  // A second receipt over the goods of receipt 2 (pledged first): the register refuses and records the attempt.
  await receipts.connect(accounts.core).offerPledge(2, ids.bankA, h("loan 2"), 1_000_000_00n);
  await bank.acceptPledge(2, (await receipts.pledge(2)).offerHash);
  await issue("b");
  await receipts.connect(accounts.supplier1).offerPledge(3, ids.bankB, h("loan 3"), 1_000_000_00n);
  row(
    "bank accepts a pledge of goods financed elsewhere (refused, recorded)",
    await gasOf(await receipts.connect(accounts.bankB).acceptPledge(3, (await receipts.pledge(3)).offerHash)),
  );
  row(
    "bank's recorded check, document free",
    await gasOf(await documents.connect(accounts.bankB).checkFinancing(h("document free"), 1_000n, CNY, 1_000n)),
  );
  row(
    "bank's recorded check, document financed (refusal recorded)",
    await gasOf(await documents.connect(accounts.bankB).checkFinancing(h("document b"), 2_000_000_00n, CNY, 1n)),
  );
  return rows;
};
