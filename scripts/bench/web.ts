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
    token: { decimals: 2, symbol: "dCNY", currency: "dCNY" },
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
  } finally {
    await browser.close();
    await web.stop();
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
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
} finally {
  await rm(out, { recursive: true, force: true });
}
