import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { getAddress, JsonRpcProvider, keccak256, MaxUint256, toUtf8Bytes, Wallet, zeroPadValue } from "ethers";
import { generateConsortiumKey, IMPLEMENTATION_SLOT, keyedTermHash, toHex } from "@consortia/sdk";
import { DepositToken__factory, LetterOfCredit__factory, SuiteProxy__factory } from "@consortia/sdk/typechain";
import { address, appsNetwork, type AppsNetwork, KEYS, lcIssueArgs } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: lc commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  /** The LC the end-to-end test issued: other CLI test files share the node, so ids are not known in advance. */
  let sightLc = "";
  before(async () => {
    net = await appsNetwork();
  });

  it("issue, advise, acknowledge, amend, present, examine, pay: a sight LC end to end", async () => {
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("10000", "terms v1", {
        documents: "invoice,transport-document",
        extra: ["--tolerance-plus", "5", "--partial"],
      }),
      { as: "bankA" },
    );
    sightLc = lcId;
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    const acknowledged = await net.run(["lc", "acknowledge", lcId], { as: "exporter" });
    expect(acknowledged.stdout).to.match(new RegExp(`^acknowledged letter of credit ${lcId} \\(tx 0x`));
    await net.json(
      ["lc", "amend", lcId, "--amount", "12000", "--expiry", "+100d", "--latest-shipment", "+70d", "--terms", h("v2")],
      { as: "bankA" },
    );
    await net.json(["lc", "amend-accept", lcId], { as: "exporter" }); // the SDK reads the pending amendment's terms
    const { presentationId } = await net.json<{ presentationId: string }>(
      [
        "lc",
        "present",
        lcId,
        "7000",
        "--document",
        `invoice=${h("invoice")}`,
        "--document",
        `transport-document=${h("bl")}@s3://docs/bl.pdf`,
      ],
      { as: "exporter" },
    );
    expect(BigInt(presentationId)).to.equal((BigInt(lcId) << 16n) | 1n);
    const examined = await net.json<{ result: string }>(["lc", "examine", presentationId], { as: "bankA" });
    expect(examined.result).to.equal("Compliant");
    const paid = await net.run(["lc", "pay", presentationId], { as: "bankA" });
    expect(paid.code, paid.stderr).to.equal(0);
    expect(paid.stdout).to.match(new RegExp(`^paid 7000\\.00 on presentation ${presentationId}`));
    const shown = await net.json<{
      state: string;
      amount: string;
      drawn: string;
      available: string;
      beneficiaryAccount: string;
    }>(["lc", "show", lcId]);
    expect(shown).to.deep.include({
      state: "Acknowledged",
      amount: "12000.00",
      drawn: "7000.00",
      available: "5600.00",
    });
    expect(shown.beneficiaryAccount).to.equal(address("exporter"));
    const human = await net.run(["lc", "show", lcId]);
    expect(human.stdout).to.match(/^id:\s+\d+\nstate:\s+Acknowledged/);
  });

  it("present shows the examination deadline; refuse sends the one notice, return-documents ends it", async () => {
    const present = async (tag: string) =>
      net.json<{ presentationId: string; examinationDeadline: number }>(
        [
          "lc",
          "present",
          sightLc,
          "100",
          "--document",
          `invoice=${h(tag)}`,
          "--document",
          `transport-document=${h(`${tag} bl`)}`,
        ],
        { as: "exporter" },
      );
    const held = await present("held invoice");
    expect(held.examinationDeadline).to.be.greaterThan(Math.floor(Date.now() / 1000) - 3600);
    const shown = await net.run(["lc", "presentation", held.presentationId]);
    expect(shown.stdout).to.match(/examinationDeadline:\s+\d{4}-\d\d-\d\d/);
    const refused = await net.run(
      [
        "lc",
        "refuse",
        held.presentationId,
        "--discrepancy",
        "LATE_SHIPMENT",
        "--discrepancy",
        "NO_INSURANCE",
        "--notice",
        h("notice"),
      ],
      { as: "bankA" },
    );
    expect(refused.code, refused.stderr).to.equal(0);
    expect(refused.stdout).to.match(
      new RegExp(`^refused presentation ${held.presentationId} \\(2 discrepancies\\), documents held`),
    );
    const second = await net.run(
      ["lc", "refuse", held.presentationId, "--discrepancy", "OTHER", "--notice", h("notice 2")],
      { as: "bankA" },
    );
    expect(second.code).to.equal(1);
    expect(second.stderr).to.match(/the refusal notice was already sent/);
    const returned = await net.run(["lc", "return-documents", held.presentationId], { as: "bankA" });
    expect(returned.stdout).to.match(new RegExp(`^returned the documents of presentation ${held.presentationId}`));
    const state = await net.json<{ state: string; refusalNoticeSent: boolean }>([
      "lc",
      "presentation",
      held.presentationId,
    ]);
    expect(state).to.deep.include({ state: "Refused", refusalNoticeSent: true });
    const early = await present("early invoice");
    const precluded = await net.run(["lc", "preclude", early.presentationId], { as: "exporter" });
    expect(precluded.code).to.equal(1);
    expect(precluded.stderr).to.match(/the examination deadline \d+ has not passed/);
    const noNotice = await net.run(["lc", "refuse", early.presentationId, "--notice", h("n")], { as: "bankA" });
    expect(noNotice.code).to.equal(2);
  });

  it("present --backing names the subject an LcHonour policy checks; link-backing before examination", async () => {
    const invoiceKey = h("hmac:invoice:lc backing");
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("10000", "terms backing", { documents: "invoice", extra: ["--partial"] }),
      { as: "bankA" },
    );
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    await net.json(["lc", "acknowledge", lcId], { as: "exporter" });
    await net.json(["policy", "set", "LcHonour", "InvoiceGenuine"], { as: "bankA" });
    try {
      const refused = await net.run(
        ["lc", "present", lcId, "100", "--document", `invoice=${h("backing 1")}`, "--backing", invoiceKey],
        { as: "exporter" },
      );
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/AttestationRequired|attestation/i);
      await net.json(
        ["attest", "add", "InvoiceGenuine", invoiceKey, "--evidence", h("lc tax record"), "--until", "+90d"],
        {
          as: "pensions",
        },
      );
      const presented = await net.run(
        ["lc", "present", lcId, "100", "--document", `invoice=${h("backing 2")}`, "--backing", invoiceKey],
        { as: "exporter" },
      );
      expect(presented.code, presented.stderr).to.equal(0);
      const presentationId = /presentation (\d+)/.exec(presented.stdout)![1];
      const linked = await net.run(["lc", "link-backing", presentationId, invoiceKey], { as: "bankA" });
      expect(linked.stdout).to.match(new RegExp(`^presentation ${presentationId}: backed by ${invoiceKey}`));
      const stranger = await net.run(["lc", "link-backing", presentationId, invoiceKey], { as: "bankB" });
      expect(stranger.code).to.equal(1);
      const shown = await net.json<{ backing: string }>(["lc", "presentation", presentationId]);
      expect(shown.backing).to.equal(invoiceKey);
      const examined = await net.json<{ result: string }>(["lc", "examine", presentationId], { as: "bankA" });
      expect(examined.result).to.equal("Compliant");
    } finally {
      // the node is shared by every CLI test file: a policy left behind would refuse Bank A's presentations in theirs
      await net.run(["policy", "set", "LcHonour"], { as: "bankA" });
    }
  });

  it("present --shipped states the shipment date; the chain's findings bind examine; presentation-period", async () => {
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("10000", "terms checks", { documents: "invoice,transport-document", extra: ["--partial"] }),
      { as: "bankA" },
    );
    const wrongParty = await net.run(["lc", "presentation-period", lcId, "7"], { as: "bankB" });
    expect(wrongParty.code).to.equal(1);
    const badDays = await net.run(["lc", "presentation-period", lcId, "0"], { as: "bankA" });
    expect(badDays.code).to.equal(2);
    const period = await net.run(["lc", "presentation-period", lcId, "7"], { as: "bankA" });
    expect(period.stdout).to.match(new RegExp(`^letter of credit ${lcId}: documents to be presented within 7 days`));
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    await net.json(["lc", "acknowledge", lcId], { as: "exporter" });
    // unix seconds 30 days before the wall clock (the node's clock is never behind it)
    const thirtyDaysAgo = String(Math.floor(Date.now() / 1000) - 30 * 86_400);
    const late = await net.run(
      ["lc", "present", lcId, "100", "--document", `invoice=${h("shipped invoice")}`, "--shipped", thirtyDaysAgo],
      { as: "exporter" },
    );
    expect(late.code, late.stderr).to.equal(0);
    expect(late.stdout).to.match(/the chain found DOCUMENTS_MISSING, LATE_PRESENTATION/);
    const presentationId = /presentation (\d+)/.exec(late.stdout)![1];
    const shown = await net.json<{ findings: { codes: string[]; missingKinds: number[]; shipmentStated: boolean } }>([
      "lc",
      "presentation",
      presentationId,
    ]);
    expect(shown.findings).to.deep.include({
      codes: ["DOCUMENTS_MISSING", "LATE_PRESENTATION"],
      missingKinds: [4],
      shipmentStated: true,
    });
    const compliant = await net.run(["lc", "examine", presentationId], { as: "bankA" });
    expect(compliant.code).to.equal(1);
    expect(compliant.stderr).to.match(/the chain found DOCUMENTS_MISSING, LATE_PRESENTATION/);
    const examined = await net.json<{ result: string }>(
      ["lc", "examine", presentationId, "--discrepancy", "DOCUMENTS_MISSING", "--discrepancy", "LATE_PRESENTATION"],
      { as: "bankA" },
    );
    expect(examined.result).to.equal("Discrepant");
  });

  it("examine --code-key puts each discrepancy code on chain as its term key (keyedTermHash), never as text", async () => {
    const consortiumKey = toHex(generateConsortiumKey());
    const { presentationId } = await net.json<{ presentationId: string }>(
      [
        "lc",
        "present",
        sightLc,
        "100",
        "--document",
        `invoice=${h("keyed invoice")}`,
        "--document",
        `transport-document=${h("keyed bl")}`,
      ],
      { as: "exporter" },
    );
    const examine = ["lc", "examine", presentationId, "--discrepancy", "LATE_SHIPMENT", "--code-key"];
    const noKey = await net.run(examine, { as: "bankA" });
    expect(noKey.code).to.not.equal(0);
    expect(noKey.stderr).to.match(/set CONSORTIA_CONSORTIUM_KEY/);
    const examined = await net.json<{ result: string }>(examine, {
      as: "bankA",
      env: { CONSORTIA_CONSORTIUM_KEY: consortiumKey },
    });
    expect(examined.result).to.equal("Discrepant");
    const file = readdirSync(net.deployments).find((name) => name.endsWith(".json"))!;
    const deployment = JSON.parse(readFileSync(join(net.deployments, file), "utf8")) as {
      contracts: Record<string, { address: string }>;
    };
    const provider = new JsonRpcProvider(net.node.url, undefined, { staticNetwork: true });
    try {
      const lc = LetterOfCredit__factory.connect(deployment.contracts.LetterOfCredit.address, provider);
      const [event] = await lc.queryFilter(lc.filters.PresentationExamined(BigInt(presentationId)));
      expect(event.args.discrepancies).to.deep.equal([
        keyedTermHash({ consortiumKey, field: "discrepancy", value: "LATE_SHIPMENT" }),
      ]);
    } finally {
      provider.destroy();
    }
  });

  it("credit lines, obligations and a netting run move only the net amount", async () => {
    await net.json(["lc", "credit-line", "Bank A", "1000"], { as: "bankB" });
    await net.json(["lc", "credit-line", "Bank B", "1000"], { as: "bankA" });
    await net.json(["lc", "settlement-account", address("bankA"), "--allowance", "1000"], { as: "bankA" });
    await net.json(["lc", "settlement-account", address("bankB"), "--allowance", "1000"], { as: "bankB" });
    const first = await net.json<{ obligationId: string }>(["lc", "obligation", "Bank B", "300", "--due", "1"], {
      as: "bankA",
    });
    const second = await net.json<{ obligationId: string }>(["lc", "obligation", "Bank A", "120.25", "--due", "1"], {
      as: "bankB",
    });
    const netted = await net.json<{ runId: string; positions: { bank: number; net: string }[] }>(
      ["lc", "net", first.obligationId, second.obligationId],
      { as: "bankA" },
    );
    expect(netted.positions).to.deep.include.members([
      { bank: 1, net: "-179.75", minorUnits: "-17975" },
      { bank: 2, net: "179.75", minorUnits: "17975" },
    ]);
    const obligation = await net.json<{ status: string }>(["lc", "position", first.obligationId]);
    expect(obligation.status).to.equal("Netted");
  });

  it("obligations in a second currency: mapped by a vote, netted apart, in its own token (--currency)", async () => {
    // Currency 978 (EUR) is this test's: a mapping is permanent (never remapped), no other file on the node uses it.
    const unmapped = await net.json<{ token: string | null }>(["lc", "currency", "EUR"]);
    expect(unmapped).to.deep.equal({ currency: 978, token: null });
    const refused = await net.run(["lc", "obligation", "Bank B", "10", "--due", "1", "--currency", "EUR"], {
      as: "bankA",
    });
    expect(refused.code).to.equal(1);
    // refused before anything is sent: the CLI reads the currency's token first
    expect(refused.stderr).to.match(/no deposit token is mapped to currency 978/);
    const malformed = await net.run(["lc", "obligation", "Bank B", "10", "--due", "1", "--currency", "XYZ"], {
      as: "bankA",
    });
    expect(malformed.code).to.equal(2);
    expect(malformed.stderr).to.match(/--currency: unknown currency "XYZ"/);
    expect((await net.run(["lc", "propose-currency", "0", address("bankA")], { as: "bankA" })).code).to.equal(2);

    // A second DepositToken proxy over the suite's implementation, mapped to EUR by a vote (threshold 2).
    // no response cache: the CLI's processes send from the same accounts between this test's own transactions
    const provider = new JsonRpcProvider(net.node.url, undefined, { cacheTimeout: -1 });
    const [file] = (await readdir(net.deployments)).filter((f) => f.endsWith(".json"));
    const deployment = JSON.parse(await readFile(join(net.deployments, file), "utf8"));
    const cnyToken: string = deployment.contracts.DepositToken.address;
    const slot = await provider.getStorage(cnyToken, IMPLEMENTATION_SLOT);
    const init = DepositToken__factory.createInterface().encodeFunctionData("initialize", ["Deposit EUR", "dEUR", 2]);
    const proxy = await new SuiteProxy__factory(new Wallet(KEYS.deployer, provider)).deploy(
      getAddress(`0x${zeroPadValue(slot, 32).slice(26)}`),
      init,
    );
    await proxy.waitForDeployment();
    const eurAddress = await proxy.getAddress();
    const proposal = await net.json<{ proposalId: string }>(["lc", "propose-currency", "EUR", eurAddress], {
      as: "bankA",
    });
    await net.json(["member", "approve", proposal.proposalId], { as: "bankB" });
    await net.json(["member", "execute", proposal.proposalId], { as: "bankA" });
    expect((await net.json<{ token: string }>(["lc", "currency", "978"])).token).to.equal(eurAddress);
    const eur = (party: "bankA" | "bankB") =>
      DepositToken__factory.connect(eurAddress, new Wallet(KEYS[party], provider));
    for (const party of ["bankA", "bankB"] as const) {
      await (await eur("bankA").mint(address(party), 10_000n)).wait();
    }
    await (await eur("bankB").approve(deployment.contracts.InterbankPositions.address, MaxUint256)).wait();

    // the lines and settlement accounts of the netting test above (same values: this test also runs alone)
    await net.json(["lc", "credit-line", "Bank A", "1000"], { as: "bankB" });
    await net.json(["lc", "credit-line", "Bank B", "1000"], { as: "bankA" });
    await net.json(["lc", "settlement-account", address("bankA")], { as: "bankA" });
    await net.json(["lc", "settlement-account", address("bankB")], { as: "bankB" });
    const aOwesB = await net.json<{ obligationId: string; currency: number }>(
      ["lc", "obligation", "Bank B", "50", "--due", "1", "--currency", "EUR"],
      { as: "bankA" },
    );
    expect(aOwesB.currency).to.equal(978);
    const bOwesA = await net.json<{ obligationId: string }>(
      ["lc", "obligation", "Bank A", "20.25", "--due", "1", "--currency", "978"],
      { as: "bankB" },
    );
    const cny = await net.json<{ obligationId: string; currency: number }>(
      ["lc", "obligation", "Bank B", "1", "--due", "1"],
      { as: "bankA" },
    );
    expect(cny.currency).to.equal(0);
    // one net position never adds two currencies
    const mixed = await net.run(["lc", "net", aOwesB.obligationId, cny.obligationId], { as: "bankA" });
    expect(mixed.code).to.equal(1);
    expect(mixed.stderr).to.match(new RegExp(`NettingCurrencyMixed: obligation ${cny.obligationId} is in currency 0`));

    await (await eur("bankA").approve(deployment.contracts.InterbankPositions.address, MaxUint256)).wait();
    const cnyBefore = await DepositToken__factory.connect(cnyToken, provider).balanceOf(address("bankA"));
    const netted = await net.json<{ currency: number; positions: { bank: number; net: string }[] }>(
      ["lc", "net", aOwesB.obligationId, bOwesA.obligationId],
      { as: "bankA" },
    );
    expect(netted.currency).to.equal(978);
    expect(netted.positions).to.deep.include.members([
      { bank: 1, net: "-29.75", minorUnits: "-2975" },
      { bank: 2, net: "29.75", minorUnits: "2975" },
    ]);
    expect(await eur("bankA").balanceOf(address("bankA"))).to.equal(10_000n - 2_975n);
    expect(await eur("bankA").balanceOf(address("bankB"))).to.equal(10_000n + 2_975n);
    expect(await DepositToken__factory.connect(cnyToken, provider).balanceOf(address("bankA"))).to.equal(cnyBefore);
    const shown = await net.json<{ status: string; currency: number; amount: string }>([
      "lc",
      "position",
      aOwesB.obligationId,
    ]);
    expect(shown).to.include({ status: "Netted", currency: 978, amount: "50.00" });
    // the CNY obligation settles gross in CNY (its line freed again)
    await net.json(["lc", "settle", cny.obligationId], { as: "bankA" });
  });

  it("a wrong state reverts decoded (exit 1); bad documents and dates exit 2", async () => {
    const again = await net.run(["lc", "advise", sightLc], { as: "bankB" });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(
      new RegExp(
        `LetterOfCredit reverted with LetterOfCreditWrongState: letter of credit ${sightLc} is \\w+, expected Issued`,
      ),
    );
    const badDoc = await net.run(["lc", "present", "1", "1", "--document", "passport=0x00"], { as: "exporter" });
    expect(badDoc.code).to.equal(2);
    expect(badDoc.stderr).to.match(/unknown document kind "passport"/);
    const noFile = await net.run(
      [
        "lc",
        "amend",
        "1",
        "--amount",
        "1",
        "--expiry",
        "2030-01-01",
        "--latest-shipment",
        "2029-12-01",
        "--terms",
        "file:/nonexistent",
      ],
      { as: "bankA" },
    );
    expect(noFile.code).to.equal(2);
    expect(noFile.stderr).to.match(/cannot hash terms hash from \/nonexistent/);
  });
});
