import { expect } from "chai";
import { execa, type ResultPromise } from "execa";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_CONSORTIUM_KEY, demoConsortium } from "../../src/demo/consortium.js";
import { localAnvilArgs, startAnvil } from "../../src/local/anvil.js";
import { freePort, portIsFree, startNode, type NodeProcess } from "../../src/local/node.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./lifecycle-fixture.ts", import.meta.url));

/** A child process whose output is collected as it comes. */
interface Running {
  process: ResultPromise<{ buffer: false; reject: false }>;
  output(): string;
  /** Resolves once the output matches `pattern` (rejects on exit or after `ms`). */
  until(pattern: RegExp, ms?: number): Promise<void>;
}

function run(file: string, args: string[], env: Record<string, string> = {}): Running {
  const child = execa(file, args, { cwd: ROOT, env: { FORCE_COLOR: "0", ...env }, buffer: false, reject: false });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  void child.then(() => (exited = true));
  return {
    process: child,
    output: () => output,
    async until(pattern, ms = 180_000) {
      const deadline = Date.now() + ms;
      while (!pattern.test(output)) {
        if (exited) throw new Error(`exited before ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms:\n${output}`);
        await sleep(100);
      }
    },
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Every descendant of `pid` (children, their children, ...), from /proc. */
async function descendants(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, "utf8").catch(() => "");
    const ppid = Number(/^PPid:\s+([0-9]+)/m.exec(status)?.[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

describe("process lifecycle (src/local/lifecycle.ts)", function () {
  this.timeout(60_000);
  const fixture = (delayMs: number) => run(process.execPath, ["--import", "tsx", FIXTURE, "parent", String(delayMs)]);
  const childPid = (r: Running) => Number(/ready ([0-9]+)/.exec(r.output())?.[1]);

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`${signal}: stops the steps in reverse order, prints what stopped, stops the child and exits 0`, async () => {
      const parent = fixture(200);
      await parent.until(/ready [0-9]+/);
      const child = childPid(parent);
      parent.process.kill(signal);
      const result = await parent.process;
      expect(result.exitCode, parent.output()).to.equal(0);
      const lines = parent.output().split("\n");
      const slow = lines.findIndex((line) => line.startsWith("Stopped: slow step"));
      const stoppedChild = lines.findIndex((line) => line === `Stopped: child (pid ${child})`);
      expect(slow, parent.output()).to.be.greaterThan(-1);
      expect(stoppedChild, parent.output()).to.be.greaterThan(slow);
      // The child ran its own shutdown (one SIGTERM from its parent).
      expect(parent.output()).to.contain("Stopped: child work");
      expect(await gone([child], 3_000)).to.equal(true);
    });
  }

  it("treats a second SIGINT within a second as the same Ctrl-C (terminal group + npm's copy)", async () => {
    const parent = fixture(2_000);
    await parent.until(/ready [0-9]+/);
    const started = Date.now();
    parent.process.kill("SIGINT");
    await sleep(100);
    parent.process.kill("SIGINT");
    const result = await parent.process;
    expect(result.exitCode, parent.output()).to.equal(0);
    expect(Date.now() - started).to.be.greaterThan(1_900);
    expect(parent.output()).to.contain("Stopped: slow step");
  });

  it("exits at once on a second Ctrl-C more than a second after the first", async () => {
    const parent = fixture(30_000);
    await parent.until(/ready [0-9]+/);
    const child = childPid(parent);
    parent.process.kill("SIGINT");
    await sleep(1_300);
    const second = Date.now();
    parent.process.kill("SIGINT");
    const result = await parent.process;
    expect(Date.now() - second).to.be.lessThan(2_000);
    expect(result.exitCode, parent.output()).to.equal(130);
    expect(parent.output()).to.contain("exiting at once");
    expect(parent.output()).not.to.contain("Stopped: slow step");
    // execa's cleanup kills the child with the parent.
    expect(await gone([child], 3_000)).to.equal(true);
  });

  it("a child whose parent is SIGKILLed notices within seconds and stops", async () => {
    const parent = fixture(0);
    await parent.until(/ready [0-9]+/);
    const child = childPid(parent);
    parent.process.kill("SIGKILL");
    await parent.process;
    expect(alive(child)).to.equal(true);
    expect(await gone([child], 5_000)).to.equal(true);
  });
});

/**
 * The addresses that listen on TCP `port`, from /proc/net/tcp and tcp6, as /proc writes them (hex, host byte order:
 * 127.0.0.1 is 0100007F, every IPv4 interface 00000000, every IPv6 interface 32 zeros).
 */
async function listeners(port: number): Promise<string[]> {
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const rows = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1);
    for (const row of rows) {
      const [, local, , state] = row.trim().split(/\s+/);
      if (local === undefined || state !== "0A") continue; // 0A: LISTEN
      const [address, hexPort] = local.split(":");
      if (parseInt(hexPort, 16) === port) found.push(address);
    }
  }
  return found;
}

