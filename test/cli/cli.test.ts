import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { freePort, portFreed, startNode, type NodeProcess } from "../helpers/node-process.js";
import { roleSet } from "@consortia/sdk";
import { needsProcess, runCliInProcess } from "../helpers/cli-in-process.js";

/**
 * Hardhat's well-known development keys (public test keys; local chains only). config/founders.local.json makes #1
 * Local Bank A's and #2 Local Bank B's admin; #0 deploys and belongs to no member.
 */
const KEYS = {
  deployer: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  bankA: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  bankB: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
} as const;
const BANK_B = new Wallet(KEYS.bankB).address;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("cli: consortia against a real node", function () {
  this.timeout(300_000);
  let node: NodeProcess;
  let workdir: string;
  let deployments: string;

  /**
   * Runs the CLI: in this process (test/helpers/cli-in-process.ts), or the real binary (bin/consortia.js) as a child
   * process with `spawn` (the tests of exit statuses and standard input through the binary keep it).
   */
  function consortia(
    args: string[],
    options: {
      key?: keyof typeof KEYS;
      env?: Record<string, string>;
      stdin?: string;
      spawn?: boolean;
    } = {},
  ): Promise<Run> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CONSORTIA_RPC_URL: node.url,
      FORCE_COLOR: "0",
      // `consortia deploy`'s Ignition journal: in the temporary directory, never the work tree.
      CONSORTIA_IGNITION_DIR: join(workdir, "ignition"),
    };
    delete env.CONSORTIA_PRIVATE_KEY;
    delete env.CONSORTIA_KEYSTORE;
    if (options.key !== undefined) env.CONSORTIA_PRIVATE_KEY = KEYS[options.key];
    Object.assign(env, options.env);
    const argv = ["--deployments", deployments, ...args];
    if (options.spawn !== true && !needsProcess(argv, env)) return runCliInProcess(argv, env, options.stdin);
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["bin/consortia.js", ...argv], { env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end(options.stdin ?? "");
      child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }

  async function json<T>(args: string[], options: Parameters<typeof consortia>[1] = {}): Promise<T> {
    const run = await consortia(["--json", ...args], options);
    expect(run.code, run.stderr).to.equal(0);
    return JSON.parse(run.stdout) as T;
  }

  before(async () => {
    workdir = await mkdtemp(join(tmpdir(), "consortia-cli-"));
    deployments = join(workdir, "deployments");
    node = await startNode();
  });

  after(async () => {
    await node?.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  it("deploy runs the Hardhat task against --rpc, seeds the founders and prints the deployment", async () => {
    const run = await consortia(["--json", "deploy", "--founders", "config/founders.local.json"], { key: "deployer" });
    expect(run.code, run.stderr).to.equal(0);
    const deployment = JSON.parse(run.stdout) as {
      chainId: number;
      contracts: Record<string, { address: string }>;
    };
    expect(deployment.chainId).to.equal(1337);
    expect(Object.keys(deployment.contracts)).to.include.members([
      "ConsortiumRegistry",
      "DepositToken",
      "PaymentLedger",
      "ConsortiumCalendar",
      "ApprovalProcesses",
    ]);
    expect(run.stderr).to.match(/seeded 3 founding members/);
    expect(JSON.parse(await readFile(join(deployments, "1337.json"), "utf8"))).to.deep.include({ chainId: 1337 });
  });

  it("deploy --envelope-suite: the suite is chosen once (this chain was deployed with the standard suite)", async () => {
    const unknown = await consortia(["deploy", "--envelope-suite", "sm9"], { key: "deployer" });
    expect(unknown.code).to.not.equal(0);
    expect(unknown.stderr).to.match(/--envelope-suite: "standard" or "gm", not "sm9"/);
    const switched = await consortia(["deploy", "--envelope-suite", "gm"], { key: "deployer" });
    expect(switched.code).to.not.equal(0);
    expect(switched.stderr).to.match(/records the envelope suite "standard"; it is chosen once per consortium/);
    expect(JSON.parse(await readFile(join(deployments, "1337.json"), "utf8"))).to.not.have.property("envelopeSuite");
  });

  it("member list prints a table, and JSON with --json", async () => {
    const human = await consortia(["member", "list"]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(/^ID\s+NAME\s+KIND\s+STATUS\s+ROLES\s+ACCOUNTS/);
    expect(human.stdout).to.match(/1\s+Local Bank A\s+Bank\s+Active\s+VOTER,/);
    const members = await json<{ id: number; name: string; roles: string }[]>(["member", "list"]);
    expect(members.map((member) => member.name)).to.deep.equal(["Local Bank A", "Local Bank B", "Local Regulator"]);
    expect(members[0].roles).to.equal(
      roleSet(
        "VOTER",
        "TOKEN_ISSUER",
        "TOKEN_HOLDER",
        "PAYMENT_BANK",
        "FINANCIER",
        "LC_BANK",
        "GUARANTOR",
        "FORFAITER",
        "CREDIT_REPORTER",
        "CREDIT_QUERIER",
      ).toString(),
    ); // bigints as decimal strings
  });

  it("member show resolves names and accounts; an unknown member is a usage error (exit 2)", async () => {
    const shown = await json<{
      id: number;
      accounts: { account: string; level: string }[];
    }>(["member", "show", "local bank b"]);
    expect(shown.id).to.equal(2);
    expect(shown.accounts).to.deep.equal([{ account: BANK_B, status: "Active", level: "Admin" }]);
    const byAccount = await json<{ name: string }>(["member", "show", BANK_B.toLowerCase()]);
    expect(byAccount.name).to.equal("Local Bank B");
    const unknown = await consortia(["member", "show", "Nobody Bank"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.equal("error: unknown member: Nobody Bank\n");
  });

  it("token mint and balance: amounts in decimals, progress on stderr", async () => {
    const minted = await consortia(["token", "mint", "Local Bank B", "1250.50"], { key: "bankA" });
    expect(minted.code, minted.stderr).to.equal(0);
    expect(minted.stdout).to.match(
      /^minted 1250\.50 to Local Bank B; balance now 1250\.50 \(tx 0x[0-9a-f]{64}, block \d+\)/,
    );
    expect(minted.stderr).to.match(/mint 1250\.50 to Local Bank B: sent 0x[0-9a-f]{64}, waiting for confirmation/);
    const balance = await json<{
      symbol: string;
      accounts: { account: string; balance: string; minorUnits: string }[];
    }>(["token", "balance", BANK_B]);
    expect(balance).to.deep.equal({
      symbol: "dCNY",
      accounts: [{ account: BANK_B, balance: "1250.50", minorUnits: "125050" }],
    });
  });

  it("rejects malformed amounts, addresses and ids with exit 2 before sending anything", async () => {
    const cases: [string[], RegExp][] = [
      [["token", "mint", "Local Bank B", "1.234"], /malformed amount "1.234"/],
      [["token", "transfer", "0x1234", "1"], /malformed address "0x1234"/],
      [["member", "approve", "abc"], /malformed proposal id "abc"/],
      [["member", "propose-roles", "Local Bank B", "--roles", "VOTER,ROOT"], /unknown role "ROOT"/],
      [
        [
          "member",
          "propose-admit",
          "--kind",
          "Bank",
          "--name",
          "X",
          "--registration-hash",
          "0x12",
          "--encryption-key",
          `0x${"00".repeat(32)}`,
          "--roles",
          "VOTER",
          "--admin",
          BANK_B,
        ],
        /malformed registration hash/,
      ],
      [["token", "mint"], /missing required argument/],
    ];
    for (const [args, message] of cases) {
      const run = await consortia(args, { key: "bankA" });
      expect(run.code, args.join(" ")).to.equal(2);
      expect(run.stderr, args.join(" ")).to.match(message);
      expect(run.stderr).not.to.match(/sent 0x/);
    }
  });

  it("a revert exits 1 with the decoded custom error", async () => {
    const outsider = await consortia(["token", "mint", "Local Bank B", "1"], {
      key: "deployer",
    });
    expect(outsider.code, outsider.stderr).to.equal(1);
    expect(outsider.stderr).to.contain(
      `error: DepositToken reverted with UnknownAccount: account ${new Wallet(KEYS.deployer).address} belongs to no member`,
    );
    const broke = await consortia(["token", "transfer", "Local Bank B", "5"], {
      key: "bankA",
    });
    expect(broke.code, broke.stderr).to.equal(1);
    expect(broke.stderr).to.contain(
      `error: DepositToken reverted with ERC20InsufficientBalance: balance of ${new Wallet(KEYS.bankA).address} is 0, 500 needed (minor units)`,
    );
  });

  it("configuration errors exit 3: no key, wrong network, missing deployments, bad keystore password", async () => {
    // Exit 3 and exit 1 through the binary: the statuses a shell sees (src/cli/main.ts hands `run`'s code to process.exit).
    const binary = { spawn: true };
    const noKey = await consortia(["token", "mint", "Local Bank B", "1"], binary);
    expect(noKey.code).to.equal(3);
    expect(noKey.stderr).to.match(/no key: set CONSORTIA_PRIVATE_KEY/);

    const other = join(workdir, "31337.json");
    const deployment = JSON.parse(await readFile(join(deployments, "1337.json"), "utf8")) as object;
    await writeFile(other, JSON.stringify({ ...deployment, chainId: 31337 }));
    const wrong = await consortia(["--deployments", other, "member", "list"]);
    expect(wrong.code).to.equal(3);
    expect(wrong.stderr).to.match(/wrong network: the node is chain 1337 but .*31337\.json is for chain 31337/);

    const missing = await consortia(["--deployments", join(workdir, "empty"), "member", "list"]);
    expect(missing.code).to.equal(3);
    expect(missing.stderr).to.match(/no deployment for chain 1337/);

    const noNode = await consortia(["--rpc", "http://127.0.0.1:9", "member", "list"], binary);
    expect(noNode.code).to.equal(1);
    expect(noNode.stderr).to.match(/cannot reach the node at http:\/\/127\.0\.0\.1:9/);

    // A list of nodes: the first that answers is used; every node that does not is named.
    const listed = await consortia(["--rpc", `http://127.0.0.1:9,${node.url}`, "member", "list"]);
    expect(listed.code, listed.stderr).to.equal(0);
    const noneAnswers = await consortia(["--rpc", "http://127.0.0.1:9,http://127.0.0.1:7", "member", "list"]);
    expect(noneAnswers.code).to.equal(1);
    expect(noneAnswers.stderr).to.match(/127\.0\.0\.1:9: .*; cannot reach the node at http:\/\/127\.0\.0\.1:7/);
    const malformed = await consortia(["--rpc", `${node.url},ftp://x`, "member", "list"]);
    expect(malformed.code).to.equal(3);
    expect(malformed.stderr).to.match(/malformed RPC URL "ftp:\/\/x"/);
  });

  it("governance: propose, double approval rejected (exit 1), approve, execute, list", async () => {
    const proposed = await json<{ proposalId: string; call: string }>(
      ["member", "propose-suspend", "Local Regulator", "--description", "test"],
      {
        key: "bankA",
      },
    );
    expect(proposed.call).to.equal("suspendMember");
    const id = proposed.proposalId;

    const again = await consortia(["member", "approve", id], { key: "bankA" });
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(
      new RegExp(`ConsortiumRegistry reverted with AlreadyApproved: member 1 already approved proposal ${id}`),
    );

    const open = await consortia(["member", "proposals"]);
    expect(open.stdout).to.match(new RegExp(`${id}\\s+Pending\\s+1\\s+1\\s+\\S+\\s+suspendMember\\(3\\)`));
    expect(open.stdout).to.match(/threshold: 2 approvals/);

    const approved = await json<{ approvals: number }>(["member", "approve", id], { key: "bankB" });
    expect(approved.approvals).to.equal(2);
    const executed = await consortia(["member", "execute", id], {
      key: "bankB",
    });
    expect(executed.code, executed.stderr).to.equal(0);
    expect(executed.stdout).to.match(new RegExp(`proposal ${id} executed: now Executed`));
    const regulator = await json<{ status: string }>(["member", "show", "3"]);
    expect(regulator.status).to.equal("Suspended");
    expect(await json<unknown[]>(["member", "proposals"])).to.deep.equal([]);
    expect(await json<unknown[]>(["member", "proposals", "--all"])).to.have.length(1);
  });

  it("permissioning writes Besu and GoQuorum allowlists that follow the votes", async () => {
    const out = join(workdir, "permissioning");
    const result = await json<{ accounts: string[]; files: string[] }>(["permissioning", "--out", out]);
    // The regulator was suspended by the previous test: its account may no longer transact.
    expect(result.accounts).to.deep.equal([new Wallet(KEYS.bankA).address, BANK_B]);
    expect(await readFile(join(out, "permissions_config.toml"), "utf8")).to.contain(`"${BANK_B}"`);
    expect(JSON.parse(await readFile(join(out, "permissioned-nodes.json"), "utf8"))).to.deep.equal([]);
  });

  it("keystore create encrypts a key from stdin; commands sign with --keystore", async () => {
    const file = join(workdir, "bank-a.json");
    const env = { CONSORTIA_KEYSTORE_PASSWORD: "correct horse battery" };
    const created = await json<{ address: string }>(["keystore", "create", "--out", file], {
      env,
      stdin: `${KEYS.bankA}\n`,
      spawn: true, // standard input of a real process (a pipe)
    });
    expect(created.address).to.equal(new Wallet(KEYS.bankA).address);
    expect(await readFile(file, "utf8")).not.to.contain(KEYS.bankA.slice(2));

    const who = await json<{ member: string }>(["--keystore", file, "whoami"], {
      env,
    });
    expect(who.member).to.equal("Local Bank A");

    const badPassword = await consortia(["--keystore", file, "whoami"], {
      env: { CONSORTIA_KEYSTORE_PASSWORD: "wrong password" },
    });
    expect(badPassword.code).to.equal(3);
    expect(badPassword.stderr).to.match(/cannot unlock keystore/);

    const overwrite = await consortia(["keystore", "create", "--out", file], {
      env,
      stdin: KEYS.bankA,
    });
    expect(overwrite.code).to.equal(3);
  });

  /** Starts `consortia serve` on a free port and waits until its API lists the members. */
  async function serve(dataDir: string): Promise<{ child: ChildProcess; port: number; output: () => string }> {
    const port = await freePort();
    // API_AUTH=off: these tests are about the processes' life, not who reads what (test/api/auth.test.ts).
    const env: NodeJS.ProcessEnv = { ...process.env, CONSORTIA_RPC_URL: node.url, LOG_LEVEL: "warn", API_AUTH: "off" };
    delete env.DATABASE_URL; // PGlite in the work directory, whatever CI sets
    const child = spawn(
      process.execPath,
      ["bin/consortia.js", "--deployments", deployments, "serve", "--api-port", String(port), "--data-dir", dataDir],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    let members: { items: { name: string }[] } | undefined;
    while (members === undefined && Date.now() < deadline) {
      try {
        const ready = await fetch(`http://127.0.0.1:${port}/ready`);
        if (ready.ok) members = (await (await fetch(`http://127.0.0.1:${port}/members`)).json()) as typeof members;
      } catch {
        // not listening yet
      }
      if (members === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(
      members?.items.map((member) => member.name),
      output,
    ).to.include("Local Bank A");
    return { child, port, output: () => output };
  }

  it("serve runs the indexer and the API against the CLI's node and deployment; SIGTERM stops both", async () => {
    const { child, port, output } = await serve(join(workdir, "pglite"));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited, output()).to.equal(0);
    expect(output()).to.match(/Stopped: API \(pid [0-9]+\)/);
    expect(await portFreed(port, 5_000)).to.equal(true);
  });

  it("serve's API stops by itself when the CLI is SIGKILLed (no orphan keeps the port)", async () => {
    const { child, port } = await serve(join(workdir, "pglite-orphan"));
    child.kill("SIGKILL");
    expect(await portFreed(port, 10_000)).to.equal(true);
  });

  it("index rebuild deletes the index, re-indexes from the deployment block and keeps following the chain", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, CONSORTIA_RPC_URL: node.url, LOG_LEVEL: "debug", PROGRESS: "log" };
    delete env.DATABASE_URL; // PGlite in the work directory, whatever CI sets
    const dataDir = join(workdir, "pglite-rebuild");
    /** Runs `consortia index [args]` until it is caught up; the batches it committed and the block it reached. */
    const run = async (args: string[]) => {
      const child = spawn(
        process.execPath,
        ["bin/consortia.js", "--deployments", deployments, "index", ...args, "--data-dir", dataDir],
        // Its own process group: SIGTERM reaches the CLI and the indexer it runs, as Ctrl-C would.
        { env, stdio: ["ignore", "ignore", "pipe"], detached: true },
      );
      let stderr = "";
      const caughtUp = new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('"caught up"')) resolve();
        });
        child.once("exit", (code) => reject(new Error(`indexer exited (${code}) before catching up:\n${stderr}`)));
      });
      // stderr closes when the last process holding it (the indexer, after closing its store) has exited.
      const closed = new Promise<void>((resolve) => child.stderr.once("close", resolve));
      await caughtUp;
      process.kill(-child.pid!, "SIGTERM");
      await closed;
      const block = /"block":(\d+)[^\n]*"caught up"/.exec(stderr)?.[1];
      return { stderr, batches: stderr.split('"batch committed"').length - 1, block };
    };
    const first = await run([]);
    expect(first.batches).to.be.greaterThan(0);
    const restart = await run([]);
    expect(restart.batches).to.equal(0);
    const rebuilt = await run(["rebuild"]);
    expect(rebuilt.stderr).to.include("index rebuilt: re-indexing from the deployment block");
    expect(rebuilt.batches).to.be.greaterThan(0);
    expect(rebuilt.block).to.equal(first.block).and.to.not.equal(undefined);

    // `index verify`: the projections against the contracts' views; the exit code is the verifier's (0/1/2).
    const verifyEnv = { DATABASE_URL: "" };
    // Through the binary: the verifier's exit status as a shell sees it, and its output (the indexer child inherits the
    // CLI's standard streams, which only a real process has).
    const verified = await consortia(["index", "verify", "--data-dir", dataDir], { env: verifyEnv, spawn: true });
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/\nno drift\n$/);
    const usage = await consortia(["index", "verify", "--block", "nope", "--data-dir", dataDir], {
      env: verifyEnv,
      spawn: true,
    });
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/--block: expected a block number/);
  });
});
