/**
 * `npm run bench:web`: the web console's budgets (issue 15). Builds the console with Vite into a temporary directory,
 * then measures:
 *
 * - the main bundle: the entry chunk `index.html` loads, gzip -9 (budget 300 KB); the chunks loaded later (ethers and
 *   the SDK's clients, on sign-in or an on-chain check) are reported apart;
 * - first page interactive on localhost: Chromium (Debian's `chromium`, playwright-core) opens the home page from the
 *   console's own server (src/web/server.ts) in a fresh browser context each run (empty cache) and the clock stops
 *   when the app has rendered its first heading and its language switch is enabled (budget 1 s). The query API is
 *   not started: the home page does not wait for it.
 * - the lineage tree of 1,000 certificates (a root split to 9 tier-1 holders, 10 tier-2 under each, 10 tier-3 under
 *   those), drawn by the receivable page: the browser answers the page's API reads with that lineage (playwright's
 *   request routing) and the page measures from the answer to the first frame painted after the tree rendered
 *   (`performance.measure("lineage:drawn")`, shown on the tree as `data-drawn-ms`; budget 500 ms). The tree is fully
 *   expanded; it draws only the rows in its viewport.
 *
 * Writes bench/web.json (BENCH_OUT=<dir>: there instead) and prints the Markdown table of BENCHMARKS.md. Runs:
 * RUNS (default 10; smoke 2). The load average is recorded: the numbers only mean something on an idle machine.
 */
