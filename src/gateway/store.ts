import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { GatewayConfigError } from "./errors.js";

/**
 * The gateway's store: a folder the owner keeps (and backs up) next to its files.
 *
 *   fingerprint.key   32 random bytes (hex), made at first start: the secret behind every fingerprint. Without it no
 *                     leak can be traced; it never leaves the owner.
 *   deliveries.jsonl  one JSON line per delivery, appended and fsynced before the access is recorded on chain: the
 *                     consumer's signed request (EIP-712 message and signature), the grant, scope, consumer, the
 *                     fingerprint's delivery tag and the result hash. The chain is the truth of whether it was
 *                     served (`AccessRecorded` with that access id); a line whose access never reached the chain is a
 *                     delivery that was refused at the last step.
 *   gateway.lock      the pid of the gateway using the store: a second copy refuses to start while it lives.
 *
 * A gateway killed mid-write leaves at most a torn last line, which readers skip.
 */
export const DeliverySchema = z.object({
  accessId: z.string(),
  datasetId: z.string(),
  version: z.number(),
  grantId: z.string(),
  scope: z.string(),
  consumer: z.number(),
  account: z.string(),
  /** How the bytes were made unique: table row markers, text watermark, or only the envelope. */
  kind: z.enum(["table", "text", "envelope"]),
  tag: z.string(),
  /** Source rows of the version's table (the tracer checks row tags up to this index). */
  sourceRows: z.number(),
  resultHash: z.string(),
  /** The consumer's request as signed (EIP-712 `DataRequest`, bigints as decimal strings) and its signature. */
  request: z.object({
    method: z.string(),
    path: z.string(),
    datasetId: z.string(),
    version: z.number(),
    grantId: z.string(),
    purpose: z.string(),
    timestamp: z.string(),
    nonce: z.string(),
  }),
  signature: z.string(),
  /** The EIP-712 domain's chain and contract (name and version are fixed: request.ts). */
  domain: z.object({ chainId: z.string(), verifyingContract: z.string() }),
  at: z.string(),
});

export type Delivery = z.infer<typeof DeliverySchema>;

export const STORE_FILES = {
  key: "fingerprint.key",
  deliveries: "deliveries.jsonl",
  lock: "gateway.lock",
} as const;

/** An open store, held by one gateway. */
export interface GatewayStore {
  dir: string;
  secret: Uint8Array;
  append(delivery: Delivery): Promise<void>;
  /** The deliveries kept under an access id (normally one; none if unknown), from an index kept in memory. */
  deliveriesOf(accessId: string): Delivery[];
  close(): Promise<void>;
}

/** Opens (creating) the store for a gateway: takes the lock, reads or makes the secret. */
export async function openStore(dir: string): Promise<GatewayStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await takeLock(dir);
  try {
    const secret = await readOrMakeSecret(dir);
    // Index by access id of every delivery kept so far (read once here, then kept up to date by `append`).
    const byAccess = new Map<string, Delivery[]>();
    const index = (delivery: Delivery) => {
      const key = delivery.accessId.toLowerCase();
      byAccess.set(key, [...(byAccess.get(key) ?? []), delivery]);
    };
    for (const delivery of await readDeliveries(dir)) index(delivery);
    const handle = await open(join(dir, STORE_FILES.deliveries), "a", 0o600);
    let queue: Promise<void> = Promise.resolve();
    return {
      dir,
      secret,
      // Appends are serialised so that concurrent requests never interleave their lines.
      append: (delivery) => {
        const next = queue.then(() => appendLine(handle, `${JSON.stringify(delivery)}\n`)).then(() => index(delivery));
        queue = next.catch(() => undefined);
        return next;
      },
      deliveriesOf: (accessId) => byAccess.get(accessId.toLowerCase()) ?? [],
      close: async () => {
        await queue;
        await handle.close();
        await rm(join(dir, STORE_FILES.lock), { force: true });
      },
    };
  } catch (error) {
    await rm(join(dir, STORE_FILES.lock), { force: true });
    throw error;
  }
}

async function appendLine(handle: FileHandle, line: string): Promise<void> {
  await handle.appendFile(line);
  await handle.datasync();
}

async function takeLock(dir: string): Promise<void> {
  const path = join(dir, STORE_FILES.lock);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx", mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new GatewayConfigError(
        `another gateway (pid ${holder}) uses the store ${dir} (GATEWAY_STORE); stop it or give this one another store`,
      );
    }
    // A lock left by a gateway that died: take it over.
    await rm(path, { force: true });
  }
  throw new GatewayConfigError(`cannot take the lock of the store ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOrMakeSecret(dir: string): Promise<Uint8Array> {
  const path = join(dir, STORE_FILES.key);
  const existing = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing !== undefined) return parseSecret(existing, path);
  // Written whole then renamed: a crash leaves either no key or the complete key, never half of one.
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(`${randomBytes(32).toString("hex")}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  return parseSecret(await readFile(path, "utf8"), path);
}

function parseSecret(text: string, path: string): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    // Never replaced silently: every fingerprint made so far depends on it.
    throw new GatewayConfigError(`${path} is not 32 bytes of hex: restore it from the store's backup`);
  }
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** Reads a store without opening it for writing (the tracer, the owner's tools): its secret and its deliveries. */
export async function readStore(dir: string): Promise<{ secret: Uint8Array; deliveries: Delivery[] }> {
  const keyPath = join(dir, STORE_FILES.key);
  const keyText = await readFile(keyPath, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new GatewayConfigError(`cannot read ${keyPath}: ${error.code ?? error.message} (is ${dir} a gateway store?)`);
  });
  return { secret: parseSecret(keyText, keyPath), deliveries: await readDeliveries(dir) };
}

/** Every complete delivery line of a store (a torn last line, from a gateway killed mid-write, is skipped). */
export async function readDeliveries(dir: string): Promise<Delivery[]> {
  const text = await readFile(join(dir, STORE_FILES.deliveries), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  // The part after the last newline is empty, or a line torn by a crash mid-write.
  const complete = text.split("\n").slice(0, -1);
  return complete.flatMap((line, index) => {
    const parsed = DeliverySchema.safeParse(safeJson(line));
    if (!parsed.success) {
      throw new GatewayConfigError(`${join(dir, STORE_FILES.deliveries)} line ${index + 1} is not a delivery record`);
    }
    return [parsed.data];
  });
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
