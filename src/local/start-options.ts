/**
 * `npm start`'s flags, checked before anything starts: ports are numbers in 1..65535, distinct, and free on
 * 127.0.0.1. A usage problem is one line and exit code 2 (a StartUsageError), never a stack trace.
 */
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { freePort, portIsFree } from "./node.js";

const USAGE_EXIT = 2;
/** The web console's port when `--web-port` is not given (a free port instead when it is taken). */
export const DEFAULT_WEB_PORT = 8090;
/** The local chain's node: Hardhat's, or Anvil (a second EVM implementation). */
export const LOCAL_NODES = ["hardhat", "anvil"] as const;
export type LocalNode = (typeof LOCAL_NODES)[number];

export interface StartOptions {
  node: LocalNode;
  port: number;
  apiPort: number;
  /** Port of the web console; when `--web-port` was not given and 8090 is taken, a free port. */
  webPort: number;
  demo: boolean;
  /** Absolute data directory (PGlite store, demo founders, payloads, the pid lock). */
  dataDir: string;
  /** Whether `--data-dir` was given: then the deployments file and the Ignition journal move into it too. */
  dataDirGiven: boolean;
  /** Where deployments/1337.json goes: `deployments`, or `<data-dir>/deployments`. */
  deploymentsDir: string;
  /** Ignition's directory (its journals under `deployments/`): `ignition`, or `<data-dir>/ignition`. */
  ignitionDir: string;
}

/** Refusal of the command line; `message` is the one line to print ("" when commander printed it already). */
export class StartUsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = USAGE_EXIT,
  ) {
    super(message);
    this.name = "StartUsageError";
  }
}

/** A TCP port: canonical decimal digits in 1..65535. */
export function parsePort(value: string): number {
  if (!/^[1-9][0-9]{0,4}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError("expected a port number in 1..65535");
  }
  return Number(value);
}

/** Parses and checks the flags (`argv` without node and script), including that both ports are free right now. */
export async function parseStartOptions(argv: string[]): Promise<StartOptions> {
  const program = new Command()
    .name("npm start --")
    .addOption(new Option("--node <name>", "the local chain's node").choices(LOCAL_NODES).default("hardhat"))
    .option("--port <port>", "JSON-RPC port of the local chain", parsePort, 8545)
    .option("--api-port <port>", "port of the query API", parsePort, 8080)
    .option(
      "--web-port <port>",
      `port of the web console (default ${DEFAULT_WEB_PORT}, or a free one if taken)`,
      parsePort,
    )
    .option("--no-demo", "deploy with config/founders.local.json and run no scenario")
    .option(
      "--data-dir <dir>",
      "where the indexer's PGlite store, demo founders and payloads go (given: also the deployments file and the " +
        "Ignition journal); default data",
    )
    .allowExcessArguments(false)
    .exitOverride()
    // Commander prints its one-line usage errors itself; help goes to stdout as usual.
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) throw new StartUsageError("", error.exitCode === 0 ? 0 : USAGE_EXIT);
    throw error;
  }
  const opts = program.opts<{
    node: LocalNode;
    port: number;
    apiPort: number;
    webPort?: number;
    demo: boolean;
    dataDir?: string;
  }>();
  if (opts.port === opts.apiPort) {
    throw new StartUsageError(`--port and --api-port are both ${opts.port}: give them different ports`);
  }
  if (opts.webPort !== undefined && (opts.webPort === opts.port || opts.webPort === opts.apiPort)) {
    throw new StartUsageError(`--web-port ${opts.webPort} is the port of the chain or the API: give another port`);
  }
  const ports: [string, number][] = [
    ["--port", opts.port],
    ["--api-port", opts.apiPort],
  ];
  if (opts.webPort !== undefined) ports.push(["--web-port", opts.webPort]);
  for (const [flag, port] of ports) {
    if (!(await portIsFree(port))) {
      throw new StartUsageError(`port ${port} (${flag}) is already in use on 127.0.0.1; pass ${flag} <other>`);
    }
  }
  let webPort = opts.webPort ?? DEFAULT_WEB_PORT;
  if (
    opts.webPort === undefined &&
    (webPort === opts.port || webPort === opts.apiPort || !(await portIsFree(webPort)))
  ) {
    webPort = await freePort();
  }
  const dataDirGiven = opts.dataDir !== undefined;
  const dataDir = resolve(opts.dataDir ?? "data");
  return {
    node: opts.node,
    port: opts.port,
    apiPort: opts.apiPort,
    webPort,
    demo: opts.demo,
    dataDir,
    dataDirGiven,
    deploymentsDir: dataDirGiven ? resolve(dataDir, "deployments") : resolve("deployments"),
    ignitionDir: dataDirGiven
      ? resolve(dataDir, "ignition")
      : resolve(process.env.CONSORTIA_IGNITION_DIR ?? "ignition"),
  };
}