describe("local chain: listens on 127.0.0.1 only (src/local/node.ts, src/local/anvil.ts)", function () {
  this.timeout(120_000);
  let node: NodeProcess | undefined;
  before(async function () {
    if ((await readFile("/proc/net/tcp", "utf8").catch(() => null)) === null) this.skip();
  });
  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  for (const [name, start] of [
    ["hardhat node", () => startNode()],
    ["anvil", () => startAnvil(localAnvilArgs(1337))],
  ] as const) {
    it(`${name} binds the loopback address only, not every interface`, async () => {
      node = await start();
      const port = Number(new URL(node.url).port);
      expect(await listeners(port)).to.deep.equal(["0100007F"]);
    });
  }
});

describe("check-node (npm install's preinstall)", function () {
  this.timeout(30_000);
  const check = (version: string) =>
    execa(process.execPath, ["scripts/check-node.mjs"], {
      cwd: ROOT,
      env: { CONSORTIA_NODE_VERSION: version },
      reject: false,
    });

  it("is package.json's preinstall", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.preinstall).to.equal("node scripts/check-node.mjs");
  });

  it("refuses Node older than 22.13 with one line and exit 1", async () => {
    for (const version of ["22.12.0", "v20.18.1", "18.0.0"]) {
      const result = await check(version);
      expect(result.exitCode, version).to.equal(1);
      expect(result.stderr.trim().split("\n")).to.have.length(1);
      expect(result.stderr).to.contain(`Consortia needs Node 22.13 or newer; this is Node ${version}`);
    }
  });

  it("accepts 22.13 and newer", async () => {
    for (const version of ["22.13.0", "22.20.1", "23.1.0", "24.0.0"]) {
      const result = await check(version);
      expect(result.exitCode, version).to.equal(0);
      expect(result.stderr).to.equal("");
    }
  });
});

