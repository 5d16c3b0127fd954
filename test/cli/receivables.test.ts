import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, keccak256, toUtf8Bytes } from "ethers";
import { address, appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: receivable commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  let dir: string;
  before(async () => {
    net = await appsNetwork();
    dir = await mkdtemp(join(tmpdir(), "consortia-cli-receivables-"));
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("register, confirm, guarantee, split with sign-off, discount, pledge, lineage, fund and redeem", async () => {
    const invoiceFile = join(dir, "invoice.pdf");
    await writeFile(invoiceFile, "invoice INV-CLI-1: 1,000.00 CNY");
    // The maturity is two hours away: after the financing steps the test moves the node's clock past it (by as
    // little as it can, since other CLI test files share the node and date their deadlines from the wall clock).
    const { receivableId } = await net.json<{ receivableId: string }>(
      [
        "receivable",
        "register",
        "--obligor",
        "Importer",
        "--face",
        "1000",
        "--maturity",
        "+2h",
        "--invoice-key",
        h("INV-CLI-1"),
        "--contract",
        `${h("contract")}@vault://contracts/17`,
        "--invoice",
        `file:${invoiceFile}`,
        "--delivery",
        h("delivery note"),
      ],
      { as: "exporter" },
    );
    const confirmed = await net.run(["receivable", "confirm", receivableId], { as: "importer" });
    expect(confirmed.code, confirmed.stderr).to.equal(0);
    const root = /certificate (\d+)/.exec(confirmed.stdout)?.[1] ?? "";
    expect(confirmed.stdout).to.match(new RegExp(`^confirmed receivable ${receivableId}: certificate \\d+ \\(tx 0x`));
    await net.json(["receivable", "request-guarantee", receivableId, "Bank B"], { as: "importer" });
    await net.json(["receivable", "guarantee", receivableId], { as: "bankB" });

    // Tier 2 with sign-off.
    const { offerId } = await net.json<{ offerId: string }>(
      ["receivable", "split", root, "Supplier Two", "400", "--sign-off", "--deadline", "+1h"],
      { as: "exporter" },
    );
    const { newTokenId: tier2 } = await net.json<{ newTokenId: string }>(["receivable", "accept-transfer", offerId], {
      as: "supplier2",
    });
    // Supplier Two discounts it whole with Bank A: DvP in tokens, the allowance granted first.
    const discount = await net.json<{ offerId: string }>(
      ["receivable", "discount", tier2, "400", "--bank", "Bank A", "--price", "390.50", "--deadline", "+1h"],
      { as: "supplier2" },
    );
    const accepted = await net.run(["receivable", "discount-accept", discount.offerId], { as: "bankA" });
    expect(accepted.code, accepted.stderr).to.equal(0);
    expect(accepted.stderr).to.match(/approve 390\.50 to 0x/);
    expect(accepted.stdout).to.match(new RegExp(`^paid 390\\.50 for certificate ${tier2}`));
    // A pledge, released; then a plain split (no sign-off) to Supplier Two.
    const { pledgeId } = await net.json<{ pledgeId: string }>(
      ["receivable", "pledge", root, "100", "--bank", "Bank B", "--due", "+90m"],
      { as: "exporter" },
    );
    await net.json(["receivable", "pledge-release", pledgeId], { as: "bankB" });
    const { newTokenId: split } = await net.json<{ newTokenId: string }>(
      ["receivable", "split", root, "Supplier Two", "100"],
      { as: "exporter" },
    );

    const lineage = await net.json<{ tokenId: string; parent: string; tier: number; owner: string; value: string }[]>([
      "receivable",
      "lineage",
      receivableId,
    ]);
    expect(lineage.map((node) => [node.tokenId, node.parent, node.tier, node.owner, node.value])).to.deep.equal([
      [root, "0", 1, address("exporter"), "500.00"],
      [tier2, root, 2, address("bankA"), "400.00"],
      [split, root, 2, address("supplier2"), "100.00"],
    ]);
    const table = await net.run(["receivable", "lineage", receivableId]);
    expect(table.stdout).to.match(/^TOKENID\s+PARENT\s+TIER\s+OWNER\s+VALUE\s+LOCKED/);

    // Maturity: the obligor funds (approving the desk first), every holder redeems.
    const provider = new JsonRpcProvider(net.node.url, undefined, { staticNetwork: true });
    await provider.send("evm_increaseTime", [2 * 3600 + 60]);
    await provider.send("evm_mine", []);
    provider.destroy();
    await net.json(["token", "mint", "Importer", "1000"], { as: "bankA" });
    const funded = await net.run(["receivable", "fund", receivableId], { as: "importer" });
    expect(funded.code, funded.stderr).to.equal(0);
    expect(funded.stdout).to.match(new RegExp(`^funded receivable ${receivableId} with 1000\\.00`));
    for (const [party, token, amount] of [
      ["exporter", root, "500.00"],
      ["bankA", tier2, "400.00"],
      ["supplier2", split, "100.00"],
    ] as const) {
      const redeemed = await net.json<{ amount: string }>(["receivable", "redeem", token], { as: party });
      expect(redeemed.amount).to.equal(amount);
    }
    const shown = await net.json<{ status: string; redeemed: string; outstanding: string }>([
      "receivable",
      "show",
      receivableId,
    ]);
    expect(shown).to.deep.include({ status: "Settled", redeemed: "1000.00", outstanding: "0.00" });
    const certificate = await net.json<{ redeemed: boolean; tier: number; parent: string }>([
      "receivable",
      "certificate",
      split,
    ]);
    expect(certificate).to.deep.include({ redeemed: true, tier: 2, parent: root });
  });

  it("a wrong party reverts decoded (exit 1); malformed input is a usage error (exit 2)", async () => {
    const terms = [
      "--obligor",
      "Importer",
      "--face",
      "10",
      "--maturity",
      "+30d",
      "--invoice-key",
      h("INV-CLI-2"),
      "--contract",
      h("c"),
      "--invoice",
      h("i"),
      "--delivery",
      h("d"),
    ];
    const { receivableId } = await net.json<{ receivableId: string }>(["receivable", "register", ...terms], {
      as: "exporter",
    });
    const wrong = await net.run(["receivable", "reject", receivableId], { as: "supplier2" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/ReceivableDesk reverted with MissingRole: member 9 lacks role RECEIVABLE_OBLIGOR/);
    const twice = await net.run(["receivable", "register", ...terms], { as: "exporter" });
    expect(twice.code).to.equal(1);
    // Refused before sending: the register of financed documents holds the invoice for receivable `receivableId`.
    expect(twice.stderr).to.match(new RegExp(`is already financed: .* record ${receivableId}\\)`));
    const badHash = await net.run(["receivable", "register", ...terms.slice(0, -2), "--delivery", "0x12"], {
      as: "exporter",
    });
    expect(badHash.code).to.equal(2);
    expect(badHash.stderr).to.match(/malformed delivery note hash "0x12"/);
    const badAmount = await net.run(["receivable", "split", "1", "Supplier Two", "1.234"], { as: "exporter" });
    expect(badAmount.code).to.equal(2);
    const unknown = await net.run(["receivable", "register", ...terms.slice(2), "--obligor", "Nobody Ltd"], {
      as: "exporter",
    });
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/Nobody Ltd/);
  });
});
