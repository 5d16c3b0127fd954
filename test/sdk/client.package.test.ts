import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const DIST = "packages/sdk/dist";

/** Import specifiers of a compiled ES module: static ones and literal dynamic ones (which a bundler follows too). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [
    ...source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gm),
    ...source.matchAll(/^\s*import\s+"([^"]+)"/gm),
    ...source.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
  ].map((match) => match[1]);
}

describe("sdk package entry (@consortia/sdk)", function () {
  this.timeout(180_000);

  before(async () => {
    // What `npm run build:sdk` does after `hardhat build` (the test run has built the TypeChain bindings).
    await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "packages/sdk/tsconfig.build.json"]);
  });

  it("a plain Node ESM script imports the built entries by package name, without Hardhat", async () => {
    const script = `
      const sdk = await import("@consortia/sdk");
      const web = await import("@consortia/sdk/client");
      console.log(JSON.stringify({
        createConsortia: typeof sdk.createConsortia,
        web: typeof web.createConsortia,
        hashUtf8: sdk.hashUtf8("abc"),
        clients: Object.keys(sdk.CLIENTS),
      }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script]);
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).to.deep.include({
      createConsortia: "function",
      web: "function",
    });
    expect(result.hashUtf8).to.equal("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    expect(result.clients).to.deep.equal([
      "registry",
      "token",
      "ledger",
      "documents",
      "credit",
      "lettersOfCredit",
      "lcApplicant",
      "lcConfirmations",
      "lcTransfers",
      "guarantees",
      "forfaiting",
      "receivables",
      "financing",
      "recourse",
      "arrangements",
      "limits",
      "freeze",
      "dataSharing",
      "approvals",
      "attestations",
      "warehouse",
    ]);
  });

  it("ships type declarations for both entries", () => {
    for (const entry of ["index.d.ts", "browser.d.ts", "client.d.ts"].map((file) => join(DIST, file))) {
      expect(existsSync(entry), entry).to.equal(true);
    }
    // The Node entry re-exports the browser entry, which declares the clients.
    expect(readFileSync(join(DIST, "index.d.ts"), "utf8")).to.contain('export * from "./browser.js"');
    expect(readFileSync(join(DIST, "browser.d.ts"), "utf8")).to.contain("createConsortia");
  });

  /** Every bare specifier the module graph from `entry` (at least `files` modules) imports statically. */
  function externalImports(entry: string, files = 6): string[] {
    const seen = new Set<string>();
    const pending = [resolve(entry)];
    const external: string[] = [];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) pending.push(join(dirname(file), specifier));
        else external.push(specifier);
      }
    }
    expect(seen.size).to.be.at.least(files);
    return external;
  }

  it("@consortia/sdk imports no Hardhat module", () => {
    expect(externalImports(join(DIST, "index.js")).filter((specifier) => specifier.includes("hardhat"))).to.deep.equal(
      [],
    );
  });

  it("@consortia/sdk/client imports no Node built-in either (front-end bundles), with what it loads on first use", () => {
    const external = externalImports(join(DIST, "browser.js"));
    // The credit and forfaiting clients load the envelope module with a literal specifier a bundler can follow.
    expect(external).to.include.members(["@hpke/core", "sm-crypto-v2"]);
    expect(
      external.filter((specifier) => specifier.startsWith("node:") || specifier.includes("hardhat")),
    ).to.deep.equal([]);
    expect(external).to.include("ethers");
  });

  it("@consortia/sdk/envelope and /hashing are exported and import no Node built-in (browser apps sealing directly)", () => {
    const pkg = JSON.parse(readFileSync("packages/sdk/package.json", "utf8")) as {
      exports: Record<string, { types: string; default: string }>;
    };
    for (const [entry, file, modules] of [
      ["./envelope", "envelope", 5],
      ["./hashing", "hashing", 2],
    ] as const) {
      expect(pkg.exports[entry], entry).to.deep.equal({ types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` });
      expect(existsSync(join(DIST, `${file}.d.ts`)), `${file}.d.ts`).to.equal(true);
      const external = externalImports(join(DIST, `${file}.js`), modules);
      expect(
        external.filter((specifier) => specifier.startsWith("node:") || specifier.includes("hardhat")),
        entry,
      ).to.deep.equal([]);
      // Only the cipher and hashing libraries: neither ethers nor the clients come along.
      expect(external, entry).to.not.include("ethers");
    }
  });
});
