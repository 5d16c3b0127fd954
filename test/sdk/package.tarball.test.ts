import { expect } from "chai";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { generateEncryptionKeyPair } from "@consortia/sdk";
import { chromium } from "playwright-core";
import { build, type Plugin } from "vite";
import { startNode, type NodeProcess } from "../helpers/node-process.js";

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SDK = resolve("packages/sdk");
const ETHERS_VERSION = (JSON.parse(await readFile("node_modules/ethers/package.json", "utf8")) as { version: string })
  .version;

/** npm on the PATH, run by this Node (first on its PATH), quiet and offline-first: the registry is a fallback. */
function npm(args: string[], cwd: string) {
  return run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd,
    env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * Node's `crypto` imported, on first use, by the envelope module's cipher libraries only where `globalThis.crypto` is
 * missing (Node before 19): a browser never takes that branch, and Vite stubs the module.
 */
const GUARDED_CRYPTO_FALLBACKS = ["/@hpke/common/", "/sm-crypto-v2/"];

/** Records any import of a Node built-in, from our code or from a dependency (but the guarded fallbacks above). */
function forbidNodeBuiltins(seen: string[]): Plugin {
  return {
    name: "forbid-node-builtins",
    enforce: "pre",
    resolveId(source, importer) {
      const guarded =
        source === "crypto" &&
        GUARDED_CRYPTO_FALLBACKS.some((library) => importer?.includes(`/node_modules${library}`));
      if (isBuiltin(source) && !guarded) seen.push(`${source} (from ${importer ?? "?"})`);
      return null;
    },
  };
}

/** Vite builds `page` of `app` (default index.html) into `outDir`, failing on any import of a Node built-in. */
async function bundle(app: string, outDir: string, page?: string): Promise<string> {
  const builtins: string[] = [];
  await build({
    root: app,
    configFile: false,
    logLevel: "silent",
    plugins: [forbidNodeBuiltins(builtins)],
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      ...(page === undefined ? {} : { rollupOptions: { input: join(app, page) } }),
    },
  });
  expect(builtins, "Node built-ins imported by the browser bundle").to.deep.equal([]);
  return outDir;
}

/**
 * Opens `page` of a Vite build in Chromium, served from the build folder only: any other request (an unbundled module)
 * is a 404, as on a web host; on localhost (intercepted, no server): a secure context, which WebCrypto (HPKE) needs.
 * Resolves to the JSON the page writes into #out once every request was served and it reported no error.
 */
async function runInChromium(outDir: string, page: string): Promise<Record<string, string>> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const tab = await browser.newPage();
    const missing: string[] = [];
    await tab.route("http://localhost:4179/**", async (route) => {
      const path = new URL(route.request().url()).pathname;
      try {
        const body = await readFile(join(outDir, path));
        const type = path.endsWith(".js") ? "text/javascript" : "text/html";
        await route.fulfill({ status: 200, body, contentType: type });
      } catch {
        missing.push(path);
        await route.fulfill({ status: 404, body: "not found" });
      }
    });
    await tab.goto(`http://localhost:4179/${page}`);
    await tab.waitForFunction(`document.getElementById("out").textContent !== ""`, undefined, { timeout: 60_000 });
    const result = JSON.parse((await tab.textContent("#out"))!) as Record<string, string>;
    expect(missing, "requests the build does not serve").to.deep.equal([]);
    expect(result.error, result.error).to.equal(undefined);
    return result;
  } finally {
    await browser.close();
  }
}

