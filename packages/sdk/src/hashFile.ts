/**
 * Node only: a file's keccak-256, streamed. Kept apart from hashing.ts so that the hashing module (and the envelope
 * module, which imports it) stays free of Node built-ins for browser bundles.
 */
import { createReadStream } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { toHex, type Hex } from "./bytes.js";

/**
 * Streams a file through keccak-256 so multi-gigabyte files hash in constant memory.
 * Gives the same result as `hashBytes(readFileSync(path))`.
 */
export async function hashFile(path: string, options: { chunkSize?: number } = {}): Promise<Hex> {
  const hasher = keccak_256.create();
  const stream = createReadStream(path, {
    highWaterMark: options.chunkSize ?? 1024 * 1024,
  });
  for await (const chunk of stream) {
    hasher.update(chunk as Buffer);
  }
  return toHex(hasher.digest());
}
