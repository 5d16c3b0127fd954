import { expect } from "chai";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { generateConsortiumKey, toHex } from "@consortia/sdk";
import { appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: blacklist commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  let env: Record<string, string>;
  before(async () => {
    net = await appsNetwork();
    env = {
      CONSORTIA_CONSORTIUM_KEY: toHex(generateConsortiumKey()),
      CONSORTIA_PAYLOAD_STORE: join(net.workdir, "payloads"),
    };
  });

  it("report with a sealed payload, logged query, dispute, resolve", async () => {
    const details = join(net.workdir, "details.json");
    await writeFile(details, JSON.stringify({ loan: "L-1", overdueSince: "2024-03-01" }));
    const reported = await net.json<{
      subjectKey: string;
      number: number;
      payloadHash: string;
      payloadLocationHash: string;
    }>(
      [
        "blacklist",
        "report",
        "--id-kind",
        "resident-id",
        "--id",
        "11010519491231002X",
        "--kind",
        "person",
        "--category",
        "default",
        "--severity",
        "4",
        "--expires",
        "+365d",
        "--evidence",
        `json:${details}`,
        "--payload",
        details,
        "--readers",
        "Bank B",
      ],
      { as: "bankA", env },
    );
    expect(reported.number).to.equal(1);
    expect(reported.payloadHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(await readdir(env.CONSORTIA_PAYLOAD_STORE)).to.have.length.greaterThan(0);

    // Bank B derives the same key from a differently written identifier and runs the logged query.
    const query = ["blacklist", "query", "--id", " 110105 19491231 002x ", "--consent", h("consent 2025-001")];
    const listed = await net.json<{
      subjectKey: string;
      listed: boolean;
      listings: { number: number; category: string; status: string }[];
      transactions: string[];
    }>(query, { as: "bankB", env });
    expect(listed.subjectKey).to.equal(reported.subjectKey);
    expect(listed.listed).to.equal(true);
    expect(listed.listings).to.have.length(1);
    expect(listed.listings[0]).to.deep.include({ number: 1, category: "Default", status: "Active" });
    expect(listed.transactions[0]).to.match(/^0x[0-9a-f]{64}$/);

    const own = await net.run(["blacklist", "dispute", reported.subjectKey, "1", "--reason", h("x")], { as: "bankA" });
    expect(own.code).to.equal(1);
    expect(own.stderr).to.match(/CreditBlacklist reverted with OwnEntry: member 1 reported entry 1 itself/);
    await net.json(["blacklist", "dispute", reported.subjectKey, "1", "--reason", h("customer complaint")], {
      as: "bankB",
    });
    const resolved = await net.run(["blacklist", "resolve", reported.subjectKey, "1", "upheld"], { as: "regulator" });
    expect(resolved.code, resolved.stderr).to.equal(0);
    expect(resolved.stdout).to.match(/^dispute of entry 1 resolved: Upheld/);
    const human = await net.run(["blacklist", "query", "--subject", reported.subjectKey, "--consent", h("c2")], {
      as: "bankB",
    });
    expect(human.stdout).to.match(/: 1 active entries\nNUMBER\s+REPORTER\s+CATEGORY/);
    expect(human.stdout).to.match(/logged in 0x[0-9a-f]{64}/);
  });

  it("a missing consortium key is a configuration error (exit 3); a bad identifier a usage error (exit 2)", async () => {
    const noKey = await net.run(["blacklist", "query", "--id", "11010519491231002X", "--consent", h("c")], {
      as: "bankB",
    });
    expect(noKey.code).to.equal(3);
    expect(noKey.stderr).to.match(/set CONSORTIA_CONSORTIUM_KEY/);
    const badId = await net.run(["blacklist", "query", "--id", "110105194912310021", "--consent", h("c")], {
      as: "bankB",
      env,
    });
    expect(badId.code).to.equal(2);
  });
});
