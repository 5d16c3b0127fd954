import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain";
import { KEYS, address, appsNetwork, type AppsNetwork } from "./apps.harness.js";

/** Hardhat's development key #10 (a public test key): the regulator's second account. */
const REGULATOR_2 = "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897";
const AUTHORITY = "0x" + "c0".repeat(32);

describe("cli: freeze order commands against a real node", function () {
  this.timeout(300_000);
  let net: AppsNetwork;
  const asRegulator2 = { env: { CONSORTIA_PRIVATE_KEY: REGULATOR_2 } };

  before(async () => {
    net = await appsNetwork();
    // The regulator's admin adds a second Transact account: the second person of the two-person rule.
    const file = readdirSync(net.deployments).find((name) => name.endsWith(".json"))!;
    const deployment = JSON.parse(readFileSync(join(net.deployments, file), "utf8")) as {
      contracts: Record<string, { address: string }>;
    };
    const provider = new JsonRpcProvider(net.node.url);
    const regulator = new Wallet(KEYS.regulator, provider);
    const registry = ConsortiumRegistry__factory.connect(deployment.contracts.ConsortiumRegistry.address, regulator);
    const memberId = await registry.memberOf(regulator.address);
    await (await registry.addAccount(memberId, new Wallet(REGULATOR_2).address, 2)).wait();
  });

  it("a regulator proposes a freeze of an account's tokens, a second regulator account approves, then both release", async () => {
    const order = join(net.workdir, "court-order.pdf");
    writeFileSync(order, "(2026) court order, kept off chain");
    const proposed = await net.json<{ orderId: string }>(
      [
        "freeze",
        "propose",
        "--tokens",
        address("bankC"),
        "--amount",
        "100",
        "--reference",
        `file:${order}`,
        "--authority",
        AUTHORITY,
        "--expires",
        "+30d",
      ],
      { as: "regulator" },
    );
    const id = proposed.orderId;
    // The same account cannot approve its own proposal; a bank cannot approve at all.
    const same = await net.run(["freeze", "approve", id], { as: "regulator" });
    expect(same.code).to.equal(1);
    expect(same.stderr).to.match(/FreezeSameRegulator|two-person/);
    const bank = await net.run(["freeze", "approve", id], { as: "bankA" });
    expect(bank.code).to.equal(1);
    expect(bank.stderr).to.match(/MissingRole/);
    await net.json(["freeze", "approve", id], asRegulator2);
    const shown = await net.json<{ status: string; kind: string; amount: string; approver: string }>([
      "freeze",
      "show",
      id,
    ]);
    expect(shown).to.deep.include({ status: "Active", kind: "Tokens", amount: "100.00" });
    await net.json(["freeze", "release", id], { as: "regulator" });
    await net.json(["freeze", "approve-release", id], asRegulator2);
    const released = await net.json<{ status: string }>(["freeze", "show", id]);
    expect(released.status).to.equal("Released");
    const again = await net.run(["freeze", "approve-release", id], asRegulator2);
    expect(again.code).to.equal(1);
  });

  it("refuses a scope that names no target or two (usage error, exit 2)", async () => {
    const none = await net.run(
      ["freeze", "propose", "--reference", AUTHORITY, "--authority", AUTHORITY, "--expires", "+1d"],
      { as: "regulator" },
    );
    expect(none.code).to.equal(2);
  });
});