// What a dApp team does: install the packed tarball (not the workspace) into an empty project next to its own ethers.
describe("sdk packed tarball in an empty project", function () {
  this.timeout(300_000);
  let work: string;
  let app: string;
  let node: NodeProcess | undefined;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "consortia-sdk-pack-"));
    // Build and pack a copy so the work tree keeps nothing (no dist/, no .tgz).
    const pkg = join(work, "pkg");
    await mkdir(pkg);
    await cp(join(SDK, "package.json"), join(pkg, "package.json"));
    await run(process.execPath, [
      "node_modules/typescript/bin/tsc",
      "-p",
      join(SDK, "tsconfig.build.json"),
      "--outDir",
      join(pkg, "dist"),
    ]);
    await npm(["pack", "--pack-destination", work], pkg);
    const tarball = (await readdir(work)).find((file) => file.endsWith(".tgz"));
    expect(tarball, "npm pack wrote a tarball").to.not.equal(undefined);

    app = join(work, "app");
    await mkdir(app);
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "dapp", private: true, type: "module" }));
    await npm(["install", join(work, tarball!), `ethers@${ETHERS_VERSION}`], app);
  });

  after(async () => {
    await node?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("installs only what the SDK needs: no Hardhat, viem, PGlite, fastify, pg, pino, commander or tsx", async () => {
    const installed = await readdir(join(app, "node_modules"));
    for (const name of [
      "hardhat",
      "viem",
      "@electric-sql",
      "fastify",
      "pg",
      "pino",
      "commander",
      "tsx",
      "typescript",
    ]) {
      expect(installed, name).to.not.include(name);
    }
    expect(installed).to.include.members(["@consortia", "ethers", "zod"]);
    const files = await readdir(join(app, "node_modules", "@consortia", "sdk", "dist"));
    expect(files).to.include.members(["index.js", "index.d.ts", "browser.js", "browser.d.ts", "typechain"]);
    // No sources: TypeScript sources, tests and the tsconfig stay home.
    expect(await readdir(join(app, "node_modules", "@consortia", "sdk"))).to.not.include.members([
      "src",
      "tsconfig.build.json",
    ]);
  });

  it("Node: deploys with the packaged bindings and calls a client against a real node process", async () => {
    node = await startNode();
    const script = `
      import { JsonRpcProvider } from "ethers";
      import { ContractError, createConsortia } from "@consortia/sdk";
      import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain";

      const provider = new JsonRpcProvider(process.argv[2]);
      const signer = await provider.getSigner(0);
      const registry = await new ConsortiumRegistry__factory(signer).deploy();
      const receipt = await registry.deploymentTransaction().wait();
      const deployment = {
        chainId: Number((await provider.getNetwork()).chainId),
        deploymentBlock: receipt.blockNumber,
        contracts: { ConsortiumRegistry: { address: await registry.getAddress(), block: receipt.blockNumber } },
      };
      const consortia = await createConsortia({ runner: signer, deployment });
      let rejected;
      try {
        await consortia.registry.approve(1n);
      } catch (error) {
        rejected = error instanceof ContractError ? error.decoded.name + ": " + error.decoded.message : String(error);
      }
      console.log(JSON.stringify({
        chainId: consortia.chainId,
        members: Number(await registry.memberCount()),
        threshold: await consortia.registry.threshold(),
        rejected,
      }));
      provider.destroy();`;
    await writeFile(join(app, "node-check.mjs"), script);
    const { stdout } = await run(process.execPath, ["node-check.mjs", node.url], { cwd: app });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result).to.deep.include({ chainId: 1337, members: 0, threshold: 0 });
    // The send went through the packaged nonce manager and came back decoded by the packaged error tables.
    expect(result.rejected).to.match(/^UnknownAccount: account 0x[0-9a-fA-F]{40} belongs to no member$/);
  });

  it("browser: Vite builds a page importing @consortia/sdk/client and the bindings with no Node built-in", async () => {
    await writeFile(
      join(app, "index.html"),
      `<!doctype html><html><body><pre id="out"></pre><script type="module" src="./main.js"></script></body></html>`,
    );
    await writeFile(
      join(app, "main.js"),
      `import { BrowserProvider } from "ethers";
      import { createConsortia, ContractError, Roles } from "@consortia/sdk/client";
      import { ConsortiumRegistry__factory } from "@consortia/sdk/typechain";
      document.getElementById("out").textContent = JSON.stringify({
        createConsortia: typeof createConsortia,
        ContractError: typeof ContractError,
        roles: Object.keys(Roles).length,
        abi: ConsortiumRegistry__factory.abi.length,
        provider: typeof BrowserProvider,
      });`,
    );
    const outDir = await bundle(app, join(work, "web-dist"));
    const assets = (await readdir(join(outDir, "assets"))).filter((file) => file.endsWith(".js"));
    expect(assets).to.not.deep.equal([]);
    const code = (await Promise.all(assets.map((file) => readFile(join(outDir, "assets", file), "utf8")))).join("\n");
    expect(code).to.contain("createConsortia");
    expect(code).to.not.match(/from\s*["']node:/);
  });

  // The credit and forfaiting clients load the envelope module on first use; a bundler must follow that import (a
  // variable specifier was left out of the bundle and 404'd in the browser), and the module must be free of Node.
  it("browser: a Vite bundle seals and opens a quote opening with the forfaiting client in Chromium", async () => {
    const seller = generateEncryptionKeyPair();
    await writeFile(
      join(app, "envelope.html"),
      `<!doctype html><html><body><pre id="out"></pre><script type="module" src="./envelope-main.js"></script></body></html>`,
    );
    await writeFile(
      join(app, "envelope-main.js"),
      `import { AbiCoder } from "ethers";
      import { createConsortia, quoteCommitment } from "@consortia/sdk/client";
      const out = document.getElementById("out");
      try {
        const bidder = "0x${"b1".repeat(20)}";
        const salt = "0x${"5a".repeat(32)}";
        const commitment = quoteCommitment(7n, bidder, 1000n, salt);
        // A provider stand-in: the chain id, and the market's commitmentOf answering the bidder's commitment.
        const runner = {
          provider: null,
          getNetwork: async () => ({ chainId: 1337n }),
          call: async () => AbiCoder.defaultAbiCoder().encode(["bytes32"], [commitment]),
        };
        const deployment = {
          chainId: 1337,
          contracts: {
            ForfaitingMarket: { address: "0x${"11".repeat(20)}" },
            ConsortiumRegistry: { address: "0x${"22".repeat(20)}" },
          },
        };
        const consortia = await createConsortia({ runner, deployment, checkChainId: false });
        const quote = { offerId: 7n, bidder, price: 1000n, salt, commitment };
        const { envelope, envelopeHash } = await consortia.forfaiting.sealQuoteOpening(quote, [
          { memberId: 3, publicKey: "${seller.publicKey}" },
        ]);
        const opened = await consortia.forfaiting.openQuoteOpening(JSON.parse(JSON.stringify(envelope)), {
          memberId: 3,
          privateKey: "${seller.privateKey}",
        });
        out.textContent = JSON.stringify({ price: opened.price.toString(), suite: envelope.suite, envelopeHash });
      } catch (error) {
        out.textContent = JSON.stringify({ error: String(error && error.stack || error) });
      }`,
    );
    const outDir = await bundle(app, join(work, "envelope-dist"), "envelope.html");

    const result = await runInChromium(outDir, "envelope.html");
    expect(result.price).to.equal("1000");
    expect(result.suite).to.equal("HPKE-DHKEM(X25519,HKDF-SHA256)-HKDF-SHA256-ChaCha20Poly1305");
    expect(result.envelopeHash).to.match(/^0x[0-9a-f]{64}$/);
    // The envelope module is in the bundle (its own chunk, loaded on first use), not left to a run-time import.
    const assets = await readdir(join(outDir, "assets"));
    const code = (await Promise.all(assets.map((file) => readFile(join(outDir, "assets", file), "utf8")))).join("\n");
    expect(code).to.contain("HPKE-DHKEM(X25519,HKDF-SHA256)-HKDF-SHA256-ChaCha20Poly1305");
    expect(code).to.not.match(/from\s*["']node:/);
    expect(assets.length, "the envelope module in a chunk of its own").to.be.greaterThan(1);
  });

  // An app that seals and opens payloads itself (no clients): the envelope entry alone, free of Node, in a browser.
  it("browser and Node: @consortia/sdk/envelope alone seals for a reader and opens, with no Node built-in", async () => {
    const script = (out: string) => `
      import { generateEncryptionKeyPair, openEnvelope, sealEnvelope, envelopeHash } from "@consortia/sdk/envelope";
      import { hashCanonicalJson } from "@consortia/sdk/hashing";
      try {
        const reader = generateEncryptionKeyPair();
        const plaintext = new TextEncoder().encode("bill of lading 42");
        const { envelope } = await sealEnvelope({ plaintext, recipients: [{ memberId: 5, publicKey: reader.publicKey }] });
        const wire = JSON.parse(JSON.stringify(envelope));
        const hash = envelopeHash(wire);
        const opened = await openEnvelope(wire, { memberId: 5, privateKey: reader.privateKey }, { expectedHash: hash });
        ${out}(JSON.stringify({ text: new TextDecoder().decode(opened), suite: envelope.suite, hash, doc: hashCanonicalJson({ a: 1 }) }));
      } catch (error) {
        ${out}(JSON.stringify({ error: String((error && error.stack) || error) }));
      }`;
    const check = (result: Record<string, string>) => {
      expect(result.text).to.equal("bill of lading 42");
      expect(result.suite).to.equal("HPKE-DHKEM(X25519,HKDF-SHA256)-HKDF-SHA256-ChaCha20Poly1305");
      expect(result.hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(result.doc).to.match(/^0x[0-9a-f]{64}$/);
    };
    // Node: the packed package exports the entry.
    await writeFile(join(app, "envelope-check.mjs"), script("console.log"));
    const { stdout } = await run(process.execPath, ["envelope-check.mjs"], { cwd: app });
    const inNode = JSON.parse(stdout) as Record<string, string>;
    expect(inNode.error, inNode.error).to.equal(undefined);
    check(inNode);
    // Browser: Vite bundles the entry with no Node built-in, and it runs in Chromium.
    await writeFile(
      join(app, "seal.html"),
      `<!doctype html><html><body><pre id="out"></pre><script type="module" src="./seal-main.js"></script></body></html>`,
    );
    await writeFile(
      join(app, "seal-main.js"),
      script(`((text) => (document.getElementById("out").textContent = text))`),
    );
    const outDir = await bundle(app, join(work, "seal-dist"), "seal.html");
    check(await runInChromium(outDir, "seal.html"));
    const assets = await readdir(join(outDir, "assets"));
    const code = (await Promise.all(assets.map((file) => readFile(join(outDir, "assets", file), "utf8")))).join("\n");
    expect(code).to.not.match(/from\s*["']node:/);
    // Only the envelope and hashing modules: none of the clients, bindings or ethers came along.
    expect(code).to.not.contain("createConsortia");
    expect(code).to.not.contain("ConsortiumRegistry");
  });
});
