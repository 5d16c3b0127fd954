/**
 * The CLI on a chain like `npm start`'s demo: the demo consortium deployed on a node whose clock was moved months
 * ahead of ours. Relative dates count from the chain's latest block, and `--as <member>` signs with the demo keys
 * only there.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoConsortium, writeDemoFounders } from "../../src/demo/consortium.js";
import { demoSigningKey } from "../../src/cli/demo-member.js";
import { ConfigError } from "../../src/cli/errors.js";
import { runHardhat } from "../helpers/commands.js";
import { rpc, startNode, type NodeProcess } from "../helpers/node-process.js";
import { appsNetwork, KEYS, lcIssueArgs, type Run } from "./apps.harness.js";

const DAY = 86_400;
/** How far the chain's clock is moved ahead of the local one (the demo chain's is months ahead). */
const AHEAD_DAYS = 200;

describe("cli: on the demo chain, months ahead of the local clock", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let workdir: string;
  let deployments: string;

  function consortia(args: string[], env: Record<string, string> = {}): Promise<Run> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, CONSORTIA_RPC_URL: node.url, FORCE_COLOR: "0", ...env };
    if (env.CONSORTIA_PRIVATE_KEY === undefined) delete childEnv.CONSORTIA_PRIVATE_KEY;
    delete childEnv.CONSORTIA_KEYSTORE;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["bin/consortia.js", "--deployments", deployments, ...args], {
        env: childEnv,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end();
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  const latestTimestamp = async (): Promise<number> =>
    Number((await rpc<{ timestamp: string }>(node.url, "eth_getBlockByNumber", ["latest", false])).timestamp);

  before(async () => {
    workdir = await mkdtemp(join(tmpdir(), "consortia-cli-demo-"));
    deployments = join(workdir, "deployments");
    node = await startNode();
    const founders = await writeDemoFounders(join(workdir, "demo-founders.json"));
    await runHardhat(["deploy", "--network", "localhost", "--founders", founders, "--deployments", deployments], {
      CONSORTIA_LOCAL_RPC_URL: node.url,
      CONSORTIA_IGNITION_DIR: join(workdir, "ignition"),
    });
    await rpc(node.url, "evm_increaseTime", [AHEAD_DAYS * DAY]);
    await rpc(node.url, "evm_mine", []);
  });

  after(async () => {
    await node?.stop();
    if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
  });

  it("the node's clock is months ahead of the local one (the premise of the next test)", async () => {
    expect((await latestTimestamp()) - Date.now() / 1000).to.be.greaterThan((AHEAD_DAYS - 1) * DAY);
  });

  it("lc issue --expiry +90d counts from the chain's latest block: the LC expires 90 days after chain time", async () => {
    const demo = demoConsortium();
    const before = await latestTimestamp();
    const issued = await consortia([
      "--json",
      "--as",
      "bankA",
      ...lcIssueArgs("1000", "terms", {
        parties: { applicant: demo.coreA.name, advisingBank: demo.bankB.name, beneficiary: demo.supplier1.name },
      }),
    ]);
    // With the local clock, +90d is ~110 days in the chain's past and the contract reverts.
    expect(issued.code, issued.stderr).to.equal(0);
    const { lcId } = JSON.parse(issued.stdout) as { lcId: string };
    const shown = await consortia(["--json", "lc", "show", lcId]);
    expect(shown.code, shown.stderr).to.equal(0);
    const lc = JSON.parse(shown.stdout) as { expiry: number; latestShipment: number };
    expect(lc.expiry).to.equal(before + 90 * DAY);
    expect(lc.latestShipment).to.equal(before + 60 * DAY);
  });

  it("--as <member> signs as the demo member: by short key, registered name or short name, any case", async () => {
    const bankA = demoConsortium().bankA;
    for (const name of ["bankA", bankA.name, "huaxin bank"]) {
      const who = await consortia(["--json", "--as", name, "whoami"]);
      expect(who.code, who.stderr).to.equal(0);
      expect(JSON.parse(who.stdout)).to.deep.include({ address: bankA.account, member: bankA.name, memberId: 1 });
    }
  });

  it("--as refuses an unknown demo member (exit 2) and a second key source (exit 3)", async () => {
    const unknown = await consortia(["--as", "Nobody Bank", "whoami"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/^error: --as: no demo member "Nobody Bank": expected one of bankA, bankB, /);
    const both = await consortia(["--as", "bankA", "whoami"], { CONSORTIA_PRIVATE_KEY: KEYS.bankA });
    expect(both.code).to.equal(3);
    expect(both.stderr).to.equal("error: --as and CONSORTIA_PRIVATE_KEY or a keystore are both set: use one\n");
  });

  it("--as is refused on a chain that is not the demo: another deployment on chain 1337, or another chain id", async () => {
    const net = await appsNetwork();
    const other = await net.run(["--as", "bankA", "whoami"]);
    expect(other.code, other.stderr).to.equal(3);
    expect(other.stderr).to.match(
      /^error: --as: Huaxin Bank Co\., Ltd\. \(account 0x[0-9a-fA-F]{40}\) is not member 1 on this chain: --as works only on the local demo/,
    );
    expect(other.stderr.split("\n").filter((line) => line !== "")).to.have.length(1);
    // A node of another chain id: refused before the registry is asked.
    const error = await demoSigningKey("bankA", 31337, "http://10.0.0.1:8545", () => {
      throw new Error("the registry was asked");
    }).catch((thrown: unknown) => thrown);
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.equal(
      "--as works only on the local demo chain (chain id 1337, npm start); the node at http://10.0.0.1:8545 is chain 31337",
    );
  });
});