describe("npm start", function () {
  this.timeout(300_000);
  let dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "consortia-start-"));
    dirs.push(dir);
    return dir;
  };
  /** A fresh data directory and two free ports, with the flags that give them to npm start. */
  const instance = async () => {
    const dataDir = await tempDir();
    const [port, apiPort] = [await freePort(), await freePort()];
    return {
      dataDir,
      port,
      apiPort,
      flags: ["--port", String(port), "--api-port", String(apiPort), "--data-dir", dataDir],
    };
  };
  const npmStart = (args: string[]) => run("npm", ["start", "--", ...args]);
  const direct = (args: string[]) => run(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args]);

  after(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    dirs = [];
  });

  it("refuses bad flags with one line and exit 2 before creating anything", async () => {
    const dataDir = join(await tempDir(), "never-created");
    const taken = await freePort();
    const { createServer } = await import("node:net");
    const holder = createServer().listen(taken, "127.0.0.1");
    await new Promise((done) => holder.once("listening", done));
    try {
      const cases: [string[], RegExp][] = [
        [["--port", "abc"], /^error: option '--port <port>' argument 'abc' is invalid/],
        [["--api-port", "99999"], /^error: option '--api-port <port>' argument '99999' is invalid/],
        [["--port", "0x10"], /argument '0x10' is invalid/],
        [["--port", "9100", "--api-port", "9100"], /^error: --port and --api-port are both 9100/],
        [["--web-port", "abc"], /^error: option '--web-port <port>' argument 'abc' is invalid/],
        [["--port", "9101", "--web-port", "9101"], /^error: --web-port 9101 is the port of the chain or the API/],
        [["--bogus"], /^error: unknown option '--bogus'/],
        [
          ["--node", "geth"],
          /^error: option '--node <name>' argument 'geth' is invalid\. Allowed choices are hardhat, anvil/,
        ],
        [["--api-port", String(taken)], new RegExp(`^error: port ${taken} \\(--api-port\\) is already in use`)],
        [["--web-port", String(taken)], new RegExp(`^error: port ${taken} \\(--web-port\\) is already in use`)],
      ];
      for (const [args, expected] of cases) {
        const started = direct([...args, "--data-dir", dataDir]);
        const result = await started.process;
        expect(result.exitCode, args.join(" ")).to.equal(2);
        const stderr = started.output().trim();
        expect(stderr.split("\n"), stderr).to.have.length(1);
        expect(stderr).to.match(expected);
      }
      // Through npm too: npm prints its banner on stdout; the refusal is one line on stderr, exit 2.
      const viaNpm = execa("npm", ["start", "--", "--port", "abc", "--data-dir", dataDir], {
        cwd: ROOT,
        reject: false,
      });
      const result = await viaNpm;
      expect(result.exitCode).to.equal(2);
      expect(result.stderr.trim().split("\n")).to.have.length(1);
      await stat(dataDir).then(
        () => expect.fail(`${dataDir} was created`),
        () => {},
      );
    } finally {
      holder.close();
    }
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} to npm alone stops the chain, the indexer and the API, frees the ports and says so`, async () => {
      const { dataDir, port, apiPort, flags } = await instance();
      const first = npmStart(["--no-demo", ...flags]);
      await first.until(/Press Ctrl-C/);
      expect(first.output()).to.contain("Compiling the contracts (the first compile takes about a minute) ...");
      expect(first.output()).to.contain("Starting the indexer and the query API ...");
      // --data-dir moves the deployments file and the Ignition journal into it.
      const deployments = join(dataDir, "deployments", "1337.json");
      const journals = await readdir(join(dataDir, "ignition", "deployments"));
      expect(journals).to.have.length(1);
      expect(journals[0]).to.match(/^chain-1337-[0-9a-f]{8}$/);
      const journal = join(dataDir, "ignition", "deployments", journals[0], "journal.jsonl");
      const tree = await descendants(first.process.pid!);
      expect(tree.length).to.be.greaterThan(1);

      if (signal === "SIGTERM") {
        // A second instance on other ports with the same data directory changes nothing of the first's.
        const before = await Promise.all([deployments, journal].map(snapshot));
        const second = npmStart(["--no-demo", "--port", String(await freePort()), "--data-dir", dataDir]);
        const refused = await second.process;
        expect(refused.exitCode, second.output()).to.equal(2);
        expect(second.output()).to.match(/error: another npm start \(pid [0-9]+\) uses the data directory/);
        expect(await Promise.all([deployments, journal].map(snapshot))).to.deep.equal(before);
        // A port the first one holds is refused before any file is touched, whatever the data directory.
        const otherDir = join(await tempDir(), "other");
        const third = direct(["--no-demo", "--port", String(port), "--data-dir", otherDir]);
        expect((await third.process).exitCode).to.equal(2);
        expect(third.output()).to.contain(`error: port ${port} (--port) is already in use on 127.0.0.1`);
        await stat(otherDir).then(
          () => expect.fail("the refused instance created its data directory"),
          () => {},
        );
      }

      const sent = Date.now();
      first.process.kill(signal);
      const result = await first.process;
      expect(Date.now() - sent, first.output()).to.be.lessThan(15_000);
      expect(result.exitCode, first.output()).to.equal(0);
      expect(first.output()).to.contain(`Stopped: indexer and query API http://127.0.0.1:${apiPort}`);
      expect(first.output()).to.match(new RegExp(`Stopped: local chain \\(pid [0-9]+\\) http://127.0.0.1:${port}`));
      expect(await gone(tree, 5_000), `still running: ${tree.filter(alive).join(" ")}`).to.equal(true);
      expect(await portIsFree(port)).to.equal(true);
      expect(await portIsFree(apiPort)).to.equal(true);
      await stat(join(dataDir, "npm-start.pid")).then(
        () => expect.fail("the pid lock outlived npm start"),
        () => {},
      );
    });
  }

  it("--node anvil: runs the demo on Anvil, indexes it, and Anvil stops with npm start even when it is SIGKILLed", async () => {
    const { port, apiPort, flags } = await instance();
    const started = direct(["--node", "anvil", ...flags]);
    await started.until(/Press Ctrl-C/, 280_000);
    expect(started.output()).to.contain(`chain       http://127.0.0.1:${port}  (anvil; chain id 1337`);
    const api = `http://127.0.0.1:${apiPort}`;
    const chainVersion = await fetch(`http://127.0.0.1:${port}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "web3_clientVersion", params: [] }),
    }).then((response) => response.json() as Promise<{ result: string }>);
    expect(chainVersion.result).to.match(/^anvil\//);
    expect(((await (await fetch(`${api}/ready`)).json()) as { ready: boolean }).ready).to.equal(true);
    // How to act as a demo member, as printed, works: --as and the member's key sign as that member.
    const output = started.output();
    const asMember = /^  npx consortia (.* --as bankA whoami)$/m.exec(output);
    const withKey = /^  CONSORTIA_PRIVATE_KEY=(0x[0-9a-f]{64}) npx consortia (.* token balance)$/m.exec(output);
    expect(asMember, output).not.to.equal(null);
    expect(withKey, output).not.to.equal(null);
    const consortia = (args: string, env: Record<string, string> = {}) =>
      execa(process.execPath, ["bin/consortia.js", "--json", ...args.split(" ")], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", FORCE_COLOR: "0", ...env },
        extendEnv: false,
        reject: false,
      });
    // The query API asks for sign-in: the printed `api login` command gives the token the member directory needs.
    const login = /^  export TOKEN=\$\(npx consortia (.* api login --api \S+)\)$/m.exec(output);
    expect(login, output).not.to.equal(null);
    const signedIn = await consortia(login![1]);
    expect(signedIn.exitCode, signedIn.stderr).to.equal(0);
    const { token } = JSON.parse(signedIn.stdout) as { token: string };
    const directory = await fetch(`${api}/members`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await directory.json()) as { items: unknown[] }).items).to.have.length(13);
    const bankA = demoConsortium().bankA;
    const who = await consortia(asMember![1]);
    expect(who.exitCode, who.stderr).to.equal(0);
    expect(JSON.parse(who.stdout)).to.deep.include({ address: bankA.account, member: bankA.name });
    expect(withKey![1]).to.equal(bankA.privateKey);
    const balance = await consortia(withKey![2], { CONSORTIA_PRIVATE_KEY: withKey![1] });
    expect(balance.exitCode, balance.stderr).to.equal(0);
    expect(output).to.contain(`\n  export CONSORTIA_CONSORTIUM_KEY=${DEMO_CONSORTIUM_KEY}\n`);
    const tree = await descendants(started.process.pid!);
    expect(tree.length).to.be.greaterThan(1);
    started.process.kill("SIGKILL");
    await started.process;
    expect(await gone(tree, 10_000), `still running: ${tree.filter(alive).join(" ")}`).to.equal(true);
    expect(await portIsFree(port)).to.equal(true);
  });
});

/** Content and modification time of a file: equal snapshots mean nobody wrote it. */
async function snapshot(path: string): Promise<{ path: string; mtimeMs: number; content: string }> {
  return { path, mtimeMs: (await stat(path)).mtimeMs, content: await readFile(path, "utf8") };
}
