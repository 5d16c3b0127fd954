import { keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform } from "../../../test/helpers/consortium.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "attestations";
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400;

/**
 * Gas of authority attestations: an authority attests and revokes, a bank sets its policy, and the check a financing
 * application makes (`requireBacked`, a view: its gas is what a financing step adds when it calls it).
 */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const { ids, accounts } = platform;
  const app = await deployUpgradeable(ethers, "AuthorityAttestations", [platform.registry]);
  await platform.finishBootstrap();
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const now = await networkHelpers.time.latest();
  const fact = (subjectKey: string) => ({
    kind: 1,
    subjectKey,
    evidenceHash: h("tax:record"),
    validFrom: now,
    validUntil: now + 90 * DAY,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  });
  const tax = app.connect(accounts.gov1);
  row("tax bureau attests an invoice genuine", await gasOf(await tax.attest(fact(h("invoice:1")))));
  row("a newer attestation supersedes the latest", await gasOf(await tax.attest(fact(h("invoice:1")))));
  row(
    "customs attests an export declaration (amount, date)",
    await gasOf(
      await app.connect(accounts.gov2).attest({
        ...fact(h("invoice:1")),
        kind: 2,
        factDate: now - DAY,
        amount: 1_000_000n,
        currency: "0x434e59",
      }),
    ),
  );
  row(
    "bank sets its receivable-financing policy (two kinds)",
    await gasOf(await app.connect(accounts.bankA).setPolicy(1, (1n << 1n) | (1n << 2n))),
  );
  row(
    "financing check (requireBacked, two kinds; view called by a financing step)",
    await app.requireBacked.estimateGas(ids.bankA, 1, h("invoice:1")),
  );
  row("tax bureau revokes an attestation", await gasOf(await tax.revoke(1, h("reason"))));
  return rows;
};
