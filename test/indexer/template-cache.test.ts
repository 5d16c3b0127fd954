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

/** A one-file ustar archive. */
function tar(name: string, content: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write("0000644\0", 100);
  header.write("0000000\0", 108);
  header.write("0000000\0", 116);
  header.write(content.length.toString(8).padStart(11, "0") + "\0", 124);
  header.write("00000000000\0", 136);
  header.write("        ", 148);
  header.write("0", 156);
  header.write("ustar\0" + "00", 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  body.write(content);
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

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
      // A tar PGlite unpacks, of a data directory no PostgreSQL can start (a junk one would hit PGlite's own unhandled
      // rejection when it then tries gunzip): what a planted or miswritten file with a recomputed checksum looks like.
      const junk = tar("base/PG_VERSION", "99\n");
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
