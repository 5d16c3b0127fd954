import { AbiCoder, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { deployLettersOfCredit, Kind, operativeLc } from "../../../test/letters-of-credit/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "attestations";
const h = (text: string) => keccak256(toUtf8Bytes(text));
const DAY = 86_400;
/** `IAuthorityAttestations.Application.LcHonour`, and the InvoiceGenuine kind's policy bit. */
const LC_HONOUR = 2;
const INVOICE_GENUINE = 1n << 1n;

/**
 * Gas of LC presentations backed by attestations (issue 22), measured by LcPresentationChecks' hook: the beneficiary
 * states the backing subject, presents and the issuing bank examines as complying — with an issuing bank without an
 * LcHonour policy (one policy read per checked step) and with a met InvoiceGenuine policy (`requireBacked`) — and the
 * issuing bank re-links a presentation before examination.
 */
export const measure: MeasureGas = async (connection) => {
  const { networkHelpers } = connection;
  const f = await deployLettersOfCredit(connection, { attestations: true });
  const { accounts } = f.platform;
  const attestations = f.attestations!;
  const lcId = await operativeLc(f);
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const subject = h("invoice:lc:1");
  const now = await networkHelpers.time.latest();
  await attestations.connect(accounts.gov1).attest({
    kind: 1,
    subjectKey: subject,
    evidenceHash: h("tax:record"),
    validFrom: now,
    validUntil: now + 90 * DAY,
    factDate: 0,
    amount: 0,
    currency: "0x000000",
  });
  const docs = (tag: string) =>
    [Kind.INVOICE, Kind.TRANSPORT_DOCUMENT, Kind.INSURANCE].map((kind) => ({
      contentHash: h(`${tag}-${kind}`),
      uriHash: h(`uri-${tag}-${kind}`),
      kind,
    }));
  const hashOf = (documents: ReturnType<typeof docs>) =>
    keccak256(
      AbiCoder.defaultAbiCoder().encode(["tuple(bytes32 contentHash, bytes32 uriHash, uint16 kind)[]"], [documents]),
    );
  const beneficiary = f.lc.connect(accounts.supplier1);
  const checks = f.presentationChecks.connect(accounts.supplier1);
  const present = async (tag: string) => {
    const documents = docs(tag);
    const stated = await gasOf(await checks.stateBacking(hashOf(documents), subject));
    const id = await beneficiary.present.staticCall(lcId, 10_000n, documents);
    const presented = await gasOf(await beneficiary.present(lcId, 10_000n, documents));
    return { id, stated, presented };
  };
  const plain = await present("plain");
  row("lc: beneficiary states the backing subject", plain.stated);
  row("lc: present, issuing bank without a policy (policy read, PresentationBacking)", plain.presented);
  row(
    "lc: examine as complying, issuing bank without a policy",
    await gasOf(await f.lc.connect(accounts.bankA).examine(plain.id, [])),
  );
  await attestations.connect(accounts.bankA).setPolicy(LC_HONOUR, INVOICE_GENUINE);
  const backed = await present("backed");
  row("lc: present, issuing bank's InvoiceGenuine policy met", backed.presented);
  row(
    "lc: issuing bank links the presentation to another subject",
    await gasOf(await f.presentationChecks.connect(accounts.bankA).linkBacking(f.lc, backed.id, subject)),
  );
  row(
    "lc: examine as complying, issuing bank's InvoiceGenuine policy met",
    await gasOf(await f.lc.connect(accounts.bankA).examine(backed.id, [])),
  );
  await f.lc.connect(accounts.bankA).pay(backed.id, ZeroHash);
  return rows;
};