import { readFile, readdir, mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { build } from "vite";
import { freePort } from "../../src/local/node.js";
import { startWebServer, VITE_CONFIG } from "../../src/web/server.js";
import { BENCH_SIZE, sized, writeJsonReport } from "./options.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const MAIN_BUDGET_BYTES = 300 * 1024;
const INTERACTIVE_BUDGET_MS = 1000;
const TREE_BUDGET_MS = 500;
const TREE_SIZE = 1000;

/** A receivable's flat lineage of exactly 1,000 certificates (1 + 9 + 90 + 900), as `/receivables/:id/lineage`. */
function syntheticLineage(): Record<string, unknown> {
  const certificates: Record<string, unknown>[] = [];
  const source = { block: 1, tx: `0x${"00".repeat(32)}`, logIndex: 0, time: 1_700_000_000 };
  const add = (parentId: string | null, tier: number, value: number): string => {
    const tokenId = String(certificates.length + 1);
    certificates.push({
      tokenId,
      receivableId: "1",
      parentId,
      rootId: "1",
      tier,
      holder: `0x${tokenId.padStart(40, "0")}`,
      holderMember: (Number(tokenId) % 12) + 1,
      value: String(value),
      locked: Number(tokenId) % 7 === 0 ? "100" : "0",
      redeemedValue: null,
      status: "Live",
      created: source,
      source,
    });
    return tokenId;
  };
  const root = add(null, 0, 100_000_000);
  for (let a = 0; a < 9; a++) {
    const one = add(root, 1, 1_000_000);
    for (let b = 0; b < 10; b++) {
      const two = add(one, 2, 100_000);
      for (let c = 0; c < 10; c++) add(two, 3, 10_000);
    }
  }
  if (certificates.length !== TREE_SIZE) throw new Error(`synthetic lineage has ${certificates.length} certificates`);
  return { receivableId: "1", status: "Active", faceValue: "100000000", rootTokenId: "1", count: TREE_SIZE, certificates };
}
const runs = sized("RUNS", 10, 2);

const gzipSize = (bytes: Buffer): number => gzipSync(bytes, { level: 9 }).length;

const out = await mkdtemp(join(tmpdir(), "consortia-bench-web-"));
try {
  await build({ configFile: VITE_CONFIG, logLevel: "warn", build: { outDir: out, emptyOutDir: true } });
  const html = await readFile(join(out, "index.html"), "utf8");
  const entry = /<script type="module" crossorigin src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (entry === undefined) throw new Error("index.html names no entry chunk");
  const assets = await readdir(join(out, "assets"));
  const sizes = await Promise.all(
    assets.map(async (name) => {
      const bytes = await readFile(join(out, "assets", name));
      return { name: `assets/${name}`, bytes: bytes.length, gzipBytes: gzipSize(bytes) };
    }),
  );
  const main = sizes.find((asset) => asset.name === entry)!;
  const lazy = sizes.filter((asset) => asset.name !== entry && asset.name.endsWith(".js"));
  const css = sizes.filter((asset) => asset.name.endsWith(".css"));

  const port = await freePort();
  const web = await startWebServer({
    port,
    root: out,
    apiUrl: "http://127.0.0.1:9", // not started: the home page does not wait for the API
    rpcUrl: "http://127.0.0.1:9",
    deployment: { chainId: 1337, deploymentBlock: 0, contracts: {} },
    token: { decimals: 2, symbol: "dCNY", currency: "CNY" },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const samples: number[] = [];
  const treeSamples: number[] = [];
  const lineage = JSON.stringify(syntheticLineage());
  const receivable = JSON.stringify({
    id: "1",
    creditor: 2,
    obligor: 3,
    status: "Active",
    faceValue: "100000000",
    outstanding: "100000000",
    maturity: 1_800_000_000,
    rootTokenId: "1",
    offers: [],
  });
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${web.url}/`, { waitUntil: "commit" });
      await page.getByRole("heading", { level: 2 }).waitFor();
      await page.getByLabel("Language").isEnabled();
      samples.push(performance.now() - started);
      await context.close();
    }
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.route(`${web.url}/api/**`, (route) => {
        const path = new URL(route.request().url()).pathname;
        const body =
          path === "/api/receivables/1/lineage"
            ? lineage
            : path === "/api/receivables/1"
              ? receivable
              : path === "/api/status"
                ? JSON.stringify({ indexedBlock: 1, indexedTime: 1_700_000_000 })
                : JSON.stringify({ items: [], nextCursor: null });
        return route.fulfill({ status: 200, contentType: "application/json", body });
      });
      await page.goto(`${web.url}/scf/receivables/1`);
      const tree = page.locator(".tree[data-drawn-ms]");
      await tree.waitFor();
      const rows = Number(await tree.getAttribute("data-rows"));
      if (rows !== TREE_SIZE) throw new Error(`the tree shows ${rows} rows, not ${TREE_SIZE}`);
      treeSamples.push(Number(await tree.getAttribute("data-drawn-ms")));
      await context.close();
    }
  } finally {
    await browser.close();
    await web.stop();
  }
  samples.sort((a, b) => a - b);
  treeSamples.sort((a, b) => a - b);
  const at = (q: number, list = samples) => list[Math.min(list.length - 1, Math.ceil(q * list.length) - 1)];
  const round = (ms: number) => Math.round(ms * 10) / 10;
  const report = {
    size: BENCH_SIZE,
    runs,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
    bundle: {
      main: { ...main, budgetGzipBytes: MAIN_BUDGET_BYTES, withinBudget: main.gzipBytes <= MAIN_BUDGET_BYTES },
      lazy,
      css,
    },
    firstPageInteractiveMs: {
      p50: round(at(0.5)),
      max: round(samples[samples.length - 1]),
      budget: INTERACTIVE_BUDGET_MS,
      withinBudget: at(0.5) <= INTERACTIVE_BUDGET_MS,
    },
    lineageTreeDrawnMs: {
      certificates: TREE_SIZE,
      p50: round(at(0.5, treeSamples)),
      max: round(treeSamples[treeSamples.length - 1]),
      budget: TREE_BUDGET_MS,
      withinBudget: at(0.5, treeSamples) <= TREE_BUDGET_MS,
    },
  };
  const path = await writeJsonReport("web.json", report);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`wrote ${path}\n`);
  console.log("| measure | value | budget |\n| --- | --- | --- |");
  console.log(`| main bundle (${main.name}), gzip | ${kb(main.gzipBytes)} (${kb(main.bytes)} raw) | 300 KB |`);
  for (const chunk of lazy) console.log(`| loaded later: ${chunk.name}, gzip | ${kb(chunk.gzipBytes)} | — |`);
  console.log(
    `| first page interactive, localhost (p50 / max of ${runs}) | ${report.firstPageInteractiveMs.p50} ms / ` +
      `${report.firstPageInteractiveMs.max} ms | 1,000 ms |`,
  );
  console.log(
    `| lineage tree of ${TREE_SIZE.toLocaleString("en")} certificates drawn (p50 / max of ${runs}) | ` +
      `${report.lineageTreeDrawnMs.p50} ms / ${report.lineageTreeDrawnMs.max} ms | 500 ms |`,
  );
} finally {
  await rm(out, { recursive: true, force: true });
}
