import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { deriveDocumentKey } from "@consortia/sdk";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));
/** A test consortium key (bytes 0x01..0x20); only the environment carries it, never an argument. */
const CONSORTIUM_KEY = `0x${Array.from({ length: 32 }, (_, i) => (i + 1).toString(16).padStart(2, "0")).join("")}`;
const ENV = { CONSORTIA_CONSORTIUM_KEY: CONSORTIUM_KEY };
const INVOICE = { issuerTaxId: "91350100M000100Y43", invoiceCode: "032002500111" };

describe("cli: document commands against a real node", function () {
  // The first CLI file to run starts the shared node and deploys the suite: minutes on a loaded machine.
  this.timeout(300_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  it("document key computes the keyed id locally, as the SDK does; without the consortium key it is refused", async () => {
    const number = "00000001";
    const { documentId } = await net.json<{ documentId: string }>(
      ["document", "key", "--tax-id", INVOICE.issuerTaxId, "--code", INVOICE.invoiceCode, "--number", number],
      { env: ENV },
    );
    expect(documentId).to.equal(
      deriveDocumentKey({ consortiumKey: CONSORTIUM_KEY as `0x${string}`, ...INVOICE, invoiceNumber: number }),
    );
    const noKey = await net.run(["document", "key", "--tax-id", INVOICE.issuerTaxId, "--number", number], {
      env: { CONSORTIA_CONSORTIUM_KEY: "" },
    });
    expect(noKey.code).to.equal(3);
    expect(noKey.stderr).to.match(/CONSORTIA_CONSORTIUM_KEY/);
    const malformed = await net.run(["document", "key", "--tax-id", INVOICE.issuerTaxId, "--number", "12"], {
      env: ENV,
    });
    expect(malformed.code).to.equal(2);
    expect(malformed.stderr).to.match(/invoice number/);
    expect(malformed.stderr).to.not.match(/\b12\b/);
  });

  it("document status shows what a receivable holds; a second financing is refused before it is sent", async () => {
    const { documentId } = await net.json<{ documentId: string }>(
      ["document", "key", "--tax-id", INVOICE.issuerTaxId, "--code", INVOICE.invoiceCode, "--number", "00000002"],
      { env: ENV },
    );
    const free = await net.json<{ known: boolean; canFinance: boolean }>([
      "document",
      "status",
      documentId,
      "--face",
      "1000",
    ]);
    expect(free).to.deep.include({ known: false, canFinance: true });

    const register = (as: "exporter" | "bankA") =>
      net.run(
        [
          "--json",
          "receivable",
          "register",
          "--obligor",
          "Importer",
          "--face",
          "1000",
          "--maturity",
          "+2h",
          "--invoice-key",
          documentId,
          "--contract",
          h("contract doc"),
          "--invoice",
          h("invoice doc"),
          "--delivery",
          h("delivery doc"),
        ],
        { as },
      );
    const first = await register("exporter");
    expect(first.code, first.stderr).to.equal(0);
    const { receivableId } = JSON.parse(first.stdout) as { receivableId: string };

    const held = await net.json<Record<string, unknown>>(["document", "status", documentId, "--face", "1000"]);
    expect(held).to.deep.include({
      known: true,
      face: "1000.00",
      currency: "CNY",
      financed: "1000.00",
      paid: "0.00",
      available: "0.00",
      openHolds: 1,
      lastRecord: receivableId,
      canFinance: false,
    });
    const text = await net.run(["document", "status", documentId]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/financed:\s+1000\.00/);

    const second = await register("exporter");
    expect(second.code).to.equal(1);
    expect(second.stderr).to.match(new RegExp(`document ${documentId} is already financed: 100000 held`));
    expect(second.stderr).to.match(new RegExp(`record ${receivableId}`));
  });

  it("document status refuses a malformed id and --amount without --face", async () => {
    const bad = await net.run(["document", "status", "0x1234"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/malformed document id/);
    const amount = await net.run(["document", "status", h("x"), "--amount", "5"]);
    expect(amount.code).to.equal(2);
    expect(amount.stderr).to.match(/--amount needs --face/);
  });
});
