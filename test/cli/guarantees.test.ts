import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: guarantee commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("apply, issue, verify, amend and accept, claim, pay: the full flow", async () => {
    const applied = await net.json<{ guaranteeId: string }>(
      [
        "guarantee",
        "apply",
        "--guarantor",
        "Bank A",
        "--beneficiary",
        "Exporter",
        "--kind",
        "performance",
        "--amount",
        "5000",
        "--expiry",
        "+90d",
        "--terms",
        h("guarantee text"),
        "--tender",
        h("tender 17"),
      ],
      { as: "importer" },
    );
    const id = applied.guaranteeId;
    const reference = h("BG-2025-0001");
    const issued = await net.run(["guarantee", "issue", id, "--reference", reference], { as: "bankA" });
    expect(issued.code, issued.stderr).to.equal(0);
    expect(issued.stdout).to.match(
      new RegExp(`^issued guarantee ${id} under ${reference} \\(tx 0x[0-9a-f]{64}, block \\d+\\)`),
    );

    const verified = await net.json<{
      genuine: boolean;
      inForce: boolean;
      amount: string;
      available: string;
      state: string;
    }>(["guarantee", "verify", reference]);
    expect(verified).to.deep.include({
      genuine: true,
      inForce: true,
      amount: "5000.00",
      available: "5000.00",
      state: "Issued",
    });
    const forged = await net.run(["guarantee", "verify", h("forged")]);
    expect(forged.code).to.equal(2);
    expect(forged.stdout).to.equal("");
    expect(forged.stderr).to.equal(`error: no guarantee ${h("forged")}\n`);

    await net.json(["guarantee", "amend", id, "--amount", "6000", "--expiry", "+120d", "--hash", h("amendment 1")], {
      as: "bankA",
    });
    await net.json(["guarantee", "amend-accept", id], { as: "exporter" });

    const claim = await net.json<{ claimIndex: string; examinationDeadline: string }>(
      ["guarantee", "claim", id, "1500.50", "--demand", h("demand")],
      {
        as: "exporter",
      },
    );
    expect(claim.claimIndex).to.equal("0");
    // five business days on the consortium calendar: it ends at a local midnight (UTC+8), less a second
    expect((BigInt(claim.examinationDeadline) + 1n + 28_800n) % 86_400n).to.equal(0n);
    expect(BigInt(claim.examinationDeadline)).to.be.greaterThan(BigInt(Math.floor(Date.now() / 1000)) + 5n * 86_400n);
    const paid = await net.run(["guarantee", "pay", id, "0"], { as: "bankA" });
    expect(paid.code, paid.stderr).to.equal(0);
    expect(paid.stderr).to.match(/approve 1500\.50 to 0x/); // the DvP allowance was granted first
    expect(paid.stdout).to.match(new RegExp(`^paid 1500\\.50 on demand 0 of guarantee ${id}`));

    const shown = await net.json<{ state: string; amount: string; paid: string; available: string }>([
      "guarantee",
      "show",
      id,
    ]);
    expect(shown).to.deep.include({ state: "Issued", amount: "6000.00", paid: "1500.50", available: "4499.50" });
  });

  it("counter-guarantee: counter-issue, a paid demand, counter-demand, counter-pay, shown as one chain", async () => {
    const applied = await net.json<{ guaranteeId: string }>(
      [
        "guarantee",
        "apply",
        "--guarantor",
        "Bank A",
        "--beneficiary",
        "Exporter",
        "--kind",
        "warranty",
        "--amount",
        "2000",
        "--expiry",
        "+90d",
        "--terms",
        h("warranty text"),
      ],
      { as: "importer" },
    );
    const id = applied.guaranteeId;
    const countered = await net.run(
      ["guarantee", "counter-issue", id, "--amount", "2000", "--expiry", "+120d", "--terms", h("counter text")],
      { as: "bankB" },
    );
    expect(countered.code, countered.stderr).to.equal(0);
    expect(countered.stdout).to.match(new RegExp(`^issued a counter-guarantee backing guarantee ${id}`));
    await net.json(["guarantee", "issue", id, "--reference", h("BG-2025-CG")], { as: "bankA" });
    await net.json(["guarantee", "claim", id, "800", "--demand", h("warranty demand")], { as: "exporter" });
    // before the guarantor paid: the counter-guarantee refuses the demand (art. 15b)
    const early = await net.run(["guarantee", "counter-demand", id, "0", "800", "--statement", h("statement")], {
      as: "bankA",
    });
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/CounterDemandNotBacked/);
    await net.json(["guarantee", "pay", id, "0"], { as: "bankA" });
    await net.json(["guarantee", "counter-demand", id, "0", "800", "--statement", h("statement")], { as: "bankA" });
    const paid = await net.run(["guarantee", "counter-pay", id], { as: "bankB" });
    expect(paid.code, paid.stderr).to.equal(0);
    expect(paid.stdout).to.match(new RegExp(`^paid 800\\.00 under the counter-guarantee of ${id}`));

    const chain = await net.json<{
      guarantee: { kind: string; state: string };
      counterGuarantee: { state: string; paid: string; amount: string } | null;
      demands: { index: number; state: string; amount: string }[];
    }>(["guarantee", "chain", id]);
    expect(chain.guarantee).to.deep.include({ kind: "Warranty", state: "Issued" });
    expect(chain.counterGuarantee).to.deep.include({ state: "Issued", paid: "800.00", amount: "2000.00" });
    expect(chain.demands).to.deep.equal([{ index: 0, state: "Paid", amount: "800.00", suspendedUntil: 0 }]);
  });

  it("wrong party reverts decoded (exit 1); malformed input is a usage error (exit 2)", async () => {
    const wrong = await net.run(["guarantee", "release", "1"], { as: "importer" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(
      /BankGuarantees reverted with GuaranteeWrongParty: guarantee 1: member 4 is not the party/,
    );
    const badHash = await net.run(["guarantee", "issue", "1", "--reference", "0x12"], { as: "bankA" });
    expect(badHash.code).to.equal(2);
    expect(badHash.stderr).to.match(
      /malformed reference "0x12": expected 0x and 64 hex digits, file:<path> or json:<path>/,
    );
    const badDate = await net.run(
      ["guarantee", "amend", "1", "--amount", "1", "--expiry", "next week", "--hash", h("a")],
      {
        as: "bankA",
      },
    );
    expect(badDate.code).to.equal(2);
    expect(badDate.stderr).to.match(/malformed expiry "next week"/);
  });
});
