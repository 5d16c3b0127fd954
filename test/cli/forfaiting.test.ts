import { expect } from "chai";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { address, appsNetwork, type AppsNetwork, lcIssueArgs } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: forfaiting commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("a deferred LC claim is sold: announce, quote, sealed commit, accept, acknowledge; sealed opening to the seller", async () => {
    // The claim: bank A accepts a deferred presentation; the exporter discounts it with bank B.
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("20000", "deferred terms", { extra: ["--deferred", "--tenor-days", "180"] }),
      { as: "bankA" },
    );
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    await net.json(["lc", "acknowledge", lcId], { as: "exporter" });
    const { presentationId: claim } = await net.json<{ presentationId: string }>(
      ["lc", "present", lcId, "20000", "--document", `invoice=${h("inv")}`],
      { as: "exporter" },
    );
    await net.json(["lc", "examine", claim], { as: "bankA" });
    await net.json(["lc", "accept", claim, "--maturity", "+150d"], { as: "bankA" });
    await net.json(["lc", "transfer-claim", claim, "Bank B"], { as: "exporter" });

    const { offerId } = await net.json<{ offerId: string }>(
      ["forfaiting", "announce", claim, "--deadline", "+2d", "--asking-price", "19500", "--discount-bps", "500"],
      { as: "bankB" },
    );
    const quoted = await net.run(["forfaiting", "quote", offerId, "19400"], { as: "bankC" });
    expect(quoted.code, quoted.stderr).to.equal(0);
    expect(quoted.stdout).to.match(new RegExp(`^quoted 19400\\.00 on offer ${offerId}`));
    const own = await net.run(["forfaiting", "quote", offerId, "1"], { as: "bankB" });
    expect(own.code).to.equal(1);
    expect(own.stderr).to.match(
      /ForfaitingMarket reverted with ForfaitingOwnOffer: offer \d+: member 2 cannot quote on its own offer/,
    );

    const shown = await net.json<{ state: string; quotes: { bidder: string; price: string; state: string }[] }>([
      "forfaiting",
      "show",
      offerId,
    ]);
    expect(shown.quotes).to.deep.equal([
      { offerId, bidder: address("bankC"), price: "19400.00", bidderMember: 6, state: "Active" },
    ]);

    const sold = await net.run(
      ["forfaiting", "accept", offerId, "Bank C", "--deed", h("deed"), "--notice", h("notice")],
      { as: "bankB" },
    );
    expect(sold.code, sold.stderr).to.equal(0);
    expect(sold.stdout).to.match(
      new RegExp(`^sold the claim of offer ${offerId} to ${address("bankC")} for 19400\\.00`),
    );
    const acknowledged = await net.json<{ offerId: string }>(["forfaiting", "acknowledge", offerId], { as: "bankA" });
    expect(acknowledged.offerId).to.equal(offerId);
    const after = await net.json<{ state: string; claim: { holder: string } }>(["forfaiting", "show", offerId]);
    expect(after.state).to.equal("NoticeAcknowledged");
    expect(after.claim.holder).to.equal(address("bankC"));

    // Bank C resells sealed: the commitment is computed client-side and the salt kept in a 0600 file.
    const sealedOffer = await net.json<{ offerId: string; sealed: boolean }>(
      ["forfaiting", "announce", claim, "--deadline", "+1d", "--sealed", "24"],
      { as: "bankC" },
    );
    expect(sealedOffer.sealed).to.equal(true);
    const saltFile = join(net.workdir, "sealed-quote.json");
    const committed = await net.json<{ commitment: string }>(
      ["forfaiting", "commit", sealedOffer.offerId, "19600", "--salt-file", saltFile],
      { as: "bankB" },
    );
    const kept = JSON.parse(await readFile(saltFile, "utf8")) as { commitment: string; salt: string; price: string };
    expect(kept.commitment).to.equal(committed.commitment);
    expect(kept.price).to.equal("1960000");
    expect((await stat(saltFile)).mode & 0o777).to.equal(0o600);
    const early = await net.run(["forfaiting", "reveal", sealedOffer.offerId, "--salt-file", saltFile], {
      as: "bankB",
    });
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/ForfaitingNotRevealTime/);

    // Issue 21: instead of revealing, bank B seals its price and salt to the seller and the regulator. The seller
    // (bank C) has published no encryption key on this network, so the envelope cannot be sealed for it.
    const sealOut = join(net.workdir, "opening.json");
    const sealing = await net.run(
      ["forfaiting", "seal-opening", sealedOffer.offerId, "--salt-file", saltFile, "--out", sealOut],
      { as: "bankB" },
    );
    expect(sealing.code).to.equal(1);
    expect(sealing.stderr).to.match(/published no encryption key/);
    // The seller accepts by opening the commitment: before the quote deadline the simulation refuses it, and nothing
    // is sent (the price would otherwise sit in a reverted transaction's calldata).
    const before = await net.json<{ quotes: unknown[] }>(["forfaiting", "show", sealedOffer.offerId]);
    const opened = await net.run(
      [
        "forfaiting",
        "accept-sealed",
        sealedOffer.offerId,
        "Bank B",
        "--salt-file",
        saltFile,
        "--deed",
        h("deed 2"),
        "--notice",
        h("notice 2"),
      ],
      { as: "bankC" },
    );
    expect(opened.code).to.equal(1);
    expect(opened.stderr).to.match(/ForfaitingNotRevealTime/);
    const unusable = await net.run(
      ["forfaiting", "accept-sealed", sealedOffer.offerId, "Bank B", "--deed", h("d"), "--notice", h("n")],
      { as: "bankC" },
    );
    expect(unusable.code).to.not.equal(0);
    expect(unusable.stderr).to.match(/give --opening \(with --encryption-key-file\) or --salt-file/);
    expect((await net.json<{ quotes: unknown[] }>(["forfaiting", "show", sealedOffer.offerId])).quotes).to.deep.equal(
      before.quotes,
    );
  });
});
