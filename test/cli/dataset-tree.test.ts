import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileTree, hashFile, verifyFileProof } from "@consortia/sdk";
import { loadConfig } from "../../src/gateway/config.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI as a child process; `dataset tree` needs no node and no key. */
function consortia(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/consortia.js", ...args],
      { env: { ...process.env, FORCE_COLOR: "0" } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr }),
    );
  });
}

interface TreeOutput {
  root: string;
  out?: string;
  files: { path: string; fileHash: string; proof: string[]; datasetId?: string; version?: number }[];
}

describe("cli: consortia dataset tree", function () {
  this.timeout(120_000);
  let dir: string;
  let files: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "consortia-cli-tree-"));
    await mkdir(join(dir, "data"));
    files = ["2025-q1.csv", "2025-q2.csv", "2025-q3.csv"].map((name) => join(dir, "data", name));
    await Promise.all(files.map((file, i) => writeFile(file, `district,pension\nLouxing,${1000 + i}\n`)));
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("prints the root of the files' tree and writes a gateway manifest whose proofs verify", async () => {
    const manifestPath = join(dir, "gateway", "manifest.json");
    const run = await consortia([
      "--json",
      "dataset",
      "tree",
      ...files,
      "--out",
      manifestPath,
      "--dataset",
      "7",
      "--version",
      "2",
      "--content-type",
      "text/csv",
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const printed = JSON.parse(run.stdout) as TreeOutput;
    const hashes = await Promise.all(files.map((file) => hashFile(file)));
    expect(printed.root).to.equal(fileTree(hashes).root);
    expect(printed.files.map((file) => file.fileHash)).to.deep.equal(hashes);

    const written = JSON.parse(await readFile(manifestPath, "utf8")) as TreeOutput;
    expect(written.root).to.equal(printed.root);
    expect(written.files.map((file) => file.path)).to.deep.equal(
      files.map((file) => join("..", "data", file.split("/").pop()!)),
    );
    for (const file of written.files) {
      expect(verifyFileProof(written.root, file.fileHash, file.proof), file.path).to.equal(true);
      expect(file).to.deep.include({ datasetId: "7", version: 2 });
    }

    // The gateway reads it as its manifest: paths resolve to the files, each entry carries its proof.
    const config = await loadConfig({
      GATEWAY_RPC_URL: "http://127.0.0.1:8545",
      GATEWAY_OPERATOR_KEY: `0x${"11".repeat(32)}`,
      GATEWAY_DATA_SHARING: `0x${"22".repeat(20)}`,
      GATEWAY_MANIFEST: manifestPath,
    });
    expect(config.files.map((file) => file.path)).to.deep.equal(files);
    expect(config.files.map((file) => [file.datasetId, file.version, file.contentType])).to.deep.equal(
      files.map(() => [7n, 2, "text/csv"]),
    );
    expect(config.files.map((file) => file.proof)).to.deep.equal(written.files.map((file) => file.proof));
  });

  it("in text mode prints the root and how to register it", async () => {
    const run = await consortia(["dataset", "tree", ...files]);
    expect(run.code, run.stderr).to.equal(0);
    const root = fileTree(await Promise.all(files.map((file) => hashFile(file)))).root;
    expect(run.stdout).to.contain(`root ${root} (3 files; register it with --content ${root} --merkle)`);
  });

  it("refuses the same content twice, a missing file, and --dataset without --version (exit 2)", async () => {
    const copy = join(dir, "copy.csv");
    await writeFile(copy, await readFile(files[0]));
    const duplicate = await consortia(["dataset", "tree", files[0], files[1], copy]);
    expect(duplicate.code).to.equal(2);
    expect(duplicate.stderr).to.contain("files 0 and 2 have the same content");

    const missing = await consortia(["dataset", "tree", join(dir, "nope.csv")]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("nope.csv");

    const half = await consortia(["dataset", "tree", files[0], "--dataset", "7"]);
    expect(half.code).to.equal(2);
    expect(half.stderr).to.contain("--dataset and --version go together");
  });
});
