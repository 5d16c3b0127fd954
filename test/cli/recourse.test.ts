import { expect } from "chai";
import { JsonRpcProvider, keccak256, toUtf8Bytes } from "ethers";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

/**
 * The exporter registers a receivable of `face` on the importer, maturing in 3 hours (invoice key and document
 * hashes named after `label` and unique per run), and the importer confirms it: its id and root certificate.
 */
async function confirmedReceivable(net: AppsNetwork, face: string, label: string) {
  const tag = `${Date.now()}-${Math.random()}`;
  const { receivableId } = await net.json<{ receivableId: string }>(
    ["receivable", "register", "--obligor", "Importer", "--face", face, "--maturity", "+3h"].concat(
      ["--invoice-key", h(`INV-CLI-${label.toUpperCase()}-${tag}`), "--contract", h(`${label} contract ${tag}`)],
      ["--invoice", h(`${label} invoice ${tag}`), "--delivery", h(`${label} delivery ${tag}`)],
    ),
    { as: "exporter" },
  );
  const confirmed = await net.run(["receivable", "confirm", receivableId], { as: "importer" });
  expect(confirmed.code, confirmed.stderr).to.equal(0);
  const root = /certificate (\d+)/.exec(confirmed.stdout)?.[1] ?? "";
  return { receivableId, root };
}

/**
 * Moves the chain's clock past maturity (3 hours) and the grace period (this node is shared: only forward), and Bank
 * B marks the receivable overdue.
 */
async function overdue(net: AppsNetwork, receivableId: string): Promise<void> {
  const provider = new JsonRpcProvider(net.node.url, undefined, { staticNetwork: true });
  await provider.send("evm_increaseTime", [3 * 3600 + 86_400 + 60]);
  await provider.send("evm_mine", []);
  provider.destroy();
  const marked = await net.run(["receivable", "overdue", receivableId], { as: "bankB" });
  expect(marked.code, marked.stderr).to.equal(0);
}

describe("cli: discounting with recourse, and recourse at default, against a real node", function () {
  this.timeout(300_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("the exporter sells with recourse to Bank A; unpaid after maturity and grace, Bank A claims and is paid back", async () => {
    const { receivableId, root } = await confirmedReceivable(net, "1000", "recourse");

    const { offerId, withRecourse } = await net.json<{ offerId: string; withRecourse: boolean }>(
      ["receivable", "recourse", "offer", root, "1000", "--bank", "Bank A", "--price", "990", "--with-recourse"].concat(
        ["--deadline", "+1h"],
      ),
      { as: "exporter" },
    );
    expect(withRecourse).to.equal(true);
    const sold = await net.json<{ tokenId: string; price: string; withRecourse: boolean }>(
      ["receivable", "recourse", "accept", offerId],
      { as: "bankA" },
    );
    expect([sold.tokenId, sold.price, sold.withRecourse]).to.deep.equal([root, "990.00", true]);
    const chain = await net.json<{ sales: { recourse: string; value: string }[] }>([
      "receivable",
      "recourse",
      "chain",
      root,
    ]);
    expect(chain.sales).to.have.length(1);
    expect(chain.sales[0]).to.include({ recourse: "with", value: "1000.00" });

    // Before maturity plus the grace period: refused (decoded, exit 1).
    const early = await net.run(["receivable", "recourse", "exercise", root], { as: "bankA" });
    expect(early.code, early.stdout).to.equal(1);
    expect(early.stderr).to.match(/RecourseTooEarly|too early/i);

    await overdue(net, receivableId);

    const { claimId, value } = await net.json<{ claimId: string; value: string }>(
      ["receivable", "recourse", "exercise", root],
      { as: "bankA" },
    );
    expect(value).to.equal("1000.00");
    // Only the seller pays a claim on its sale.
    const wrong = await net.run(["receivable", "recourse", "honour", claimId], { as: "supplier2" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/RecourseWrongParty|not the party/);
    // The exporter received 990 for it and owes 1,000 back: its bank credits it the difference first.
    await net.json(["token", "mint", "Exporter", "10"], { as: "bankA" });
    await net.json(["receivable", "recourse", "honour", claimId], { as: "exporter" });
    // The exporter holds the certificate again, by no sale: the chain below it is empty.
    const after = await net.json<{ sales: unknown[]; claimStatus: string }>(["receivable", "recourse", "chain", root]);
    expect(after.sales).to.deep.equal([]);
    expect(after.claimStatus).to.equal("Honoured");
  });
  it("a claim the obligor pays late is discharged by any member; refused while still due", async () => {
    const { receivableId, root } = await confirmedReceivable(net, "500", "discharge");
    const { offerId } = await net.json<{ offerId: string }>(
      ["receivable", "recourse", "offer", root, "500", "--bank", "Bank A", "--price", "495", "--with-recourse"].concat([
        "--deadline",
        "+1h",
      ]),
      { as: "exporter" },
    );
    await net.json(["receivable", "recourse", "accept", offerId], { as: "bankA" });
    await overdue(net, receivableId);
    const { claimId } = await net.json<{ claimId: string }>(["receivable", "recourse", "exercise", root], {
      as: "bankA",
    });
    // Still due: Bank A holds the certificate and the receivable is overdue.
    const due = await net.run(["receivable", "recourse", "discharge", claimId], { as: "bankB" });
    expect(due.code, due.stdout).to.equal(1);
    expect(due.stderr).to.match(/RecourseClaimStillDue|still due/);
    // The importer pays late into escrow: the exporter owes nothing any more.
    await net.json(["token", "mint", "Importer", "500"], { as: "bankA" });
    const funded = await net.run(["receivable", "fund", receivableId], { as: "importer" });
    expect(funded.code, funded.stderr).to.equal(0);
    const discharged = await net.json<{ claimId: string; value: string; paid: boolean }>(
      ["receivable", "recourse", "discharge", claimId],
      { as: "bankB" },
    );
    expect([discharged.value, discharged.paid]).to.deep.equal(["500.00", false]);
    const after = await net.json<{ sales: { claimed: string }[]; claimStatus: string }>([
      "receivable",
      "recourse",
      "chain",
      root,
    ]);
    expect(after.claimStatus).to.equal("Discharged");
    expect(after.sales[0].claimed).to.equal("0.00");
  });
});
