import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { rpc } from "../helpers/node-process.js";
import { appsNetwork, type AppsNetwork, lcIssueArgs } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: lc transfer and lc back-to-back against a real node", function () {
  this.timeout(240_000);
  let net: AppsNetwork;
  before(async () => {
    net = await appsNetwork();
  });

  const chainTime = async () =>
    BigInt((await rpc<{ timestamp: string }>(net.node.url, "eth_getBlockByNumber", ["latest", false])).timestamp);

  it("designate, request, execute, present, substitute, pay; a back-to-back link", async () => {
    const { lcId } = await net.json<{ lcId: string }>(
      lcIssueArgs("10000", "transfer terms", { extra: ["--partial"] }),
      {
        as: "bankA",
      },
    );
    await net.json(["lc", "advise", lcId], { as: "bankB" });
    await net.json(["lc", "acknowledge", lcId], { as: "exporter" });
    const request = [
      "lc",
      "transfer",
      "request",
      lcId,
      "Importer",
      "6000",
      "--expiry",
      "+80d",
      "--latest-shipment",
      "+50d",
      "--period",
      "10",
      "--terms",
      h("transferred terms"),
    ];
    const early = await net.run(request, { as: "exporter" });
    expect(early.code).to.equal(1);
    expect(early.stderr).to.match(/not designated transferable by its issuing bank \(art\. 38b\)/);
    await net.json(["lc", "transfer", "designate", lcId], { as: "bankA" });
    const { transferId } = await net.json<{ transferId: string }>(request, { as: "exporter" });
    const executed = await net.json<{ transferred: string }>(["lc", "transfer", "execute", transferId], {
      as: "bankA",
    });
    expect(executed.transferred).to.equal("6000.00");
    const shown = await net.json<{ state: string; amount: string }>(["lc", "transfer", "show", transferId]);
    expect(shown).to.deep.include({ state: "Executed", amount: "6000.00" });

    const shipped = String((await chainTime()) - 86_400n);
    const { secondPresentationId } = await net.json<{ secondPresentationId: string }>(
      ["lc", "transfer", "present", transferId, "6000", "--documents", h("second docs"), "--shipped", shipped],
      { as: "importer" },
    );
    const { presentationId } = await net.json<{ presentationId: string }>(
      ["lc", "present", lcId, "7000", "--document", `invoice=${h("first invoice")}`],
      { as: "exporter" },
    );
    await net.json(["lc", "transfer", "substitute", presentationId, secondPresentationId, "--invoice", h("inv")], {
      as: "exporter",
    });
    const unpaid = await net.run(["lc", "transfer", "pay", secondPresentationId], { as: "bankA" });
    expect(unpaid.code).to.equal(1);
    expect(unpaid.stderr).to.match(/the LC has not paid or accepted it/);
    await net.json(["lc", "examine", presentationId], { as: "bankA" });
    await net.json(["lc", "pay", presentationId], { as: "bankA" });
    const paid = await net.json<{ paid: string }>(["lc", "transfer", "pay", secondPresentationId], { as: "bankA" });
    expect(paid.paid).to.equal("6000.00");

    // a back-to-back LC: Bank C issues for the exporter (the master's beneficiary) to the importer
    const { lcId: back } = await net.json<{ lcId: string }>(
      [
        ...lcIssueArgs("5000", "back-to-back terms", {
          parties: { applicant: "Exporter", advisingBank: "Bank B", beneficiary: "Importer" },
        }).map((arg) => (arg === "+90d" ? "+80d" : arg === "+60d" ? "+50d" : arg)),
      ],
      { as: "bankC" },
    );
    const wrong = await net.run(["lc", "back-to-back", back, lcId], { as: "bankA" });
    expect(wrong.code).to.equal(1);
    const linked = await net.json<{ masterLcId: string }>(["lc", "back-to-back", back, lcId], { as: "bankC" });
    expect(linked.masterLcId).to.equal(lcId);
  });
});
