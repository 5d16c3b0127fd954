/**
 * The cached PGlite templates (src/indexer/db.ts): a damaged template is discarded and the new store made with initdb,
 * a template PGlite cannot load likewise, a cache directory others may write is not used, and partial files a crashed
 * writer left are cleaned up.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/indexer/db.js";

describe("indexer: the PGlite template cache", function () {
  this.timeout(120_000);
  let root: string;
  const saved = { xdg: process.env.XDG_CACHE_HOME, off: process.env.PGLITE_TEMPLATE_CACHE };
  const cache = () => join(root, "cache", "consortia");
  const templates = () => readdirSync(cache()).filter((name) => name.endsWith(".tar"));
  const store = (name: string) => join(root, name);

  /** A new store with schema key `k`, given a table `marker` and saved as the migrated template. */
  async function seed(dataDir: string): Promise<void> {
    const db = await openDatabase({ dataDir, schemaKey: "k" });
    await db.exec!("CREATE TABLE marker (id int); INSERT INTO marker VALUES (1)");
    await db.saveSchemaTemplate!("k");
    await db.close();
  }

  async function opensMigrated(dataDir: string): Promise<boolean> {
    const db = await openDatabase({ dataDir, schemaKey: "k" });
    try {
      const [row] = await db.query<{ t: string | null }>("SELECT to_regclass('marker')::text AS t");
      return row.t === "marker";
    } finally {
      await db.close();
    }
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "consortia-template-"));
    process.env.XDG_CACHE_HOME = join(root, "cache");
    delete process.env.PGLITE_TEMPLATE_CACHE;
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    for (const [key, value] of [
      ["XDG_CACHE_HOME", saved.xdg],
      ["PGLITE_TEMPLATE_CACHE", saved.off],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });

  it("a truncated template is discarded and a new store still opens", async () => {
    await seed(store("a"));
    expect(templates()).to.have.length(2);
    for (const name of templates()) {
      const path = join(cache(), name);
      writeFileSync(path, readFileSync(path).subarray(0, 4096));
    }
    expect(await opensMigrated(store("b"))).to.equal(false);
    // Made anew by initdb, and the initdb template cached again, whole.
    const initdb = templates().find((name) => name.includes("-initdb."));
    expect(initdb).to.not.equal(undefined);
    await seed(store("c"));
    expect(await opensMigrated(store("d"))).to.equal(true);
  });

  it("a template with a good checksum that PGlite cannot load is discarded and initdb runs", async () => {
    await seed(store("a"));
    for (const name of templates()) {
      const junk = Buffer.from("not a data directory dump ".repeat(100));
      writeFileSync(join(cache(), name), Buffer.concat([junk, createHash("sha256").update(junk).digest()]));
    }
    expect(await opensMigrated(store("b"))).to.equal(false);
    expect(templates().some((name) => name.includes("-schema-k."))).to.equal(false);
  });

  it("a cache directory others may write is not used", async () => {
    await seed(store("a"));
    expect(await opensMigrated(store("b"))).to.equal(true);
    chmodSync(cache(), 0o777);
    expect(await opensMigrated(store("c"))).to.equal(false);
  });

  it("removes partial files older than an hour when it writes a template", async () => {
    await seed(store("a"));
    const stale = join(cache(), "x.tar.1.partial");
    const fresh = join(cache(), "x.tar.2.partial");
    writeFileSync(stale, "");
    writeFileSync(fresh, "");
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(stale, old, old);
    for (const name of templates()) rmSync(join(cache(), name));
    await seed(store("b"));
    expect(existsSync(stale)).to.equal(false);
    expect(existsSync(fresh)).to.equal(true);
  });
});
