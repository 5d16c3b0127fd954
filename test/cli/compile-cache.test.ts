/**
 * The CLI launcher (`bin/consortia.js`) keeps Node's compile cache in the user's own cache directory, and not at all
 * when that directory belongs to another user or others may write to it (a planted code cache would run as this user).
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "..", "..", "bin", "consortia.js");

/** Runs `consortia --help` with XDG_CACHE_HOME at `cacheHome` and no compile-cache variable inherited. */
async function help(cacheHome: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.NODE_COMPILE_CACHE;
  delete env.NODE_DISABLE_COMPILE_CACHE;
  await run(process.execPath, [BIN, "--help"], { env });
}

describe("cli: Node's compile cache in the user's own directory", function () {
  this.timeout(60_000);
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), "consortia-compile-cache-"))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("writes the compiled code under $XDG_CACHE_HOME/consortia/node-compile-cache, private to the user", async () => {
    await help(home);
    const dir = join(home, "consortia", "node-compile-cache");
    expect(readdirSync(dir)).to.not.be.empty;
  });

  it("does not use a cache directory others may write to", async () => {
    const dir = join(home, "consortia", "node-compile-cache");
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    await help(home);
    expect(readdirSync(dir)).to.be.empty;
  });
});
