/**
 * The envelope suite is chosen once per consortium at deployment: the deployments file records "gm", clients read it,
 * and a later deploy asking for another suite is refused (members' registry keys are keys of the recorded suite).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { network } from "hardhat";
import { deploymentPath, readDeployment } from "@consortia/sdk";
import ConsortiaModule from "../../ignition/modules/Consortia.js";
import { deploySuite } from "../../src/deploy/deploy.js";

describe("deploy: the envelope suite", function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "consortia-suite-"));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('records "gm" in the deployments file and refuses to switch it on a later deploy', async () => {
    const connection = await network.create();
    const options = { deploymentsDir: dir, ignitionDir: join(dir, "ignition") };
    const deployed = await deploySuite(connection, ConsortiaModule, { ...options, envelopeSuite: "gm" });
    expect(deployed.envelopeSuite).to.equal("gm");
    const path = deploymentPath(deployed.chainId, dir);
    expect((await readDeployment(path)).envelopeSuite).to.equal("gm");
    const error = await deploySuite(connection, ConsortiaModule, options).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/records the envelope suite "gm"; it is chosen once/);
    expect((await readDeployment(path)).envelopeSuite).to.equal("gm");
  });
});
