import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform } from "../../../test/helpers/consortium.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "financed-documents";
const CNY = "0x434e59";
const FACE = 1_000_000_00n;
const PAID = 1;
const CANCELLED = 2;

/**
 * Gas of the register of financed documents, called by a minimal application contract
 * (`FinancedDocumentsAppMock`, a system contract): the figures include that contract's own call (about 2,500 gas).
 * A receivable's registration, reject and last redemption include their hold and release (see receivables).
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  const { ids, accounts } = platform;
  const documents = await deployUpgradeable(ethers, "FinancedDocuments", [platform.registry]);
  const app = await ethers.deployContract("FinancedDocumentsAppMock", [documents]);
  await platform.finishBootstrap([app]);
  const doc = (label: string) => keccak256(toUtf8Bytes(`bench document ${label}`));
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });

  row("hold a document, first financing (no financier yet)", await gasOf(await app.hold(doc("a"), 1, FACE, CNY, FACE, 0)));
  row(
    "hold a document, first financing, financier named",
    await gasOf(await app.hold(doc("b"), 1, FACE, CNY, FACE / 2n, ids.bankA)),
  );
  row(
    "hold a second share of a financed document",
    await gasOf(await app.hold(doc("b"), 2, FACE, CNY, FACE / 2n, ids.bankB)),
  );
  row("release as paid", await gasOf(await app.release(doc("a"), 1, PAID, ZeroAddress)));
  row(
    "cancel with the financier's consent",
    await gasOf(await app.release(doc("b"), 1, CANCELLED, accounts.bankA.address)),
  );
  return rows;
};
