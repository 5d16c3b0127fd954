/**
 * README's "Run it" commands for the API: `node --import tsx src/api/main.ts` (PGlite: the indexer runs in the same
 * process) and `… --with-indexer`, run as real processes against a node with a deployment, stopped with SIGTERM as a
 * process manager would.
 */
import { expect } from "chai";
import { execa, type ResultPromise } from "execa";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHardhat } from "../helpers/commands.js";
import { freePort, portFreed, startNode, type NodeProcess } from "../helpers/node-process.js";

describe("api: src/api/main.ts as a process", function () {
  this.timeout(240_000);
  let node: NodeProcess;
  let workdir: string;
  let deployments: string;

  before(async () => {
    workdir = await mkdtemp(join(tmpdir(), "consortia-api-main-"));
    node = await startNode();
    await runHardhat(
      [
        "deploy",
        "--network",
        "localhost",
        "--founders",
        "config/founders.local.json",
        "--deployments",
        join(workdir, "deployments"),
      ],
      { CONSORTIA_LOCAL_RPC_URL: node.url, CONSORTIA_IGNITION_DIR: join(workdir, "ignition") },
    );
    deployments = join(workdir, "deployments", "1337.json");
  });

  after(async () => {
    await node?.stop();
    if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
  });

  /** Starts the API main with `args`, waits until /ready answers and /members lists the founders. */
  async function start(args: string[], dataDir: string): Promise<{ child: ResultPromise; port: number }> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RPC_URL: node.url,
      DEPLOYMENTS: deployments,
      DATA_DIR: dataDir,
      API_PORT: String(port),
      LOG_LEVEL: "warn",
      API_AUTH: "off", // about the process's life, not who reads what (test/api/auth.test.ts)
    };
    delete env.DATABASE_URL; // PGlite in the temporary directory, whatever CI sets
    const child = execa(process.execPath, ["--import", "tsx", "src/api/main.ts", ...args], {
      env,
      extendEnv: false,
      reject: false,
      all: true,
    });
    let exited = false;
    void child.then(() => (exited = true));
    const deadline = Date.now() + 90_000;
    let names: string[] = [];
    while (!names.includes("Local Bank A") && Date.now() < deadline && !exited) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) {
          const members = (await (await fetch(`http://127.0.0.1:${port}/members`)).json()) as {
            items: { name: string }[];
          };
          names = members.items.map((member) => member.name);
        }
      } catch {
        // not listening yet
      }
      if (!names.includes("Local Bank A")) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!names.includes("Local Bank A")) {
      child.kill("SIGKILL");
      expect.fail(`the API never listed the founders:\n${String((await child).all)}`);
    }
    return { child, port };
  }

  for (const args of [[], ["--with-indexer"]]) {
    it(`${["node --import tsx src/api/main.ts", ...args].join(" ")}: serves the index, and SIGTERM stops it (exit 0, port freed)`, async () => {
      const { child, port } = await start(args, join(workdir, `pglite-${args.length}`));
      child.kill("SIGTERM");
      const result = await child;
      expect(result.exitCode, String(result.all)).to.equal(0);
      expect(await portFreed(port, 5_000)).to.equal(true);
    });
  }

  it("a port already in use is one line naming the port and exit 2, without a stack trace", async () => {
    const taken = await freePort();
    const holder = createServer().listen(taken, "127.0.0.1");
    await new Promise((done) => holder.once("listening", done));
    try {
      for (const args of [[], ["--with-indexer"]]) {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          RPC_URL: node.url,
          DEPLOYMENTS: deployments,
          DATA_DIR: join(workdir, `pglite-taken-${args.length}`),
          API_PORT: String(taken),
          LOG_LEVEL: "silent",
        };
        delete env.DATABASE_URL;
        const result = await execa(process.execPath, ["--import", "tsx", "src/api/main.ts", ...args], {
          env,
          extendEnv: false,
          reject: false,
          timeout: 60_000,
        });
        expect(result.exitCode, result.stderr).to.equal(2);
        expect(result.stderr.trim().split("\n"), result.stderr).to.have.length(1);
        expect(result.stderr).to.match(
          new RegExp(`^error: port ${taken} \\(API_PORT, --api-port\\) is already in use`),
        );
      }
    } finally {
      holder.close();
    }
  });

  it("a bad configuration is one line and exit 1, without a stack trace", async () => {
    const result = await execa(process.execPath, ["--import", "tsx", "src/api/main.ts", "--api-port", "99999"], {
      env: { ...process.env, RPC_URL: node.url, DEPLOYMENTS: deployments, DATABASE_URL: "" },
      reject: false,
      timeout: 60_000,
    });
    expect(result.exitCode, result.stderr).to.equal(1);
    expect(result.stderr).to.match(/apiPort/);
    expect(result.stderr).not.to.match(/\n\s+at /);
  });
});
