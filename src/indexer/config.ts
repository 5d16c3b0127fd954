import { Command } from "commander";
import { z } from "zod";
import { splitUrls } from "./rpc-urls.js";

const RPC_PROTOCOL = /^(https?|wss?)$/;
const intFrom = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

/** Everything the indexer and API read from their environment, validated once here. */
export const configSchema = z
  .object({
    rpcUrl: z
      .string()
      .refine((list) => splitUrls(list).length > 0, { message: "no URL" })
      .refine((list) => splitUrls(list).every((url) => z.url({ protocol: RPC_PROTOCOL }).safeParse(url).success), {
        message: "each URL must be http(s):// or ws(s)://",
      })
      .refine((list) => new Set(splitUrls(list)).size === splitUrls(list).length, { message: "a URL given twice" })
      .describe("JSON-RPC URL of the node, or several separated by commas (failover, src/indexer/nodes.ts)"),
    wsUrl: z
      .string()
      .refine((v) => v === "off" || z.url({ protocol: /^wss?$/ }).safeParse(v).success, {
        message: "a ws(s):// URL, or off",
      })
      .optional()
      .describe("WebSocket URL new heads are pushed from; default: the first RPC URL as ws(s)://; off: poll only"),
    deployments: z.string().min(1).describe("Path of deployments/<chainId>.json"),
    databaseUrl: z.string().min(1).optional().describe("PostgreSQL URL; PGlite when absent"),
    databaseSchema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .default("public")
      .describe("PostgreSQL schema"),
    dataDir: z.string().min(1).default(".pglite").describe("PGlite data directory"),
    confirmations: intFrom(0, 10_000).default(0).describe("Blocks behind the head to index (0 for QBFT/IBFT)"),
    reorgWindow: intFrom(1, 100_000).default(128).describe("Blocks of hashes kept to find a common ancestor"),
    pollIntervalMs: intFrom(10, 600_000).default(1000),
    maxLogRange: intFrom(1, 1_000_000).default(5000).describe("Most blocks per eth_getLogs"),
    minLogRange: intFrom(1, 1_000_000).default(1).describe("Fewest blocks per eth_getLogs"),
    requestTimeoutMs: intFrom(100, 600_000).default(20_000),
    maxRetries: intFrom(0, 1000).default(12).describe("Retries of one request before the indexer gives up"),
    nodeRetryMs: intFrom(10, 3_600_000)
      .default(30_000)
      .describe("Longest wait before a node that failed is asked again (1 s, doubling per failure, up to this)"),
    writerRetryMs: intFrom(50, 600_000)
      .default(1000)
      .describe("PostgreSQL: how often a standby tries to take the writer lock, and the writer checks it holds it"),
    apiHost: z.string().min(1).default("127.0.0.1"),
    apiPort: intFrom(0, 65_535).default(8080),
    apiToken: z
      .string()
      .min(16)
      .optional()
      .describe("With API_AUTH=off: a shared bearer token the API requires (at least 16 characters)"),
    apiAuth: z
      .enum(["on", "off"])
      .default("on")
      .describe("on: callers sign in with a member account and read what their member may see; off: anyone reads all"),
    apiAuthSecret: z
      .string()
      .min(1)
      .optional()
      .describe("Key the API signs tokens with (32+ bytes, hex or base64); generated per process when absent"),
    apiOrigin: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("The API's public origin, named in sign-in messages (default http://<api-host>:<api-port>)"),
    apiConsortium: z.string().min(1).max(100).default("Consortia").describe("Consortium name in sign-in messages"),
    apiTokenSeconds: intFrom(60, 86_400).default(900).describe("Lifetime of a sign-in token, in seconds"),
    apiTrailMemoEntries: intFrom(0, 100_000_000)
      .default(100_000)
      .describe("Access-log entries whose replayed heads the API keeps between requests, over all datasets"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    progress: z.enum(["auto", "tty", "log"]).default("auto").describe("Backfill progress display"),
  })
  .refine((c) => c.minLogRange <= c.maxLogRange, {
    message: "minLogRange must not exceed maxLogRange",
    path: ["minLogRange"],
  })
  .refine((c) => c.apiAuth === "off" || c.apiToken === undefined, {
    message: "API_TOKEN is a shared token for API_AUTH=off; with sign-in on, callers present their member's token",
    path: ["apiToken"],
  });

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  constructor(issues: string) {
    super(`invalid configuration:\n${issues}`);
  }
}

/** Validates a configuration object (defaults applied). */
export function parseConfig(input: ConfigInput): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n"));
  }
  return result.data;
}

const ENV: Record<keyof ConfigInput, string> = {
  rpcUrl: "RPC_URL",
  wsUrl: "WS_URL",
  deployments: "DEPLOYMENTS",
  databaseUrl: "DATABASE_URL",
  databaseSchema: "DATABASE_SCHEMA",
  dataDir: "DATA_DIR",
  confirmations: "CONFIRMATIONS",
  reorgWindow: "REORG_WINDOW",
  pollIntervalMs: "POLL_INTERVAL_MS",
  maxLogRange: "MAX_LOG_RANGE",
  minLogRange: "MIN_LOG_RANGE",
  requestTimeoutMs: "REQUEST_TIMEOUT_MS",
  maxRetries: "MAX_RETRIES",
  nodeRetryMs: "NODE_RETRY_MS",
  writerRetryMs: "WRITER_RETRY_MS",
  apiHost: "API_HOST",
  apiPort: "API_PORT",
  apiToken: "API_TOKEN",
  apiAuth: "API_AUTH",
  apiAuthSecret: "API_AUTH_SECRET",
  apiOrigin: "API_ORIGIN",
  apiConsortium: "API_CONSORTIUM",
  apiTokenSeconds: "API_TOKEN_SECONDS",
  apiTrailMemoEntries: "API_TRAIL_MEMO_ENTRIES",
  logLevel: "LOG_LEVEL",
  progress: "PROGRESS",
};

/** Reads configuration from environment variables, overridden by command-line flags (`--rpc-url`, ...). */
export function configFromEnvAndArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const program = new Command().allowExcessArguments(false).exitOverride();
  const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  for (const [key, variable] of Object.entries(ENV)) program.option(`--${kebab(key)} <value>`, `(env ${variable})`);
  program.parse(argv as string[], { from: "user" });
  const flags = program.opts<Record<string, string>>();
  const input: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENV)) {
    const value = flags[key] ?? env[variable];
    if (value !== undefined && value !== "") input[key] = value;
  }
  if (input.deployments === undefined) input.deployments = "deployments/1337.json";
  if (input.rpcUrl === undefined) input.rpcUrl = "http://127.0.0.1:8545";
  return parseConfig(input as ConfigInput);
}
