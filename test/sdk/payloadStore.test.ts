import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createFileSystemPayloadStore,
  createMemoryPayloadStore,
  hashBytes,
  type Hex,
  InvalidPayloadHashError,
  PayloadCorruptedError,
  PayloadNotFoundError,
  type PayloadStore,
} from "@consortia/sdk";

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject");
}

function contractTests(makeStore: () => Promise<PayloadStore>) {
  it("put returns the keccak-256 of the bytes and get returns them", async () => {
    const store = await makeStore();
    const bytes = randomBytes(1000);
    const hash = await store.put(bytes);
    expect(hash).to.equal(hashBytes(bytes));
    expect(await store.has(hash)).to.equal(true);
    expect(Buffer.from(await store.get(hash)).equals(bytes)).to.equal(true);
  });

  it("put is idempotent and stores the empty payload too", async () => {
    const store = await makeStore();
    const bytes = new Uint8Array(0);
    expect(await store.put(bytes)).to.equal(await store.put(bytes));
    expect(await store.get(hashBytes(bytes))).to.have.length(0);
  });

  it("accepts upper-case hex for the same address", async () => {
    const store = await makeStore();
    const hash = await store.put(Buffer.from("hello"));
    const upper = `0x${hash.slice(2).toUpperCase()}` as Hex;
    expect(await store.has(upper)).to.equal(true);
    expect(Buffer.from(await store.get(upper)).toString()).to.equal("hello");
  });

  it("a missing hash is reported as not found", async () => {
    const store = await makeStore();
    const hash = hashBytes(Buffer.from("never stored"));
    expect(await store.has(hash)).to.equal(false);
    expect(await rejection(store.get(hash))).to.be.instanceOf(PayloadNotFoundError);
  });

  it("rejects malformed and path-traversal hashes", async () => {
    const store = await makeStore();
    for (const bad of [
      "0x1234",
      "../../etc/passwd",
      `0x../../${"0".repeat(56)}`,
      `0x${"g".repeat(64)}`,
      `${"a".repeat(64)}`,
      `0x${"a".repeat(64)}/`,
    ]) {
      expect(await rejection(store.get(bad as Hex)), bad).to.be.instanceOf(InvalidPayloadHashError);
      expect(await rejection(store.has(bad as Hex)), bad).to.be.instanceOf(InvalidPayloadHashError);
    }
  });
}

describe("sdk/payloadStore", () => {
  describe("memory store", () => {
    contractTests(async () => createMemoryPayloadStore());

    it("returns copies, so a caller cannot alter what is stored", async () => {
      const store = createMemoryPayloadStore();
      const bytes = Buffer.from("original");
      const hash = await store.put(bytes);
      bytes[0] = 0;
      (await store.get(hash))[0] = 0;
      expect(Buffer.from(await store.get(hash)).toString()).to.equal("original");
    });
  });

  describe("file-system store", () => {
    const dirs: string[] = [];
    const makeDir = async () => {
      const dir = await mkdtemp(join(tmpdir(), "consortia-store-"));
      dirs.push(dir);
      return dir;
    };
    after(async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    contractTests(async () => createFileSystemPayloadStore(await makeDir()));

    it("lays files out as <dir>/<first byte>/<rest of the hash> and leaves no temp files", async () => {
      const dir = await makeDir();
      const store = createFileSystemPayloadStore(join(dir, "nested", "store"));
      const hash = await store.put(Buffer.from("laid out"));
      const stored = await readFile(join(dir, "nested", "store", hash.slice(2, 4), hash.slice(4)));
      expect(stored.toString()).to.equal("laid out");
      const top = await readdir(join(dir, "nested", "store"));
      expect(top).to.deep.equal([hash.slice(2, 4)]);
    });

    it("rejects content that was corrupted on disk", async () => {
      const dir = await makeDir();
      const store = createFileSystemPayloadStore(dir);
      const hash = await store.put(Buffer.from("the real document"));
      const path = join(dir, hash.slice(2, 4), hash.slice(4));
      await writeFile(path, "a forged document");
      const error = await rejection(store.get(hash));
      expect(error).to.be.instanceOf(PayloadCorruptedError);
      expect(error.message).to.include(hashBytes(Buffer.from("a forged document")));
    });

    it("put repairs a corrupted copy", async () => {
      const dir = await makeDir();
      const store = createFileSystemPayloadStore(dir);
      const bytes = Buffer.from("repair me");
      const hash = await store.put(bytes);
      await writeFile(join(dir, hash.slice(2, 4), hash.slice(4)), "junk");
      expect(await store.put(bytes)).to.equal(hash);
      expect(Buffer.from(await store.get(hash)).toString()).to.equal("repair me");
    });

    it("concurrent puts of the same payload all succeed", async () => {
      const store = createFileSystemPayloadStore(await makeDir());
      const bytes = randomBytes(256 * 1024);
      const hashes = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes)));
      expect(new Set(hashes).size).to.equal(1);
      expect(Buffer.from(await store.get(hashes[0])).equals(bytes)).to.equal(true);
    });
  });
});
