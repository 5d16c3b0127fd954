import { expect } from "chai";
import { JsonRpcProvider, keccak256, toUtf8Bytes } from "ethers";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: part payment at maturity, against a real node", function () {
  this.timeout(300_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("the importer pays part at maturity; the exporter's share is claimed, the rest stays unpaid", async () => {
    const tag = `${Date.now()}-${Math.random()}`;
    const { receivableId } = await net.json<{ receivableId: string }>(
      ["receivable", "register", "--obligor", "Importer", "--face", "1000", "--maturity", "+3h"].concat(
        ["--invoice-key", h(`INV-CLI-PART-${tag}`), "--contract", h(`part contract ${tag}`)],
        ["--invoice", h(`part invoice ${tag}`), "--delivery", h(`part delivery ${tag}`)],
      ),
      { as: "exporter" },
    );
    const confirmed = await net.run(["receivable", "confirm", receivableId], { as: "importer" });
    expect(confirmed.code, confirmed.stderr).to.equal(0);
    const root = /certificate (\d+)/.exec(confirmed.stdout)?.[1] ?? "";

    // Before maturity: refused (decoded, exit 1).
    await net.json(["token", "mint", "Importer", "400"], { as: "bankA" });
    const early = await net.run(["receivable", "pay-partial", receivableId, "400"], { as: "importer" });
    expect(early.code, early.stdout).to.equal(1);
    expect(early.stderr).to.match(/ArrangementTooEarly|too early/i);

    const provider = new JsonRpcProvider(net.node.url, undefined, { staticNetwork: true });
    await provider.send("evm_increaseTime", [3 * 3600 + 60]);
    await provider.send("evm_mine", []);
    provider.destroy();

    const paid = await net.json<{ unpaid: string }>(["receivable", "pay-partial", receivableId, "400"], {
      as: "importer",
    });
    expect(paid.unpaid).to.equal("600.00");
    const shown = await net.json<{ paidIn: string; pending: string; unpaid: string }>([
      "receivable",
      "part-payments",
      receivableId,
    ]);
    expect([shown.paidIn, shown.pending, shown.unpaid]).to.deep.equal(["400.00", "400.00", "600.00"]);
    // Any member claims for the holder: the exporter is paid 400, its certificate is 600 now.
    const claimed = await net.json<{ share: string; valueAfter: string }>(["receivable", "claim-share", root], {
      as: "bankB",
    });
    expect([claimed.share, claimed.valueAfter]).to.deep.equal(["400.00", "600.00"]);
    const again = await net.run(["receivable", "claim-share", root], { as: "bankB" });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/ArrangementNoShare|no share/);
    // Nothing to give back while the receivable is unpaid.
    const refund = await net.run(["receivable", "refund-part-payments", receivableId], { as: "importer" });
    expect(refund.code).to.equal(1);
    expect(refund.stderr).to.match(/ArrangementNothingToRefund|nothing to give back/);
  });
});
