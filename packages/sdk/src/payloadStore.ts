/**
 * Content-addressed storage of off-chain payloads (sealed envelopes, documents).
 *
 * The chain only ever holds the keccak-256 hash; the bytes live here, under that hash.
 * Because the address is the hash, every read is verified: a store cannot serve
 * altered bytes without the caller noticing.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { constantTimeEqual, fromHex, type Hex } from "./bytes.js";
import { hashBytes } from "./hashing.js";

export interface PayloadStore {
  /** Stores the bytes and returns their keccak-256 hash (idempotent). */
  put(bytes: Uint8Array): Promise<Hex>;
  /** The bytes stored under the hash, verified against it. */
  get(hash: Hex): Promise<Uint8Array>;
  /** Whether something is stored under the hash; only get() verifies the content. */
  has(hash: Hex): Promise<boolean>;
}

/** Raised for a hash that is not 0x followed by 64 hex digits (this also stops path traversal). */
export class InvalidPayloadHashError extends Error {
  override name = "InvalidPayloadHashError" as const;
}

export class PayloadNotFoundError extends Error {
  override name = "PayloadNotFoundError" as const;
  constructor(readonly hash: Hex) {
    super(`no payload stored under ${hash}`);
  }
}

/** Raised when stored bytes no longer hash to their address (disk fault or tampering). */
export class PayloadCorruptedError extends Error {
  override name = "PayloadCorruptedError" as const;
  constructor(
    readonly hash: Hex,
    readonly actual: Hex,
  ) {
    super(`payload stored under ${hash} is corrupted: its content hashes to ${actual}`);
  }
}

const HASH_PATTERN = /^0x[0-9a-fA-F]{64}$/;

/** Checks the shape strictly and returns the lower-case spelling used as the address. */
export function normalisePayloadHash(hash: unknown): Hex {
  if (typeof hash !== "string" || !HASH_PATTERN.test(hash)) {
    throw new InvalidPayloadHashError(
      `expected a keccak-256 hash (0x followed by 64 hex digits), got ${JSON.stringify(String(hash).slice(0, 80))}`,
    );
  }
  return hash.toLowerCase() as Hex;
}

function verified(hash: Hex, bytes: Uint8Array): Uint8Array {
  const actual = hashBytes(bytes);
  if (!constantTimeEqual(fromHex(actual, { field: "actual" }), fromHex(hash, { field: "hash" }))) {
    throw new PayloadCorruptedError(hash, actual);
  }
  return bytes;
}

/** Keeps payloads in memory; for tests and short-lived tools. */
export function createMemoryPayloadStore(): PayloadStore {
  const entries = new Map<Hex, Uint8Array>();
  return {
    async put(bytes) {
      const hash = hashBytes(bytes);
      entries.set(hash, Uint8Array.from(bytes));
      return hash;
    },
    async get(hash) {
      const key = normalisePayloadHash(hash);
      const bytes = entries.get(key);
      if (bytes === undefined) throw new PayloadNotFoundError(key);
      return verified(key, Uint8Array.from(bytes));
    },
    async has(hash) {
      return entries.has(normalisePayloadHash(hash));
    },
  };
}

/**
 * Stores each payload as `<dir>/<first byte in hex>/<remaining 62 hex digits>`; the fan-out
 * keeps directories small. Writes go to a temporary file in `dir` that is flushed and then
 * renamed into place, so a crash never leaves a half-written payload under a valid address.
 */
export function createFileSystemPayloadStore(dir: string): PayloadStore {
  const pathOf = (hash: Hex): string => join(dir, hash.slice(2, 4), hash.slice(4));

  async function readVerified(hash: Hex): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(pathOf(hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new PayloadNotFoundError(hash);
      }
      throw error;
    }
    return verified(hash, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  return {
    async put(bytes) {
      const hash = hashBytes(bytes);
      const target = pathOf(hash);
      try {
        await readVerified(hash);
        return hash; // already stored intact
      } catch (error) {
        // A missing or corrupted copy is (re)written below.
        if (!(error instanceof PayloadNotFoundError || error instanceof PayloadCorruptedError)) {
          throw error;
        }
      }
      await mkdir(join(dir, hash.slice(2, 4)), { recursive: true });
      // Same directory tree as the target, so rename() stays on one filesystem and is atomic.
      const temp = join(dir, `.tmp-${randomBytes(8).toString("hex")}`);
      try {
        const handle = await open(temp, "wx");
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return hash;
    },
    async get(hash) {
      return readVerified(normalisePayloadHash(hash));
    },
    async has(hash) {
      try {
        return (await stat(pathOf(normalisePayloadHash(hash)))).isFile();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    },
  };
}
