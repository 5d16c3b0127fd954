import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { appsNetwork, type AppsNetwork, lcIssueArgs } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: lc confirmation against a real node", function () {
  this.timeout(240_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("authorize, add, amendment not extended then extended, show; the issuing bank's stale terms refused", async () => {
    // lcIssueArgs gives the hash of this text as the terms hash
    const terms = h("confirmed terms 1");
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("10000", "confirmed terms 1", { extra: ["--nominated-bank", "Bank C"] }),
      { as: "bankA" },
    );
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    await net.json(["lc", "acknowledge", lcId], { as: "exporter" });

    const wrong = await net.run(["lc", "confirmation", "authorize", lcId, "--bank", "Bank B"], { as: "bankA" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/is not its nominated bank/);
    const auth = await net.json<{ requested: boolean }>(
      ["lc", "confirmation", "authorize", lcId, "--bank", "Bank C", "--request"],
      { as: "bankA" },
    );
    expect(auth.requested).to.equal(true);
    const stale = await net.run(["lc", "confirmation", "add", lcId, "--terms-hash", h("other")], { as: "bankC" });
    expect(stale.code).to.equal(1);
    expect(stale.stderr).to.match(/not its current terms/);
    await net.json(["lc", "confirmation", "add", lcId, "--terms-hash", terms], { as: "bankC" });

    const v2 = h("confirmed terms 2");
    await net.json(
      ["lc", "amend", lcId, "--amount", "12000", "--expiry", "+100d", "--latest-shipment", "+70d", "--terms", v2],
      { as: "bankA" },
    );
    await net.json(["lc", "amend-accept", lcId], { as: "exporter" });
    await net.json(
      ["lc", "confirmation", "decline-amendment", lcId, "--terms-hash", v2, "--notice", h("advice without")],
      { as: "bankC" },
    );
    let shown = await net.json<{ upToDate: boolean; confirmedMaximum: string; currentMaximum: string }>([
      "lc",
      "confirmation",
      "show",
      lcId,
    ]);
    expect(shown).to.deep.include({ upToDate: false, confirmedMaximum: "10000.00", currentMaximum: "12000.00" });
    const extended = await net.json<{ amendmentsExtended: number }>(
      ["lc", "confirmation", "extend", lcId, "--terms-hash", v2],
      { as: "bankC" },
    );
    expect(extended.amendmentsExtended).to.equal(1);
    shown = await net.json(["lc", "confirmation", "show", lcId]);
    expect(shown).to.deep.include({ upToDate: true, confirmedMaximum: "12000.00" });
  });

  it("decline to confirm (art. 8d) and withdraw an authorization", async () => {
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("5000", "confirmed terms 3", { extra: ["--nominated-bank", "Bank C"] }),
      { as: "bankA" },
    );
    await net.json(["lc", "confirmation", "authorize", lcId, "--bank", "Bank C"], { as: "bankA" });
    await net.json(["lc", "confirmation", "decline", lcId, "--notice", h("not prepared")], { as: "bankC" });
    await net.json(["lc", "confirmation", "authorize", lcId, "--bank", "Bank C"], { as: "bankA" });
    await net.json(["lc", "confirmation", "withdraw", lcId], { as: "bankA" });
    const none = await net.run(["lc", "confirmation", "add", lcId, "--terms-hash", h("confirmed terms 3")], {
      as: "bankC",
    });
    expect(none.code).to.equal(1);
    expect(none.stderr).to.match(/no authorization to confirm is pending/);
  });
});
