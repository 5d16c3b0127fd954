import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { address, appsNetwork, type AppsNetwork } from "./apps.harness.js";

const h = (text: string) => keccak256(toUtf8Bytes(text));

describe("cli: dataset and certificate commands against a real node", function () {
  this.timeout(180_000);
  let net: AppsNetwork;
  let dir: string;
  before(async () => {
    net = await appsNetwork();
    dir = await mkdtemp(join(tmpdir(), "consortia-cli-data-"));
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("register, verify, request, grant, delegate, record access, the access trail, revoke, policy", async () => {
    const file = join(dir, "people.csv");
    const metadata = join(dir, "metadata.json");
    await writeFile(file, "id,name,district\n1,Wang,Louxing\n");
    await writeFile(metadata, JSON.stringify({ fields: ["id", "name", "district", "pension"] }));
    const { datasetId } = await net.json<{ datasetId: string }>(
      [
        "dataset",
        "register",
        "--content",
        `file:${file}`,
        "--metadata",
        `json:${metadata}`,
        "--classification",
        "confidential",
        "--fields",
        "bits:0,1,2,3",
      ],
      { as: "civilAffairs" },
    );
    const verified = await net.run(["dataset", "verify", datasetId, "1", `file:${file}`]);
    expect(verified.stdout.trim()).to.equal(`MATCHES dataset ${datasetId} version 1`);
    const other = await net.run(["dataset", "verify", datasetId, "1", h("tampered")]);
    expect(other.stdout.trim()).to.equal(`DOES NOT MATCH dataset ${datasetId} version 1`);

    const { grantId, granted } = await net.json<{ grantId: string; granted: boolean }>(
      ["dataset", "request", datasetId, "--purpose", h("pension audit 2025"), "--scope", "0x7"],
      { as: "pensions" },
    );
    expect(granted).to.equal(false);
    await net.json(["dataset", "grant", grantId, "--scope", "bits:0,1", "--expires", "+30d", "--may-delegate"], {
      as: "civilAffairs",
    });
    const { grantId: childId } = await net.json<{ grantId: string }>(
      ["dataset", "delegate", grantId, "Supplier Two", "--scope", "1", "--expires", "+10d"],
      { as: "pensions" },
    );
    await net.json(
      [
        "dataset",
        "record-access",
        grantId,
        "--dataset",
        datasetId,
        "--version",
        "1",
        "--consumer",
        address("pensions"),
        "--access-id",
        h("request 1"),
        "--result",
        `file:${file}`,
      ],
      { as: "civilAffairs" },
    );
    const trail = await net.json<{ accessCount: string; complete: boolean; entries: { grantId: string }[] }>([
      "dataset",
      "access",
      datasetId,
    ]);
    expect(trail).to.deep.include({ accessCount: "1", complete: true });
    expect(trail.entries.map((entry) => entry.grantId)).to.deep.equal([grantId]);
    const human = await net.run(["dataset", "access", datasetId]);
    expect(human.stdout).to.match(new RegExp(`^dataset ${datasetId}: 1 accesses on record\\nSEQ\\s+GRANTID`));

    await net.json(["dataset", "revoke", grantId, "--reason", h("audit closed")], { as: "civilAffairs" });
    const child = await net.json<{ validity: string; depth: number }>(["dataset", "show-grant", childId]);
    expect(child).to.deep.include({ validity: "AncestorRevoked", depth: 1 });

    const policy = ["dataset", "policy", datasetId, "--kinds", "Government", "--max-scope", "0x1", "--days", "1"];
    const set = await net.json<{ allowedPurposes: string[] }>([...policy, "--purpose", h("statistics")], {
      as: "civilAffairs",
    });
    expect(set.allowedPurposes).to.deep.equal([h("statistics")]);
    const auto = await net.json<{ granted: boolean }>(
      ["dataset", "request", datasetId, "--purpose", h("statistics"), "--scope", "1"],
      { as: "pensions" },
    );
    expect(auto.granted).to.equal(true);
    // Another purpose is not granted by the policy: it waits for the owner.
    const pending = await net.json<{ granted: boolean }>(
      ["dataset", "request", datasetId, "--purpose", h("marketing"), "--scope", "1"],
      { as: "pensions" },
    );
    expect(pending.granted).to.equal(false);
  });

  it("certificate issue, verify (with holder and document), replace, revoke", async () => {
    const terms = ["--holder", h("holder 1"), "--kind", "7", "--document", h("licence v1"), "--valid-until", "+365d"];
    const { certificateId } = await net.json<{ certificateId: string }>(["certificate", "issue", ...terms], {
      as: "civilAffairs",
    });
    const valid = await net.run(["certificate", "verify", certificateId]);
    expect(valid.stdout.trim()).to.equal(`certificate ${certificateId}: VALID`);
    const mismatch = await net.run([
      "certificate",
      "verify",
      certificateId,
      "--holder",
      h("holder 1"),
      "--document",
      h("forged"),
    ]);
    expect(mismatch.stdout.trim()).to.equal(`certificate ${certificateId}: VALID, DOES NOT MATCH`);
    const { newId } = await net.json<{ newId: string }>(
      [
        "certificate",
        "replace",
        certificateId,
        ...terms.slice(0, 4),
        "--document",
        h("licence v2"),
        "--valid-until",
        "+365d",
        "--reason",
        h("moved"),
      ],
      { as: "civilAffairs" },
    );
    const replaced = await net.run(["certificate", "verify", certificateId]);
    expect(replaced.stdout.trim()).to.equal(`certificate ${certificateId}: REPLACED (latest: certificate ${newId})`);
    await net.json(["certificate", "revoke", newId], { as: "civilAffairs" });
    const revoked = await net.json<{ validity: string }>(["certificate", "verify", newId]);
    expect(revoked.validity).to.equal("Revoked");
  });

  it("wrong party reverts decoded (exit 1); malformed input is a usage error (exit 2)", async () => {
    const notOwner = await net.run(["dataset", "grant", "1", "--scope", "1", "--expires", "+1d"], { as: "pensions" });
    expect(notOwner.code).to.equal(1);
    expect(notOwner.stderr).to.match(/DataSharing reverted with MissingRole: member 8 lacks role DATA_OWNER/);
    const badScope = await net.run(["dataset", "request", "1", "--purpose", h("p"), "--scope", "fields 1-3"], {
      as: "pensions",
    });
    expect(badScope.code).to.equal(2);
    expect(badScope.stderr).to.match(/malformed scope "fields 1-3"/);
    const badLevel = await net.run(
      ["dataset", "register", "--content", h("c"), "--metadata", h("m"), "--classification", "top", "--fields", "1"],
      { as: "civilAffairs" },
    );
    expect(badLevel.code).to.equal(2);
    expect(badLevel.stderr).to.match(/unknown classification "top"/);
    const half = await net.run(["certificate", "verify", "1", "--holder", h("x")]);
    expect(half.code).to.equal(2);
  });
});
