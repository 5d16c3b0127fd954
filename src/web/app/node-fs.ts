/**
 * Stands in for `node:fs` in the browser bundle: the SDK's hashing module imports `createReadStream` for `hashFile`
 * (Node only); the console hashes files with `hashBytes` over the bytes the browser read.
 */
export function createReadStream(): never {
  throw new Error("node:fs is not available in the browser: hash the file's bytes with hashBytes");
}
