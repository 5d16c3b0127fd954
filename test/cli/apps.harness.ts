/**
 * One real node and one deployment of the suite shared by the application CLI tests (test/cli/<app>.test.ts): the
 * first file to ask starts a `hardhat node`, deploys with a founders file of nine members (three banks, two traders, a
 * regulator, two government departments, a second-tier supplier) and funds the banks; a root `after` hook stops it when mocha is done.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";
import { type EncryptionKeyPair, generateEncryptionKeyPair } from "@consortia/sdk";
import { needsProcess, runCliInProcess } from "../helpers/cli-in-process.js";
import { runHardhat } from "../helpers/commands.js";
import { startNode, type NodeProcess } from "../helpers/node-process.js";

/** Hardhat's well-known development keys (public test keys; local chains only). #0 deploys. */
export const KEYS = {
  deployer: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  bankA: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  bankB: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  regulator: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  importer: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  exporter: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  bankC: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  civilAffairs: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  pensions: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  supplier2: "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
} as const;
export type Party = keyof typeof KEYS;
export const address = (party: Party): string => new Wallet(KEYS[party]).address;

const BANK_ROLES = [
  "VOTER",
  "TOKEN_ISSUER",
  "TOKEN_HOLDER",
  "PAYMENT_BANK",
  "LC_BANK",
  "GUARANTOR",
  "FORFAITER",
  "FINANCIER",
];
const TRADER_ROLES = ["TOKEN_HOLDER", "LC_TRADER", "GUARANTEE_PARTY", "RECEIVABLE_HOLDER"];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AppsNetwork {
  node: NodeProcess;
  workdir: string;
  deployments: string;
  /** X25519 key pairs of the members that read credit payloads, by party. */
  encryption: Record<"bankA" | "bankB" | "regulator", EncryptionKeyPair>;
  /**
   * Runs the CLI against the node, signing as `as` (no key when omitted), with `stdin` as standard input: in this
   * process (test/helpers/cli-in-process.ts), or as bin/consortia.js in a child process with `spawn` (and whenever the
   * call needs a real process: NODE_* variables, a WebSocket node).
   */
  run(args: string[], options?: RunOptions): Promise<Run>;
  /** Runs with --json, expects exit 0 and parses stdout. */
  json<T>(args: string[], options?: RunOptions): Promise<T>;
}

export interface RunOptions {
  as?: Party;
  env?: Record<string, string>;
  stdin?: string;
  /** Run bin/consortia.js as a child process (the binary itself: exit status, standard streams of a real process). */
  spawn?: boolean;
}

/** The parties of an LC: the harness's by default (Importer applies, Bank B advises, Exporter is paid). */
export interface LcParties {
  applicant: string;
  advisingBank: string;
  beneficiary: string;
}

/**
 * `lc issue` arguments: `amount`, terms hashed from `terms`, expiry in 90 days and latest shipment in 60, the required
 * `documents` (an invoice by default), and `extra` options (`--partial`, `--deferred`, …) after them.
 */
export function lcIssueArgs(
  amount: string,
  terms: string,
  {
    extra = [],
    documents = "invoice",
    parties = { applicant: "Importer", advisingBank: "Bank B", beneficiary: "Exporter" },
  }: { extra?: string[]; documents?: string; parties?: LcParties } = {},
): string[] {
  return [
    "lc",
    "issue",
    "--applicant",
    parties.applicant,
    "--advising-bank",
    parties.advisingBank,
    "--beneficiary",
    parties.beneficiary,
    "--amount",
    amount,
    "--expiry",
    "+90d",
    "--latest-shipment",
    "+60d",
    "--documents",
    documents,
    "--terms",
    keccak256(toUtf8Bytes(terms)),
    ...extra,
  ];
}

let shared: Promise<AppsNetwork> | undefined;
let started: AppsNetwork | undefined;

