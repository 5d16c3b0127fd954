import { expect } from "chai";
import { JsonRpcProvider, keccak256, toUtf8Bytes } from "ethers";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: multi-bank financing requests against a real node", function () {
  this.timeout(300_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  /** A fresh receivable of 1,000 registered by the exporter and confirmed by the importer: its root certificate. */
  async function rootCertificate(): Promise<string> {
    const tag = `${Date.now()}-${Math.random()}`;
    const { receivableId } = await net.json<{ receivableId: string }>(
      ["receivable", "register", "--obligor", "Importer", "--face", "1000", "--maturity", "+90d"].concat(
        ["--invoice-key", h(`INV-CLI-FINANCING-${tag}`), "--contract", h(`financing contract ${tag}`)],
        ["--invoice", h(`financing invoice ${tag}`), "--delivery", h(`financing delivery ${tag}`)],
      ),
      { as: "exporter" },
    );
    const confirmed = await net.run(["receivable", "confirm", receivableId], { as: "importer" });
    expect(confirmed.code, confirmed.stderr).to.equal(0);
    return /certificate (\d+)/.exec(confirmed.stdout)?.[1] ?? "";
  }

  it("the holder asks two banks, both quote, the holder accepts one: price computed on chain, settled at once", async () => {
    const root = await rootCertificate();
    const { requestId } = await net.json<{ requestId: string }>(
      ["financing", "request", root, "400", "--bank", "Bank A", "--bank", "Bank B", "--quote-deadline", "+1d"],
      { as: "exporter" },
    );
    await net.json(["financing", "quote", requestId, "--rate", "360", "--fee", "1"], { as: "bankA" });
    await net.json(["financing", "quote", requestId, "--rate", "350", "--day-count", "ACT/365", "--fee", "2"], {
      as: "bankB",
    });
    const shown = await net.json<{ status: string; quotes: { bank: number; status: string; rate: string }[] }>([
      "financing",
      "show",
      requestId,
    ]);
    expect(shown.status).to.equal("Open");
    expect(shown.quotes.map((q) => q.status)).to.deep.equal(["Quoted", "Quoted"]);
    // Only the requester accepts (decoded, exit 1).
    const refused = await net.run(["financing", "accept", requestId, "Bank B"], { as: "supplier2" });
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.match(/FinancingWrongParty|not the party/);
    const accepted = await net.json<{ price: string; daysToMaturity: string; interest: string }>(
      ["financing", "accept", requestId, "Bank B"],
      { as: "exporter" },
    );
    // 40,000 minor units x 3.50 % x 90 days / 365 = 345 (rounded down), minus the 200 fee: 39,455 = 394.55.
    expect(accepted.daysToMaturity).to.equal("90");
    expect(accepted.interest).to.equal("345");
    expect(accepted.price).to.equal("394.55");
    const after = await net.json<{ status: string; acceptedBank: number }>(["financing", "show", requestId]);
    expect(after.status).to.equal("Accepted");
    const again = await net.run(["financing", "accept", requestId, "Bank A"], { as: "exporter" });
    expect(again.code).to.equal(1);
  });

  it("sealed: banks commit, reveal after the quote deadline (a wrong reveal refused), the holder accepts", async () => {
    const root = await rootCertificate();
    const { requestId } = await net.json<{ requestId: string }>(
      [
        "financing",
        "request",
        root,
        "1000",
        "--bank",
        "Bank A",
        "--bank",
        "Bank B",
        "--sealed",
        "--quote-deadline",
        "+1h",
        "--reveal-deadline",
        "+3h",
      ],
      { as: "exporter" },
    );
    const termsA = ["--rate", "300", "--fee", "5"];
    const committedA = await net.json<{ salt: string; validUntil: string }>(
      ["financing", "commit", requestId, ...termsA],
      {
        as: "bankA",
      },
    );
    const committedB = await net.json<{ salt: string; validUntil: string }>(
      ["financing", "commit", requestId, "--rate", "280"],
      {
        as: "bankB",
      },
    );
    const revealA = [...termsA, "--valid-until", committedA.validUntil, "--salt", committedA.salt];
    // A reveal repeats the committed validity as a date, never relative to the (moved) chain clock: usage error.
    const relative = await net.run(
      ["financing", "reveal", requestId, ...termsA, "--valid-until", "+5d", "--salt", committedA.salt],
      {
        as: "bankA",
      },
    );
    expect(relative.code, relative.stderr).to.equal(2);
    // Before the quote deadline a reveal is refused (decoded, exit 1).
    const early = await net.run(["financing", "reveal", requestId, ...revealA], {
      as: "bankA",
    });
    expect(early.code, early.stdout).to.equal(1);
    expect(early.stderr).to.match(/FinancingTooEarly|too early|not before/i);
    // The chain's clock past the quote deadline (this node is shared: only forward, by just over an hour).
    const provider = new JsonRpcProvider(net.node.url, undefined, { staticNetwork: true });
    await provider.send("evm_increaseTime", [3600 + 60]);
    await provider.send("evm_mine", []);
    provider.destroy();
    await net.json(["financing", "reveal", requestId, ...revealA], { as: "bankA" });
    // Bank B reveals other terms than it committed to: refused.
    const wrongTerms = ["--rate", "250", "--valid-until", committedB.validUntil, "--salt", committedB.salt];
    const wrong = await net.run(["financing", "reveal", requestId, ...wrongTerms], {
      as: "bankB",
    });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/FinancingRevealMismatch|does not match/i);
    const shown = await net.json<{ sealedQuotes: boolean; pendingReveals: number; quotes: { status: string }[] }>([
      "financing",
      "show",
      requestId,
    ]);
    expect(shown.quotes.map((q) => q.status).sort()).to.deep.equal(["Committed", "Quoted"]);
    expect(shown.pendingReveals).to.equal(1);
    // Bank B's quote is still sealed: until the reveal deadline the holder cannot take bank A's (decoded, exit 1).
    const waiting = await net.run(["financing", "accept", requestId, "Bank A"], { as: "exporter" });
    expect(waiting.code, waiting.stdout).to.equal(1);
    expect(waiting.stderr).to.match(/FinancingTooEarly|too early|not before/i);
    // The clock past the reveal deadline (3 hours after the request; forward only, this node is shared).
    const clock = new JsonRpcProvider(net.node.url, undefined, { staticNetwork: true });
    await clock.send("evm_increaseTime", [2 * 3600]);
    await clock.send("evm_mine", []);
    clock.destroy();
    const accepted = await net.json<{ price: string }>(["financing", "accept", requestId, "Bank A"], {
      as: "exporter",
    });
    expect(Number(accepted.price)).to.be.greaterThan(0).and.lessThan(1000);
    const after = await net.json<{ status: string }>(["financing", "show", requestId]);
    expect(after.status).to.equal("Accepted");
  });

  it("a bad day count or rate is a usage error (exit 2)", async () => {
    expect(
      (await net.run(["financing", "quote", "1", "--rate", "350", "--day-count", "30/360"], { as: "bankA" })).code,
    ).to.equal(2);
    expect((await net.run(["financing", "quote", "1", "--rate", "10001"], { as: "bankA" })).code).to.equal(2);
  });
});
