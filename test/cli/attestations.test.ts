import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));
const INVOICE_KEY = h("hmac:invoice:4400231130/00012345");
const OTHER_KEY = h("hmac:invoice:4400231130/00099999");

describe("cli: attest and policy commands against a real node", function () {
  this.timeout(240_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });
  // The node is shared by every CLI test file: a policy left behind would refuse Bank A's financing in theirs.
  after(async () => {
    if (net !== undefined) await net.run(["policy", "set", "ReceivableFinancing"], { as: "bankA" });
  });

  it("a tax authority attests an invoice key; a bank's policy requires it; revoked, it backs nothing", async () => {
    const attested = await net.json<{ attestationId: string; kind: string }>(
      ["attest", "add", "InvoiceGenuine", INVOICE_KEY, "--evidence", h("tax record"), "--until", "+90d"],
      { as: "pensions" },
    );
    expect(attested.kind).to.equal("InvoiceGenuine");
    const set = await net.json<{ kinds: string[] }>(["policy", "set", "ReceivableFinancing", "InvoiceGenuine"], {
      as: "bankA",
    });
    expect(set.kinds).to.deep.equal(["InvoiceGenuine"]);
    const backed = await net.json<{ backed: boolean; required: string[] }>([
      "policy",
      "check",
      "Bank A",
      "ReceivableFinancing",
      INVOICE_KEY,
    ]);
    expect(backed).to.deep.include({ backed: true, required: ["InvoiceGenuine"] });
    const other = await net.json<{ backed: boolean; missing: string }>([
      "policy",
      "check",
      "Bank A",
      "ReceivableFinancing",
      OTHER_KEY,
    ]);
    expect(other).to.deep.include({ backed: false, missing: "InvoiceGenuine" });

    await net.json(["attest", "revoke", attested.attestationId, "--reason", h("record corrected")], { as: "pensions" });
    const shown = await net.json<{ valid: boolean; kind: string }>(["attest", "show", attested.attestationId]);
    expect(shown).to.deep.include({ valid: false, kind: "InvoiceGenuine" });
    const after = await net.json<{ backed: boolean }>([
      "policy",
      "check",
      "Bank A",
      "ReceivableFinancing",
      INVOICE_KEY,
    ]);
    expect(after.backed).to.equal(false);

    // No kinds: the bank drops its requirement, and any invoice key passes its check again.
    const cleared = await net.json<{ kinds: string[] }>(["policy", "set", "ReceivableFinancing"], { as: "bankA" });
    expect(cleared.kinds).to.deep.equal([]);
    const open = await net.json<{ backed: boolean; required: string[] }>([
      "policy",
      "check",
      "Bank A",
      "ReceivableFinancing",
      OTHER_KEY,
    ]);
    expect(open).to.deep.include({ backed: true, required: [] });
  });

  it("refuses an attester without the role, an unknown kind and an unknown application", async () => {
    const noRole = await net.run(
      ["attest", "add", "InvoiceGenuine", INVOICE_KEY, "--evidence", h("tax record"), "--until", "+90d"],
      { as: "importer" },
    );
    expect(noRole.code).to.equal(1);
    expect(noRole.stderr).to.include("MissingRole");
    const badKind = await net.run(["attest", "add", "Rumour", INVOICE_KEY, "--evidence", h("x"), "--until", "+90d"], {
      as: "pensions",
    });
    expect(badKind.code).to.equal(2);
    expect(badKind.stderr).to.include("unknown attestation kind");
    const badApplication = await net.run(["policy", "set", "Mortgage", "InvoiceGenuine"], { as: "bankA" });
    expect(badApplication.code).to.equal(2);
    expect(badApplication.stderr).to.include("unknown financing application");
  });
});