async function start(): Promise<AppsNetwork> {
  const workdir = await mkdtemp(join(tmpdir(), "consortia-cli-apps-"));
  const deployments = join(workdir, "deployments");
  const node = await startNode();
  const encryption = {
    bankA: generateEncryptionKeyPair(),
    bankB: generateEncryptionKeyPair(),
    regulator: generateEncryptionKeyPair(),
  };
  const zero = `0x${"00".repeat(32)}`;
  const member = (kind: string, name: string, party: Party, roles: string[], key = zero, index = 0) => ({
    kind,
    name,
    registrationHash: `0x${(index + 1).toString(16).padStart(64, "0")}`,
    encryptionKey: key,
    roles,
    admin: address(party).toLowerCase(),
  });
  const founders = {
    threshold: 2,
    members: [
      member(
        "Bank",
        "Bank A",
        "bankA",
        [...BANK_ROLES, "CREDIT_REPORTER", "CREDIT_QUERIER"],
        encryption.bankA.publicKey,
        0,
      ),
      member(
        "Bank",
        "Bank B",
        "bankB",
        [...BANK_ROLES, "CREDIT_REPORTER", "CREDIT_QUERIER"],
        encryption.bankB.publicKey,
        1,
      ),
      member("Regulator", "Regulator", "regulator", ["VOTER", "AUDITOR"], encryption.regulator.publicKey, 2),
      member("Enterprise", "Importer", "importer", [...TRADER_ROLES, "RECEIVABLE_OBLIGOR"], zero, 3),
      member("Enterprise", "Exporter", "exporter", TRADER_ROLES, zero, 4),
      member("Bank", "Bank C", "bankC", ["TOKEN_HOLDER", "PAYMENT_BANK", "LC_BANK", "FORFAITER"], zero, 5),
      // Data sharing and a second-tier supplier (receivables): ids 7, 8, 9.
      member(
        "Government",
        "Civil Affairs",
        "civilAffairs",
        ["DATA_OWNER", "DATA_CONSUMER", "CERTIFICATE_ISSUER"],
        zero,
        6,
      ),
      // The Pension Bureau also attests invoices (a tax authority) for the attestation commands.
      member("Government", "Pension Bureau", "pensions", ["DATA_CONSUMER", "TAX_AUTHORITY"], zero, 7),
      member(
        "Enterprise",
        "Supplier Two",
        "supplier2",
        ["TOKEN_HOLDER", "RECEIVABLE_HOLDER", "DATA_CONSUMER"],
        zero,
        8,
      ),
    ],
  };
  const foundersPath = join(workdir, "founders.json");
  await writeFile(foundersPath, JSON.stringify(founders));
  await runHardhat(["deploy", "--network", "localhost", "--founders", foundersPath, "--deployments", deployments], {
    CONSORTIA_LOCAL_RPC_URL: node.url,
    CONSORTIA_IGNITION_DIR: join(workdir, "ignition"),
  });

  const run: AppsNetwork["run"] = (args, options = {}) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CONSORTIA_RPC_URL: node.url, FORCE_COLOR: "0" };
    delete env.CONSORTIA_PRIVATE_KEY;
    delete env.CONSORTIA_KEYSTORE;
    if (options.as !== undefined) env.CONSORTIA_PRIVATE_KEY = KEYS[options.as];
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
  };
  const json: AppsNetwork["json"] = async <T>(args: string[], options = {}) => {
    const result = await run(["--json", ...args], options);
    if (result.code !== 0) throw new Error(`consortia ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };

  // Every bank gets deposits (bank A issues them).
  for (const bank of ["Bank A", "Bank B", "Bank C"]) await json(["token", "mint", bank, "100000"], { as: "bankA" });
  started = { node, workdir, deployments, encryption, run, json };
  return started;
}

/** The shared node and deployment (started on first use). */
export function appsNetwork(): Promise<AppsNetwork> {
  return (shared ??= start());
}

after(async () => {
  if (started === undefined) return;
  await started.node.stop();
  await rm(started.workdir, { recursive: true, force: true });
});
