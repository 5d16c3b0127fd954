import { expect } from "chai";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { documentsHash } from "@consortia/sdk";
import { appsNetwork, type AppsNetwork, lcIssueArgs } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: lc margin and lc documents against a real node", function () {
  this.timeout(240_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
    await net.json(["token", "mint", "Importer", "50000"], { as: "bankA" });
  });

  /** Bank A issues a 10,000 LC for the importer; Bank B advises; the exporter acknowledges. */
  async function operative(terms: string): Promise<string> {
    const { lcId } = await net.json<{ lcId: string }>(lcIssueArgs("10000", terms, { extra: ["--partial"] }), {
      as: "bankA",
    });
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    await net.json(["lc", "acknowledge", lcId], { as: "exporter" });
    return lcId;
  }

  it("margin share, lock, presentation paid, documents held with the margin applied, trust receipt, payment", async () => {
    const lcId = await operative("margin terms 1");
    const share = await net.json<{ required: string }>(["lc", "margin", "share", lcId, "2000"], { as: "bankA" });
    expect(share.required).to.equal("2000.00");
    const changed = await net.run(["lc", "margin", "lock", lcId, "1000"], { as: "importer" });
    expect(changed.code).to.equal(1);
    expect(changed.stderr).to.match(/200000 margin is due now, not the 100000 agreed/);
    const locked = await net.json<{ locked: string }>(["lc", "margin", "lock", lcId, "2000"], { as: "importer" });
    expect(locked.locked).to.equal("2000.00");
    const shown = await net.json<{ shareBps: number; due: string; locked: string; reclaimableAt: string }>([
      "lc",
      "margin",
      "show",
      lcId,
    ]);
    expect(shown).to.deep.include({ shareBps: 2000, due: "0.00", locked: "2000.00" });
    // expiry (+90 days) plus the 30-day grace, sight LC (no tenor)
    const reclaimable = Date.parse(shown.reclaimableAt) - Date.now();
    expect(reclaimable).to.be.greaterThan(110 * 86_400_000);

    const invoice = h("margin invoice");
    const { presentationId } = await net.json<{ presentationId: string }>(
      ["lc", "present", lcId, "7000", "--document", `invoice=${invoice}`],
      { as: "exporter" },
    );
    await net.json(["lc", "examine", presentationId], { as: "bankA" });
    await net.json(["lc", "pay", presentationId], { as: "bankA" });
    const held = await net.json<{ documentsHash: string; marginApplied: string; amountDue: string }>(
      ["lc", "documents", "hold", presentationId, "--document", `invoice=${invoice}`],
      { as: "bankA" },
    );
    expect(held).to.deep.include({
      documentsHash: documentsHash([{ contentHash: invoice, uriHash: ZeroHash, kind: 2 }]),
      marginApplied: "2000.00",
      amountDue: "5000.00",
    });
    const early = await net.run(["lc", "margin", "release", lcId], { as: "importer" });
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/is Acknowledged/);

    const trust = await net.run(
      ["lc", "documents", "trust-receipt", presentationId, "--undertaking", h("trust receipt 1")],
      { as: "bankA" },
    );
    expect(trust.code, trust.stderr).to.equal(0);
    expect(trust.stdout).to.match(new RegExp(`^released documents of presentation ${presentationId} on trust receipt`));
    const release = await net.json<{ state: string; amountDue: string }>(["lc", "documents", "show", presentationId]);
    expect(release).to.deep.include({ state: "ReleasedOnTrustReceipt", amountDue: "5000.00" });
    const paid = await net.json<{ released: boolean }>(["lc", "documents", "pay", presentationId, "5000"], {
      as: "importer",
    });
    expect(paid.released).to.equal(false);
    const settled = await net.json<{ state: string; amountDue: string }>(["lc", "documents", "show", presentationId]);
    expect(settled).to.deep.include({ state: "Settled", amountDue: "0.00" });
  });

  it("documents pay refuses another amount; margin release after cancellation returns the margin", async () => {
    const lcId = await operative("margin terms 2");
    await net.json(["lc", "margin", "share", lcId, "1000"], { as: "bankA" });
    await net.json(["lc", "margin", "lock", lcId, "1000"], { as: "importer" });
    const invoice = h("margin invoice 2");
    const { presentationId } = await net.json<{ presentationId: string }>(
      ["lc", "present", lcId, "3000", "--document", `invoice=${invoice}`],
      { as: "exporter" },
    );
    await net.json(["lc", "examine", presentationId], { as: "bankA" });
    await net.json(["lc", "pay", presentationId], { as: "bankA" });
    const noNominated = await net.run(
      ["lc", "documents", "hold", presentationId, "--documents-hash", h("docs 2"), "--obligation", "1"],
      { as: "bankA" },
    );
    expect(noNominated.code).to.equal(1);
    expect(noNominated.stderr).to.match(/names no nominated bank/);
    await net.json(["lc", "documents", "hold", presentationId, "--documents-hash", h("docs 2")], { as: "bankA" });
    const sameAccount = await net.run(["lc", "documents", "account", presentationId], { as: "bankA" });
    expect(sameAccount.code).to.equal(1);
    const wrong = await net.run(["lc", "documents", "pay", presentationId, "1000"], { as: "importer" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/200000 is due for release, not the 100000 agreed/);
    const paid = await net.run(["lc", "documents", "pay", presentationId, "2000"], { as: "importer" });
    expect(paid.code, paid.stderr).to.equal(0);
    expect(paid.stdout).to.match(new RegExp(`^paid 2000: documents of presentation ${presentationId} released`));

    await net.json(["lc", "cancel-request", lcId], { as: "bankA" });
    await net.json(["lc", "cancel-consent", lcId], { as: "exporter" });
    // the margin was all applied to the drawing: nothing to return
    const nothing = await net.run(["lc", "margin", "release", lcId], { as: "importer" });
    expect(nothing.code).to.equal(1);
    expect(nothing.stderr).to.match(/no margin left to release/);

    const unused = await operative("margin terms 3");
    await net.json(["lc", "margin", "share", unused, "500"], { as: "bankA" });
    await net.json(["lc", "margin", "lock", unused, "500"], { as: "importer" });
    await net.json(["lc", "cancel-request", unused], { as: "bankA" });
    await net.json(["lc", "cancel-consent", unused], { as: "exporter" });
    const released = await net.json<{ released: string }>(["lc", "margin", "release", unused], { as: "importer" });
    expect(released.released).to.equal("500.00");
  });
});
