/**
 * `npm run upgrades:snapshot -- <release>` (`hardhat build && tsx scripts/upgrades/snapshot.ts <release>`): the
 * script's step, after the build the test run did, with `--out` so that the committed upgrades/layouts.json stays as
 * it is. It must record the layout of every upgradeable contract under the release's name.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { UPGRADEABLE_SOURCES, type LayoutSnapshot } from "../../src/upgrades/layout.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const COMMITTED = join(ROOT, "upgrades/layouts.json");

const digest = async (path: string): Promise<string> =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

describe("upgrades: npm run upgrades:snapshot (scripts/upgrades/snapshot.ts)", function () {
  this.timeout(180_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "consortia-snapshot-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const snapshot = (args: string[]) =>
    execa(process.execPath, ["--import", "tsx", "scripts/upgrades/snapshot.ts", ...args], {
      cwd: ROOT,
      reject: false,
      all: true,
    });

  it("records every upgradeable contract's layout under the release's name, into --out only", async () => {
    const before = await digest(COMMITTED);
    const out = join(dir, "layouts.json");
    const run = await snapshot(["smoke-release", "--out", out]);
    expect(run.exitCode, String(run.all)).to.equal(0);
    const written = JSON.parse(await readFile(out, "utf8")) as LayoutSnapshot;
    expect(written.release).to.equal("smoke-release");
    expect(Object.keys(written.layouts).sort()).to.deep.equal(Object.keys(UPGRADEABLE_SOURCES).sort());
    for (const [name, layout] of Object.entries(written.layouts)) {
      expect(layout.storage, name).to.be.an("array");
      expect(layout.types, name).to.be.an("object");
    }
    // Every contract of the committed release is still there (a new release only adds).
    const committed = JSON.parse(await readFile(COMMITTED, "utf8")) as LayoutSnapshot;
    expect(Object.keys(written.layouts)).to.include.members(Object.keys(committed.layouts));
    expect(await digest(COMMITTED)).to.equal(before);
  });

  it("refuses a missing release name or a bad --out before reading the build", async () => {
    for (const args of [[], ["r", "--to", "x"]]) {
      const run = await snapshot(args);
      expect(run.exitCode, args.join(" ")).to.not.equal(0);
      expect(String(run.all), args.join(" ")).to.contain(
        "usage: npm run upgrades:snapshot -- <release name> [--out <file>]",
      );
    }
  });
});
