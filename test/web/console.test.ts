/**
 * The web console in real Chromium (Debian's `chromium`, driven by playwright-core) against the real demo stack
 * (`npm start`: chain, suite, demo scenario, indexer, API and the console's server). One stack for every check:
 * the core enterprise signs in with the demo wallet and confirms a receivable a supplier registered (checked on chain
 * and in the API), a bank votes on a proposal (idem), anyone verifies a guarantee on the public page, and an
 * e-certificate's file is hashed in the browser. Screenshots of the main pages go to a temporary directory (printed);
 * axe-core finds no serious or critical violation on them.
 */
import { expect } from "chai";
import { execa, type ResultPromise } from "execa";
import { JsonRpcProvider, Wallet, ZeroHash, encodeBytes32String, getBytes, hexlify, randomBytes } from "ethers";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page, type Route } from "playwright-core";
import {
  DocumentKind,
  createConsortia,
  envelopeHash,
  generateEncryptionKeyPair,
  hashBytes,
  openEnvelope,
  parseEnvelope,
  presentationDocumentsHash,
  sealEnvelope,
  signIn,
  type Consortia,
  type Deployment,
} from "@consortia/sdk";
import { build, type Rollup } from "vite";

type RollupOutput = Rollup.RollupOutput;
import { DEMO_CONSORTIUM_KEY, demoConsortium, usccOf } from "../../src/demo/consortium.js";
import { freePort } from "../../src/local/node.js";
import { VITE_CONFIG } from "../../src/web/server.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const DAY = 86_400;

interface Json {
  [key: string]: unknown;
}

describe("web console in Chromium on the demo stack", function () {
  this.timeout(900_000);
  /** When the suite's `before` began: mocha loads every file (this describe body runs) long before this suite runs. */
  let started = 0;
  const members = demoConsortium();
  let work: string;
  let shots: string;
  let stack: ResultPromise<{ buffer: false; reject: false }> | undefined;
  let output = "";
  let exited = false;
  let web: string;
  let api: string;
  let rpc: string;
  let deployment: Deployment;
  let context: BrowserContext | undefined;
  let page: Page;
  const axeFindings: Record<string, string[]> = {};
  /** The receivable the core enterprise confirms in the queue (the supply-chain story goes on with it). */
  let confirmedReceivable = "";
  /** The certificate the bank took in the discount (the forfaiting story sells it). */
  let bankCertificate = "";
  /** The LC and the presentation the presentation story leaves Compliant (the amendment and payment story go on). */
  let storyLc = "";
  let storyPresentation = "";
  /** `documentsHash` of the documents the console presented in it (in the order presented). */
  let storyDocumentsHash = "";
  /** The sealed-quote offer, and the opening another bank sealed to its seller (accepted by opening it). */
  let sealedOffer = "";
  let sealedOpening: { file: string; bidder: string; price: bigint } | undefined;
  /** A date input's value for a unix time (UTC date; the steps keep weeks of margin). */
  const ymd = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
  /** A fresh file under the work directory and its keccak-256. */
  const fileOf = async (name: string, text: string) => {
    const content = Buffer.from(`${text} ${hexlify(randomBytes(8))}`);
    const path = join(work, name);
    await writeFile(path, content);
    return { path, hash: hashBytes(content) };
  };
  /** Polls the API until `check` holds for the answer of `path` (the index follows the chain). */
  const untilApi = async <T = Json>(path: string, check: (body: T) => boolean): Promise<T> => {
    for (let tries = 0; tries < 100; tries++) {
      const body = await getJson<T>(path);
      if (check(body)) return body;
      await sleep(100);
    }
    throw new Error(`${path}: the API did not show the expected state`);
  };
  /** Follows an in-app link (a reload would drop the wallet session, which lives in the page). */
  const navTo = async (name: string) => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();
  };
  /** Waits for a transaction's outcome in `scope` and requires it mined (a failure shows its decoded message). */
  const mined = async (scope: ReturnType<Page["locator"]>) => {
    const outcome = scope.locator('[data-phase="mined"], [data-phase="failed"]').first();
    await outcome.waitFor();
    expect(await outcome.getAttribute("data-phase"), (await outcome.textContent()) ?? "").to.equal("mined");
  };
  /**
   * As `mined`, for a form that leaves the page once its transaction is mined (the refresh after it closes what the
   * form acted on): gone counts as mined, and the caller checks the outcome on chain and in the API.
   */
  const minedOrGone = async (scope: ReturnType<Page["locator"]>) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      // One read in the page: the form and its outcome together (it may unmount between two separate reads).
      const seen = await scope.evaluateAll((nodes) =>
        nodes.map((node) => {
          const outcome = node.querySelector('[data-phase="mined"], [data-phase="failed"]');
          return outcome === null ? null : { phase: outcome.getAttribute("data-phase"), text: outcome.textContent };
        }),
      );
      if (seen.length === 0) return;
      const outcome = seen.find((entry) => entry !== null);
      if (outcome !== undefined && outcome !== null) {
        expect(outcome.phase, outcome.text ?? "").to.equal("mined");
        return;
      }
      expect(Date.now(), "the transaction's outcome, or the form gone").to.be.below(deadline);
      await sleep(100);
    }
  };
  /** Minor units (2 decimals) as typed in a form. */
  const typed = (minor: bigint) => `${minor / 100n}.${(minor % 100n).toString().padStart(2, "0")}`;

  /** The regulator's sign-in token: the test's own reads of the API (sign-in is on). */
  let token = "";
  const getJson = async <T = Json>(path: string): Promise<T> => {
    const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status, `${path}: ${await response.clone().text()}`).to.equal(200);
    return (await response.json()) as T;
  };
  /** Waits until the API has indexed `block`. */
  const indexed = async (block: number) => {
    for (let tries = 0; tries < 200; tries++) {
      if ((await getJson<{ indexedBlock: number }>("/status")).indexedBlock >= block) return;
      await sleep(100);
    }
    throw new Error(`block ${block} not indexed`);
  };
  const sdkAs = async (privateKey: string): Promise<Consortia> =>
    createConsortia({ runner: new Wallet(privateKey, new JsonRpcProvider(rpc)), deployment });

  /** axe-core in the page: the serious and critical violations, one line each. */
  const axe = async (name: string) => {
    await page.addScriptTag({ content: AXE_SOURCE });
    const violations = await page.evaluate(async () => {
      const result = await (
        globalThis as unknown as {
          axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    axeFindings[name] = violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id} (${v.nodes} nodes)`);
  };
  const shoot = async (name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    await axe(name);
  };
  const signInAs = async (key: keyof typeof members) => {
    const signOut = page.getByRole("button", { name: "Sign out" });
    if (await signOut.isVisible()) await signOut.click();
    await page.goto(`${web}/sign-in`);
    await page.getByLabel("Demo member").selectOption(key);
    await page.getByRole("button", { name: "Sign in as this demo member" }).click();
    await page.waitForURL(`${web}/queue`);
    await page.getByText(`Signed in as ${members[key].name}`).waitFor();
  };

  before(async function () {
    started = Date.now();
    work = await mkdtemp(join(tmpdir(), "consortia-web-"));
    shots = join(work, "screenshots");
    await mkdir(shots);
    // The console as its sources are now (npm start builds it only when dist/web is missing).
    await build({ configFile: VITE_CONFIG, logLevel: "warn" });
    const [port, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    rpc = `http://127.0.0.1:${port}`;
    api = `http://127.0.0.1:${apiPort}`;
    web = `http://127.0.0.1:${webPort}`;
    const dataDir = join(work, "data");
    stack = execa(
      "npm",
      [
        "start",
        "--",
        "--port",
        `${port}`,
        "--api-port",
        `${apiPort}`,
        "--web-port",
        `${webPort}`,
        "--data-dir",
        dataDir,
      ],
      { cwd: ROOT, env: { FORCE_COLOR: "0" }, buffer: false, reject: false },
    );
    stack.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void stack.then(() => (exited = true));
    while (!output.includes("Press Ctrl-C")) {
      if (exited) throw new Error(`npm start exited:\n${output}`);
      if (Date.now() - started > 600_000) throw new Error(`npm start not up in 10 min:\n${output}`);
      await sleep(250);
    }
    expect(output).to.contain(`web console ${web}/`);
    console.log(`      demo stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    deployment = JSON.parse(await readFile(join(dataDir, "deployments", "1337.json"), "utf8")) as Deployment;
    const regulator = new Wallet(members.regulator.privateKey);
    token = (await signIn({ api, account: regulator.address, signMessage: (m) => regulator.signMessage(m) })).token;

    const userDataDir = join(work, "chromium-profile");
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: "en-US",
      timezoneId: "Asia/Shanghai",
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
  });

  after(async () => {
    await context?.close();
    if (stack !== undefined && !exited) {
      stack.kill("SIGTERM");
      await stack;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`      screenshots: ${shots} (kept)\n      browser test took ${seconds} s in all`);
    // Keep the screenshots, drop the rest (chain data, index, browser profile).
    await rm(join(work, "data"), { recursive: true, force: true });
    await rm(join(work, "chromium-profile"), { recursive: true, force: true });
  });

  it("serves the console, its config and the API through one origin; nothing loads from elsewhere", async () => {
    const foreign: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(web) && !request.url().startsWith("data:")) foreign.push(request.url());
    });
    await page.goto(web);
    await page.getByRole("heading", { name: "The consortium's work, signed with your own wallet" }).waitFor();
    await page.getByText(/Indexed block \d+/).waitFor();
    await shoot("home");
    // Chinese, then back to English.
    await page.getByLabel("Language").selectOption("zh");
    await page.getByRole("heading", { name: "联盟的业务，用您自己的钱包签名" }).waitFor();
    const lang = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang,
    );
    expect(lang).to.equal("zh-CN");
    await shoot("home-zh");
    await page.getByLabel("语言").selectOption("en");
    const config = (await (await fetch(`${web}/config.json`)).json()) as { demo: { chainId: number } };
    expect(config.demo.chainId).to.equal(1337);
    expect(foreign).to.deep.equal([]);
  });

  it("core enterprise confirms a receivable in the work queue; confirmed on chain and in the API", async () => {
    const { coreA, supplier1 } = members;
    const supplier = await sdkAs(supplier1.privateKey);
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    const doc = () => ({ contentHash: hashBytes(randomBytes(32)) });
    // The core enterprise is signed in before the supplier registers: the queue shows it live (the API's event stream).
    // The live queue's event stream: EventSource sends no header, so the token goes as ?access_token=.
    const stream = page.waitForResponse((r) => r.url().includes("/api/events/stream?access_token="));
    await signInAs("coreA");
    await page.getByText("Nothing waits for you.").waitFor();
    expect((await stream).status()).to.equal(200);
    const { receivableId } = await supplier.receivables.register({
      obligor: coreA.memberId,
      maturity: now + 45 * DAY,
      faceValue: 25_000_050n,
      invoiceKey: hexlify(randomBytes(32)),
      contract: doc(),
      invoice: doc(),
      delivery: doc(),
    });
    const row = page.locator(`tr[data-key="receivable:${receivableId}"]`);
    await row.waitFor();
    // Amount with the token's decimals, member names, the deadline in the user's zone (Asia/Shanghai).
    await row.getByText(`Receivable #${receivableId} from ${supplier1.name}: `).waitFor(); // no Refresh pressed
    expect(await row.textContent()).to.match(/250,000\.50/);
    expect(await row.textContent()).to.match(/GMT\+8/);
    await shoot("queue");
    await row.getByRole("button", { name: /^Confirm/ }).click();
    const done = page.locator(`.done li[data-key="receivable:${receivableId}"] [data-phase="mined"]`);
    await done.waitFor();
    // Once the index has the block, the queue no longer lists it.
    await row.waitFor({ state: "detached" });
    await shoot("queue-after-confirm");

    const onChain = await supplier.receivables.receivable(receivableId);
    expect(onChain.status).to.equal("Active"); // confirmed: the root certificate is minted to the supplier
    const indexedReceivable = await getJson<{ status: string; rootTokenId: string | null }>(
      `/receivables/${receivableId}`,
    );
    expect(indexedReceivable.status).to.equal("Active");
    expect(indexedReceivable.rootTokenId).to.not.equal(null);
    confirmedReceivable = String(receivableId);
  });

  it("the supplier splits its certificate to a sub-supplier on the lineage tree, then offers it to a bank, which accepts the discount in the console", async () => {
    const { supplier1, supplier2, bankA } = members;
    expect(confirmedReceivable).to.not.equal("");
    await signInAs("supplier1");
    await navTo("Supply-chain finance");
    const row = page.locator(`tr[data-receivable="${confirmedReceivable}"]`);
    await row.waitFor();
    await shoot("scf");
    await row.getByRole("link", { name: `Receivable #${confirmedReceivable}` }).click();
    const tree = page.getByRole("tree", { name: `Certificates of receivable #${confirmedReceivable}` });
    await page.locator('.tree[data-rows="1"]').waitFor();
    const { rootTokenId } = await getJson<{ rootTokenId: string }>(`/receivables/${confirmedReceivable}`);
    // Keyboard: focus the tree, select the root with Enter.
    await tree.focus();
    await page.keyboard.press("Home");
    await page.keyboard.press("Enter");
    const form = page.locator(`form[data-certificate="${rootTokenId}"]`);
    await form.waitFor();
    await form.getByLabel("Action").selectOption("split");
    await form.getByLabel("Recipient").selectOption(String(supplier2.memberId));
    await form.getByLabel(/^Amount/).fill("1,000.25");
    await form.getByRole("button", { name: "Split to a member" }).click();
    await mined(form);
    await page.locator('.tree[data-rows="2"]').waitFor();
    const lineage = await getJson<{
      certificates: { tokenId: string; parentId: string | null; holderMember: number; value: string }[];
    }>(`/receivables/${confirmedReceivable}/lineage`);
    const child = lineage.certificates.find((c) => c.parentId === rootTokenId);
    expect(child, "the split certificate").to.not.equal(undefined);
    expect(child!.holderMember).to.equal(supplier2.memberId);
    expect(child!.value).to.equal("100025");
    const onChain = await (await sdkAs(supplier1.privateKey)).receivables.lineage(BigInt(confirmedReceivable));
    expect(JSON.stringify(onChain, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))).to.contain(
      `"${child!.tokenId}"`,
    );

    // Offer 500.00 of the root to bankA for 490.00; the bank takes it (off-chain payment reference).
    await page.locator(`[data-token="${rootTokenId}"]`).click();
    await form.getByLabel("Action").selectOption("discount");
    await form.getByLabel("Bank").selectOption(String(bankA.memberId));
    await form.getByLabel(/^Amount/).fill("500.00");
    await form.getByLabel(/^Price/).fill("490.00");
    // The chain's clock, not the machine's: the demo moves the dev chain's time forward.
    const chainNow = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    await form.getByLabel("Offer open until").fill(new Date((chainNow + 10 * DAY) * 1000).toISOString().slice(0, 10));
    await form.getByRole("button", { name: "Offer for discount" }).click();
    await mined(form);
    const offered = await getJson<{ offers: { kind: string; id: string; status: string }[] }>(
      `/receivables/${confirmedReceivable}`,
    );
    const offer = offered.offers.find((o) => o.kind === "discount" && o.status === "Pending");
    expect(offer, "the discount offer").to.not.equal(undefined);
    // The bank accepts it in the console: it sees the receivable it is offered, and the offer addressed to it.
    await signInAs("bankA");
    await navTo("Supply-chain finance");
    await page.locator(`tr[data-receivable="${confirmedReceivable}"]`).getByRole("link").click();
    const bankForm = page.getByRole("form", { name: "Offers to your bank" });
    await bankForm.waitFor();
    await shoot("bank-offers");
    await bankForm.getByLabel("Offer").selectOption(`discount:${offer!.id}`);
    // A malformed payment reference is refused in the page, before the wallet is asked.
    await bankForm.getByLabel(/^Payment reference/).fill("CNAPS-1234");
    await bankForm.getByRole("button", { name: "Accept the discount" }).click();
    await bankForm.locator('[data-phase="failed"]').waitFor();
    const paymentReference = hexlify(randomBytes(32));
    await bankForm.getByLabel(/^Payment reference/).fill(paymentReference);
    await bankForm.getByRole("button", { name: "Accept the discount" }).click();
    await bankForm.locator('[data-phase="failed"]').waitFor({ state: "detached" });
    await minedOrGone(bankForm);
    const discounted = await getJson<{
      offers: { id: string; kind: string; status: string; paymentReference: string | null }[];
    }>(`/receivables/${confirmedReceivable}`);
    const accepted = discounted.offers.find((o) => o.kind === "discount" && o.id === offer!.id);
    expect(accepted?.status).to.equal("Accepted");
    expect(accepted?.paymentReference).to.equal(paymentReference);
    const onChainOffer = await (await sdkAs(bankA.privateKey)).receivables.discountOffer(BigInt(offer!.id));
    expect(onChainOffer.status).to.equal("Accepted");
    // The tree now shows three certificates, the bank's with its financed value; the offer is no longer open to it.
    await page.locator('.tree[data-rows="3"]').waitFor();
    await bankForm.waitFor({ state: "detached" });
    const financed = await getJson<{ certificates: { tokenId: string; holderMember: number }[] }>(
      `/receivables/${confirmedReceivable}/lineage`,
    );
    bankCertificate = financed.certificates.find((c) => c.holderMember === bankA.memberId)!.tokenId;
    await shoot("lineage");
  });

  it("a bank offers its certificate with sealed quotes; another bank commits a sealed quote in the console (salt kept by the browser, exported and imported back) and reveals it from its queue", async () => {
    const { bankA, bankB } = members;
    expect(bankCertificate, "the certificate the bank discounted").to.not.equal("");
    const provider = new JsonRpcProvider(rpc);
    const now = (await provider.getBlock("latest"))!.timestamp;
    // The bank sells the certificate it discounted (a forfaiter), with sealed quotes: an hour to quote, a day to reveal.
    const seller = await sdkAs(bankA.privateKey);
    const { offerId, receipt } = await seller.forfaiting.announce({
      asset: deployment.contracts.ReceivableCertificate.address,
      claimId: BigInt(bankCertificate),
      quoteDeadline: now + 3600,
      revealPeriod: DAY,
    });
    await indexed(receipt.blockNumber);
    const id = String(offerId);

    // The offer waits in the other bank's queue; its link opens the offer's sealed quote form.
    await signInAs("bankB");
    await page
      .locator(`tr[data-key="quoteSealed:${id}"]`)
      .getByRole("link", { name: /^Commit a sealed quote/ })
      .click();
    await page.waitForURL(`${web}/forfaiting?offer=${id}`);
    const panel = page.locator(`[data-offer-panel="${id}"]`);
    await panel.getByLabel(/^Your sealed price/).fill("490.50");
    await panel.getByRole("button", { name: "Commit sealed quote" }).click();
    await mined(panel);
    const bidder = new Wallet(bankB.privateKey).address;
    const same = (account: string) => account.toLowerCase() === bidder.toLowerCase();
    const storage = `consortia.sealed-quotes.1337.${bidder.toLowerCase()}`;
    // one read: the record the browser kept (with the commitment once mined)
    const kept = await page.evaluate(
      (key) =>
        JSON.parse(
          (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(
            key,
          ) ?? "[]",
        ) as { offerId: string; price: string; salt: string; commitment?: string }[],
      storage,
    );
    const record = kept.find((r) => r.offerId === id);
    expect(record?.price).to.equal("49050");
    expect(record?.salt).to.match(/^0x[0-9a-f]{64}$/);
    const market = await sdkAs(bankB.privateKey);
    expect(await market.forfaiting.commitmentOf(offerId, bidder)).to.equal(record!.commitment);
    const committed = await untilApi<{ quotes: { bidder: string; state: string; price: string | null }[] }>(
      `/forfaiting/offers/${id}`,
      (o) => o.quotes.some((q) => same(q.bidder) && q.state === "Committed"),
    );
    expect(committed.quotes.find((q) => same(q.bidder))!.price).to.equal(null); // the price stays sealed
    await shoot("forfaiting-sealed");

    // Export the kept quotes to a file, lose them from the browser, import the file back.
    const download = page.waitForEvent("download");
    const store = page.locator('[aria-labelledby="sealed-title"]');
    await store.getByRole("button", { name: "Export", exact: true }).click();
    const exported = join(work, "sealed-quotes.json");
    await (await download).saveAs(exported);
    const file = JSON.parse(await readFile(exported, "utf8")) as { format: string; quotes: { salt: string }[] };
    expect(file.format).to.equal("consortia.sealed-quotes.v1");
    expect(file.quotes.map((q) => q.salt)).to.include(record!.salt);
    await page.evaluate(
      (key) =>
        (globalThis as unknown as { localStorage: { removeItem(k: string): void } }).localStorage.removeItem(key),
      storage,
    );
    await store.getByLabel("Import a file").setInputFiles(exported);
    await page.getByText(/sealed quotes imported\./).waitFor();

    // A third bank commits a sealed quote too (SDK) and seals its opening to the seller instead of revealing it; it
    // approves the market for its price (the seller's acceptance pays it).
    const third = await sdkAs(members.bankC.privateKey);
    const thirdQuote = await third.forfaiting.commitQuote(offerId, 48_000n);
    const { envelope } = await third.forfaiting.sealQuoteOpening(thirdQuote);
    await third.token.approve(third.forfaiting.address, thirdQuote.price);
    const openingFile = join(work, "quote-opening.json");
    await writeFile(openingFile, JSON.stringify(envelope));
    sealedOffer = id;
    sealedOpening = { file: openingFile, bidder: thirdQuote.bidder, price: thirdQuote.price };

    // The quoting hour passes on the chain; the reveal waits in the queue.
    await provider.send("evm_increaseTime", [3600 + 60]);
    await provider.send("evm_mine", []);
    await indexed(await provider.getBlockNumber());
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Work queue" }).click();
    const row = page.locator(`tr[data-key="quote:${id}"]`);
    await row.getByRole("button", { name: /^Reveal/ }).click();
    await page.locator(`.done li[data-key="quote:${id}"] [data-phase="mined"]`).waitFor();
    const revealed = await market.forfaiting.quoteOf(offerId, bidder);
    expect([revealed.state, revealed.price]).to.deep.equal(["Active", 49_050n]); // revealed: an active quote
    const indexedQuote = await untilApi<{ quotes: { bidder: string; state: string; price: string | null }[] }>(
      `/forfaiting/offers/${id}`,
      (o) => o.quotes.some((q) => same(q.bidder) && q.state === "Active"),
    );
    expect(indexedQuote.quotes.find((q) => same(q.bidder))!.price).to.equal("49050");
  });

  it("the seller accepts a sealed quote by opening the bidder's envelope in the browser (its key file never leaves the browser); the claim is sold on chain and in the API", async () => {
    expect(sealedOpening, "the opening of the sealed-quote story").to.not.equal(undefined);
    const { file, bidder, price } = sealedOpening!;
    const keyFile = join(work, "bankA-encryption.key");
    await writeFile(keyFile, `${members.bankA.encryptionKeyPair.privateKey}\n`);
    const sent: string[] = [];
    const listen = (request: { url(): string; postData(): string | null }) =>
      sent.push(`${request.url()} ${request.postData() ?? ""}`);
    await signInAs("bankA");
    await navTo("Forfaiting");
    await page.getByRole("button", { name: `Offer #${sealedOffer}`, exact: true }).click();
    const form = page.locator(`form[data-accept-sealed="${sealedOffer}"]`);
    page.on("request", listen);
    await form.getByLabel("The bidder's opening (envelope file)").setInputFiles(file);
    await form.getByLabel("Your member's encryption private key (file)").setInputFiles(keyFile);
    await form.getByRole("button", { name: "Open", exact: true }).click();
    const opened = form.locator("[data-opened-price], [data-opening-error]").first();
    await opened.waitFor();
    expect(await opened.getAttribute("data-opened-price"), (await opened.textContent()) ?? "").to.equal(String(price));
    const deed = await fileOf("deed.pdf", "deed of assignment");
    const notice = await fileOf("notice.pdf", "transfer notice");
    await form.getByLabel("Deed of assignment (file)").setInputFiles(deed.path);
    await form.getByLabel("Transfer notice (file)").setInputFiles(notice.path);
    await form.getByRole("button", { name: "Accept this sealed quote" }).click();
    await minedOrGone(form);
    page.off("request", listen);
    const key = members.bankA.encryptionKeyPair.privateKey.slice(2).toLowerCase();
    expect(sent.filter((line) => line.toLowerCase().includes(key))).to.deep.equal([]);
    const market = await sdkAs(members.bankA.privateKey);
    expect((await market.forfaiting.offer(BigInt(sealedOffer))).state).to.equal("Traded");
    expect(await market.forfaiting.noticeOf(BigInt(sealedOffer))).to.equal(notice.hash);
    const sold = await untilApi<{ state: string; trade: { buyer: number; price: string } | null }>(
      `/forfaiting/offers/${sealedOffer}`,
      (o) => o.state === "Traded" && o.trade !== null,
    );
    expect([sold.trade!.buyer, sold.trade!.price]).to.deep.equal([members.bankC.memberId, String(price)]);
    expect(bidder).to.equal(new Wallet(members.bankC.privateKey).address);
  });

  it("the issuing bank issues an LC in the console and sets its presentation period and margin share; the applicant locks the margin from its queue; the beneficiary acknowledges it from its queue, states the shipment date and presents documents hashed in the browser; the bank examines them", async () => {
    const { supplier1, bankA, bankB, coreA } = members;
    // bankA issues an LC for coreA to supplier1 in the console (terms hashed in the browser); bankB advises it (SDK)
    // and supplier1 acknowledges it from its work queue.
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    await signInAs("bankA");
    await navTo("LCs & guarantees");
    const issue = page.locator('form[data-form="lc-issue"]');
    await issue.getByLabel("Applicant").selectOption(String(coreA.memberId));
    await issue.getByLabel("Beneficiary").selectOption(String(supplier1.memberId));
    await issue.getByLabel("Advising bank").selectOption(String(bankB.memberId));
    await issue.getByLabel(/^Amount/).fill(typed(40_000_000n));
    await issue.getByLabel("Expires").fill(ymd(now + 60 * DAY));
    await issue.getByLabel("Latest shipment").fill(ymd(now + 30 * DAY));
    await issue.getByLabel("TransportDocument", { exact: true }).check(); // Invoice is checked already
    const terms = await fileOf("lc-terms.pdf", "LC terms under UCP 600");
    await issue.getByLabel("LC terms file").setInputFiles(terms.path);
    await issue.locator(`[data-file-hash="${terms.hash}"]`).waitFor();
    await issue.getByRole("button", { name: "Issue the LC" }).click();
    await minedOrGone(issue);
    const { items: issuedLcs } = await untilApi<{ items: { id: string; termsHash: string; amount: string }[] }>(
      `/letters-of-credit?issuingBank=${bankA.memberId}&beneficiary=${supplier1.memberId}`,
      (b) => b.items.some((l) => l.termsHash === terms.hash),
    );
    const issuedLc = issuedLcs.find((l) => l.termsHash === terms.hash)!;
    expect(issuedLc.amount).to.equal("40000000");
    const lcId = BigInt(issuedLc.id);
    const issuedOnChain = await (await sdkAs(bankA.privateKey)).lettersOfCredit.letterOfCredit(lcId);
    expect([issuedOnChain.amount, issuedOnChain.termsHash]).to.deep.equal([40_000_000n, terms.hash]);

    // On the LC's page the issuing bank sets the presentation period (before advice) and the applicant's margin share.
    await page.locator(`tr[data-lc="${issuedLc.id}"]`).getByRole("link").click();
    await page.getByRole("heading", { name: `Letter of credit #${issuedLc.id}` }).waitFor();
    const period = page.locator('form[data-form="lc-presentation-period"]');
    await period.getByLabel("Days after shipment").fill("30");
    await period.getByRole("button", { name: "Set the presentation period" }).click();
    await mined(period);
    expect(await (await sdkAs(bankA.privateKey)).lettersOfCredit.presentationPeriod(lcId)).to.equal(30);
    const share = page.locator('form[data-form="lc-margin-share"]');
    await share.getByLabel(/^Margin share/).fill("100"); // 1 % of 400,000.00: 4,000.00
    await share.getByRole("button", { name: "Set the margin share" }).click();
    await minedOrGone(share);
    const marginDue = 400_000n;
    // the page shows the margin once the index has the share (the API answers 404 for an LC without margin before)
    await page.locator(`[data-applicant-panel="${issuedLc.id}"] [data-margin-due="${marginDue}"]`).waitFor();
    await shoot("lc-issuing-bank");
    await untilApi<{ shareBps: number; due: string }>(
      `/letters-of-credit/${issuedLc.id}/margin`,
      (m) => m.shareBps === 100 && m.due === String(marginDue),
    );
    const advised = await (await sdkAs(bankB.privateKey)).lettersOfCredit.advise(lcId);
    await indexed(advised!.blockNumber);
    const lc = { id: String(lcId), issuingBank: bankA.memberId };

    // The applicant finds the margin due in its queue and locks it (the wallet approves the deposit token first).
    await signInAs("coreA");
    const marginKey = `margin:${lc.id}`;
    await page
      .locator(`tr[data-key="${marginKey}"]`)
      .getByRole("button", { name: /^Lock the margin/ })
      .click();
    await page.locator(`.done li[data-key="${marginKey}"] [data-phase="mined"]`).waitFor();
    const lockedOnChain = await (await sdkAs(coreA.privateKey)).lcApplicant.margin(lcId);
    expect([lockedOnChain.locked, lockedOnChain.due]).to.deep.equal([marginDue, 0n]);
    await untilApi<{ locked: string; due: string }>(
      `/letters-of-credit/${lc.id}/margin`,
      (m) => m.locked === String(marginDue) && m.due === "0",
    );
    const amount = 10_000_000n;

    // The beneficiary finds the advised LC in its queue and acknowledges it there.
    await signInAs("supplier1");
    const ackKey = `acknowledge:${lc.id}`;
    await page
      .locator(`tr[data-key="${ackKey}"]`)
      .getByRole("button", { name: /^Acknowledge/ })
      .click();
    await page.locator(`.done li[data-key="${ackKey}"] [data-phase="mined"]`).waitFor();
    expect((await (await sdkAs(supplier1.privateKey)).lettersOfCredit.letterOfCredit(lcId)).state).to.equal(
      "Acknowledged",
    );
    await untilApi<{ state: string }>(`/letters-of-credit/${lc.id}`, (l) => l.state === "Acknowledged");
    await navTo("LCs & guarantees");
    await page.locator(`tr[data-lc="${lc.id}"]`).getByRole("link").click();
    await page.getByRole("heading", { name: `Letter of credit #${lc.id}` }).waitFor();
    await shoot("lc");
    const uploads: string[] = [];
    const files: string[] = [];
    const inputs = page.locator('input[type="file"][id^="present-doc-"]');
    const count = await inputs.count();
    expect(count).to.be.greaterThan(0);
    const hashes: string[] = [];
    const presentedDocuments: { contentHash: string; uriHash: string; kind: number }[] = [];
    for (let i = 0; i < count; i++) {
      const content = Buffer.from(`document ${i} of the web console's presentation ${hexlify(randomBytes(8))}`);
      const file = join(work, `present-${i}.pdf`);
      await writeFile(file, content);
      files.push(file);
      hashes.push(hashBytes(content));
      // the console presents one document per input, in the inputs' order: `present-doc-<kind>`, no URI
      const kind = Number((await inputs.nth(i).getAttribute("id"))!.slice("present-doc-".length));
      presentedDocuments.push({ contentHash: hashBytes(content), uriHash: ZeroHash, kind });
      await inputs.nth(i).setInputFiles(file);
      await page.locator(`[data-document-hash="${hashBytes(content)}"]`).waitFor();
    }
    page.on("request", (request) => {
      if (request.method() !== "GET" && !request.url().endsWith("/rpc")) uploads.push(request.url());
    });
    await page.getByLabel(/^Amount/).fill(typed(amount));
    // The beneficiary states the shipment date first (bound to these documents), so the chain checks it at presentation.
    const shippedDay = ymd(now - 2 * DAY);
    const shippedAt = Date.parse(`${shippedDay}T00:00:00+08:00`) / 1000; // the browser's zone: Asia/Shanghai
    await page.getByLabel(/^Shipment date/).fill(shippedDay);
    await page.getByRole("button", { name: "Present", exact: true }).click();
    const form = page.locator("form").filter({ has: page.getByRole("heading", { name: "Present documents" }) });
    await mined(form);
    expect(uploads).to.deep.equal([]);
    const findings = form.locator("[data-findings]");
    await findings.waitFor();
    expect(await findings.getAttribute("data-findings")).to.equal("");
    expect(await findings.textContent()).to.contain("Stated shipment date");
    const detail = await getJson<{
      presentations: { id: string; state: string; documents: { contentHash: string }[] }[];
    }>(`/letters-of-credit/${lc.id}`);
    const presented = detail.presentations.find(
      (p) => p.state === "Presented" && p.documents.some((d) => hashes.includes(d.contentHash)),
    );
    expect(presented, "the presentation in the API").to.not.equal(undefined);
    expect(presented!.documents.map((d) => d.contentHash).sort()).to.deep.equal([...hashes].sort());
    const checked = await (await sdkAs(supplier1.privateKey)).lettersOfCredit.findings(BigInt(presented!.id));
    expect([checked.shipmentStated, checked.shipmentDate, checked.codes]).to.deep.equal([true, shippedAt, []]);
    const indexedChecks = await untilApi<{ checks: { codes: string[]; shipmentDate: number | null } | null }>(
      `/lc-presentations/${presented!.id}`,
      (p) => p.checks !== null,
    );
    expect(indexedChecks.checks).to.include({ shipmentDate: shippedAt });
    expect(indexedChecks.checks!.codes).to.deep.equal([]);

    const bank = Object.entries(members).find(([, m]) => m.memberId === lc.issuingBank)![0] as keyof typeof members;
    await signInAs(bank);
    await navTo("LCs & guarantees");
    await page.locator(`tr[data-lc="${lc.id}"]`).getByRole("link").click();
    const row = page.locator(`tr[data-presentation="${presented!.id}"]`);
    await row.getByRole("button", { name: `Examine presentation ${presented!.id} as compliant` }).click();
    await mined(row);
    const examined = await getJson<{ state: string }>(`/lc-presentations/${presented!.id}`);
    expect(examined.state).to.equal("Compliant");
    storyLc = lc.id;
    storyPresentation = presented!.id;
    storyDocumentsHash = presentationDocumentsHash(presentedDocuments);
    const timeline = page.locator(".timeline tr[data-event]");
    expect(await timeline.count()).to.be.greaterThan(3);
    await shoot("lc-examined");
  });

  it("the issuing bank refuses a second presentation and amends the LC in the console, the beneficiary accepts the amendment from its queue, the bank pays the first presentation and holds its documents, the applicant pays for their release from its queue", async () => {
    expect(storyLc, "the LC of the presentation story").to.not.equal("");
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    const amended = 55_000_000n;
    // A second drawing (SDK) that the bank refuses in the console: one notice, every discrepancy, documents returned.
    const docOf = (kind: DocumentKind) => ({
      contentHash: hashBytes(randomBytes(32)),
      uriHash: hashBytes(randomBytes(32)),
      kind,
    });
    const second = await (
      await sdkAs(members.supplier1.privateKey)
    ).lettersOfCredit.present(BigInt(storyLc), 5_000_000n, [
      docOf(DocumentKind.Invoice),
      docOf(DocumentKind.TransportDocument),
    ]);
    await indexed(second.receipt.blockNumber);
    const secondId = String(second.presentationId);
    await signInAs("bankA");
    await navTo("LCs & guarantees");
    await page.locator(`tr[data-lc="${storyLc}"]`).getByRole("link").click();
    await page
      .locator(`tr[data-presentation="${secondId}"]`)
      .getByRole("button", { name: `Refuse presentation ${secondId}` })
      .click();
    const refusal = page.locator(`form[data-form="lc-refusal-${secondId}"]`);
    const discrepancies = ["LATE SHIPMENT", "INVOICE EXCEEDS CREDIT"];
    await refusal.getByLabel(/^Discrepancies/).fill(discrepancies.join("\n"));
    const notice = await fileOf("refusal-notice.pdf", "refusal notice under UCP 600 art. 16(c)");
    await refusal.getByLabel("Notice file").setInputFiles(notice.path);
    await refusal.locator(`[data-file-hash="${notice.hash}"]`).waitFor();
    await refusal.getByLabel(/^Hold the documents/).uncheck();
    await refusal.getByRole("button", { name: "Send the refusal notice" }).click();
    await minedOrGone(refusal);
    const refused = await untilApi<{ state: string; refusalNoticeHash: string; refusalDiscrepancies: string[] }>(
      `/lc-presentations/${secondId}`,
      (p) => p.state === "Refused",
    );
    expect(refused.refusalNoticeHash).to.equal(notice.hash);
    expect(refused.refusalDiscrepancies).to.deep.equal(discrepancies.map((d) => encodeBytes32String(d)));
    const refusedOnChain = await (
      await sdkAs(members.bankA.privateKey)
    ).lettersOfCredit.presentation(second.presentationId);
    expect(refusedOnChain.state).to.equal("Refused");
    await page.locator(`tr[data-presentation="${secondId}"] [data-state="Refused"]`).waitFor();
    const amend = page.locator('form[data-form="lc-amend"]');
    const terms = await fileOf("amended-terms.pdf", "amended LC terms");
    await amend.getByLabel(/^Amount/).fill(typed(amended));
    await amend.getByLabel("Expires").fill(ymd(now + 90 * DAY));
    // refused in the page first: the latest shipment after the expiry
    await amend.getByLabel("Latest shipment").fill(ymd(now + 100 * DAY));
    await amend.getByLabel("Amended terms file").setInputFiles(terms.path);
    await amend.locator(`[data-file-hash="${terms.hash}"]`).waitFor();
    await amend.getByRole("button", { name: "Propose the amendment" }).click();
    await amend.getByText("The latest shipment must be on or before the expiry.").waitFor();
    await amend.getByLabel("Latest shipment").fill(ymd(now + 45 * DAY));
    await amend.getByRole("button", { name: "Propose the amendment" }).click();
    await minedOrGone(amend); // the form leaves once the amendment is pending
    await untilApi<{ pendingAmendment: string | null }>(
      `/letters-of-credit/${storyLc}`,
      (l) => l.pendingAmendment !== null,
    );

    await signInAs("supplier1");
    const row = page.locator(`tr[data-key="amendment:${storyLc}"]`);
    await row.getByRole("button", { name: /^Accept/ }).click();
    await page.locator(`.done li[data-key="amendment:${storyLc}"] [data-phase="mined"]`).waitFor();
    const onChain = await (await sdkAs(members.supplier1.privateKey)).lettersOfCredit.letterOfCredit(BigInt(storyLc));
    expect(onChain.amount).to.equal(amended);
    const indexedLc = await untilApi<{ amount: string; pendingAmendment: string | null; amendments: Json[] }>(
      `/letters-of-credit/${storyLc}`,
      (l) => l.amount === String(amended),
    );
    expect(indexedLc.pendingAmendment).to.equal(null);
    expect(indexedLc.amendments.map((a) => a.status)).to.include("Accepted");
    expect(indexedLc.amendments.find((a) => a.status === "Accepted")!.termsHash).to.equal(terms.hash);

    await signInAs("bankA");
    await navTo("LCs & guarantees");
    await page.locator(`tr[data-lc="${storyLc}"]`).getByRole("link").click();
    const presentation = page.locator(`tr[data-presentation="${storyPresentation}"]`);
    await presentation.getByRole("button", { name: `Pay presentation ${storyPresentation}` }).click();
    // the button and its status leave the row once the presentation is Paid: a failure, or the row's new state
    const failed = presentation.locator('[data-phase="failed"]');
    const paidCell = presentation.locator('[data-state="Paid"]');
    await failed.or(paidCell).first().waitFor();
    expect(await failed.count(), (await presentation.textContent()) ?? "").to.equal(0);
    const paid = await untilApi<{ state: string }>(`/lc-presentations/${storyPresentation}`, (p) => p.state === "Paid");
    expect(paid.state).to.equal("Paid");
    const presentationOnChain = await (
      await sdkAs(members.bankA.privateKey)
    ).lettersOfCredit.presentation(BigInt(storyPresentation));
    expect(presentationOnChain.state).to.equal("Paid");

    // The issuing bank holds the documents for the applicant (its free margin applied); the applicant pays the rest
    // from its queue and takes them up (付款赎单).
    const panel = page.locator(`[data-applicant-panel="${storyLc}"]`);
    await panel
      .getByRole("button", { name: `Hold the documents of presentation ${storyPresentation} for the applicant` })
      .click();
    const heldRow = panel.locator(`tr[data-held="${storyPresentation}"]`);
    const holdFailed = panel.locator('[data-phase="failed"]');
    await heldRow.or(holdFailed).first().waitFor();
    expect(await holdFailed.count(), (await panel.textContent()) ?? "").to.equal(0);
    const applicantSdk = await sdkAs(members.coreA.privateKey);
    const held = await applicantSdk.lcApplicant.documentRelease(BigInt(storyPresentation));
    expect([held.state, held.marginApplied, held.marginApplied + held.amountDue]).to.deep.equal([
      "Held",
      400_000n,
      10_000_000n,
    ]);
    // the documents held are the very documents presented (their hash as the chain binds them)
    expect(storyDocumentsHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(held.documentsHash).to.equal(storyDocumentsHash);
    const heldInApi = await untilApi<{ items: { presentationId: string; documentsHash: string }[] }>(
      `/letters-of-credit/${storyLc}/documents-held`,
      (b) => b.items.some((d) => d.presentationId === storyPresentation),
    );
    expect(heldInApi.items.find((d) => d.presentationId === storyPresentation)?.documentsHash).to.equal(
      storyDocumentsHash,
    );
    await signInAs("coreA");
    const releaseKey = `release:${storyPresentation}`;
    await page
      .locator(`tr[data-key="${releaseKey}"]`)
      .getByRole("button", { name: /^Pay and take up the documents/ })
      .click();
    await page.locator(`.done li[data-key="${releaseKey}"] [data-phase="mined"]`).waitFor();
    expect((await applicantSdk.lcApplicant.documentRelease(BigInt(storyPresentation))).state).to.equal("Settled");
    const settled = await untilApi<{ items: { presentationId: string; state: string; reimbursed: string | null }[] }>(
      `/letters-of-credit/${storyLc}/documents-held`,
      (b) => b.items.some((d) => d.presentationId === storyPresentation && d.state === "Settled"),
    );
    expect(settled.items.find((d) => d.presentationId === storyPresentation)!.reimbursed).to.equal(
      String(held.amountDue),
    );
  });

  it("the beneficiary demands under a guarantee in the console; the guarantor sees it in its queue and rejects it", async () => {
    const { supplier2, bankC, coreB } = members;
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    const { guaranteeId } = await (
      await sdkAs(supplier2.privateKey)
    ).guarantees.applyFor({
      guarantor: new Wallet(bankC.privateKey).address,
      beneficiary: new Wallet(coreB.privateKey).address,
      kind: "Performance",
      currency: "CNY",
      amount: 8_000_000n,
      expiry: now + 60 * DAY,
      examinationPeriod: 5 * DAY,
      termsHash: hashBytes(randomBytes(32)),
    });
    const guarantor = await sdkAs(bankC.privateKey);
    const issued = await guarantor.guarantees.issue(guaranteeId, hexlify(randomBytes(32)));
    await indexed(issued!.blockNumber);
    const id = String(guaranteeId);

    await signInAs("coreB");
    await navTo("LCs & guarantees");
    await page.locator(`tr[data-guarantee="${id}"]`).getByRole("link").click();
    const demand = page.locator('form[data-form="guarantee-demand"]');
    const statement = await fileOf("demand.pdf", "demand statement under URDG 758 art. 15");
    await demand.getByLabel(/^Amount/).fill(typed(3_000_000n));
    await demand.getByLabel("Demand statement file").setInputFiles(statement.path);
    await demand.locator(`[data-file-hash="${statement.hash}"]`).waitFor();
    await demand.getByRole("button", { name: "Present the demand" }).click();
    await minedOrGone(demand);
    await untilApi<{ items: Json[] }>(`/guarantees/${id}/claims`, (b) => b.items.length === 1);

    await signInAs("bankC");
    const row = page.locator(`tr[data-key="demand:${id}:0"]`);
    await row.waitFor();
    expect(await row.textContent()).to.match(/30,000\.00/);
    expect(await row.textContent()).to.match(/GMT\+8/); // its examination deadline
    await navTo("LCs & guarantees");
    await page.locator(`tr[data-guarantee="${id}"]`).getByRole("link").click();
    const decision = page.locator('form[data-form="guarantee-decision-0"]');
    await decision.getByLabel("Decision").selectOption("reject");
    const reasons = await fileOf("reasons.pdf", "the demand lacks the statement of breach");
    await decision.getByLabel("Reasons file (rejection)").setInputFiles(reasons.path);
    await decision.locator(`[data-file-hash="${reasons.hash}"]`).waitFor();
    await decision.getByRole("button", { name: "Send the decision" }).click();
    await minedOrGone(decision); // the form leaves once the demand is decided

    expect((await guarantor.guarantees.claim(guaranteeId, 0n)).state).to.equal("Rejected");
    const claims = await untilApi<{ items: { state: string; demandHash: string; reasonHash: string | null }[] }>(
      `/guarantees/${id}/claims`,
      (b) => b.items[0]?.state === "Rejected",
    );
    expect(claims.items[0].demandHash).to.equal(statement.hash);
    expect(claims.items[0].reasonHash).to.equal(reasons.hash);
  });

  it("a bank reports a credit entry (subject key and sealed details made in the browser, only hashes sent); another bank disputes it and the reporter upholds it from its queue", async () => {
    const identifier = `WEB-${hexlify(randomBytes(6))}`;
    const details = `overdue 120 days on loan ${hexlify(randomBytes(4))}`;
    const sent: string[] = [];
    const listen = (request: { url(): string; postData(): string | null }) =>
      sent.push(`${request.url()} ${request.postData() ?? ""}`);
    page.on("request", listen);
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    await signInAs("bankC");
    await navTo("Credit blacklist");
    const form = page.locator('form[data-form="credit-report"]');
    await form.getByLabel("Consortium key (hex)").fill(DEMO_CONSORTIUM_KEY);
    await form.getByLabel("Identifier kind").selectOption("other");
    await form.getByLabel("Identifier", { exact: true }).fill(identifier);
    await form.getByLabel("Category").selectOption("Overdue");
    await form.getByLabel("Severity").fill("2");
    await form.getByLabel("Expires").fill(ymd(now + 365 * DAY));
    const evidence = await fileOf("evidence.pdf", "customer consent and overdue notice");
    await form.getByLabel("Customer's consent or evidence file").setInputFiles(evidence.path);
    await form.locator(`[data-file-hash="${evidence.hash}"]`).waitFor();
    await form.getByLabel(/^Details/).fill(details);
    await form.getByRole("button", { name: "Report (on chain)" }).click();
    await mined(form);
    // one read of both attributes (the paragraph is replaced as a whole)
    const reported = await form.locator("[data-reported]").evaluate((el) => ({
      number: Number(el.getAttribute("data-reported")),
      key: el.getAttribute("data-reported-key")!,
    }));
    page.off("request", listen);
    const bank = await sdkAs(members.bankC.privateKey);
    expect(reported.key).to.equal(
      bank.credit.subjectKey({ identifier: { kind: "other", value: identifier }, consortiumKey: DEMO_CONSORTIUM_KEY }),
    );
    const entry = await bank.credit.entry(reported.key, reported.number);
    expect([entry.reporter, entry.status, entry.category, entry.severity]).to.deep.equal([
      members.bankC.memberId,
      "Active",
      "Overdue",
      2,
    ]);
    const listed = await untilApi<{ items: { number: number; evidenceHash: string }[] }>(
      `/credit/subjects/${reported.key}/entries`,
      (b) => b.items.some((e) => e.number === reported.number),
    );
    expect(listed.items.find((e) => e.number === reported.number)!.evidenceHash).to.equal(evidence.hash);
    const secrets = [identifier, details, DEMO_CONSORTIUM_KEY.slice(2).toLowerCase()];
    expect(
      sent.filter((line) => secrets.some((secret) => line.toLowerCase().includes(secret.toLowerCase()))),
    ).to.deep.equal([]);

    // Another bank disputes the entry (SDK); the reporter resolves the dispute from its queue: upheld, Active again.
    const disputed = await (
      await sdkAs(members.bankA.privateKey)
    ).credit.dispute(reported.key, reported.number, hashBytes(randomBytes(32)));
    await indexed(disputed!.blockNumber);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Work queue" }).click();
    const key = `dispute:${reported.key}:${reported.number}`;
    const row = page.locator(`tr[data-key="${key}"]`);
    await row.getByRole("button", { name: /^Uphold/ }).click();
    await page.locator(`.done li[data-key="${key}"] [data-phase="mined"]`).waitFor();
    await row.waitFor({ state: "detached" });
    expect((await bank.credit.entry(reported.key, reported.number)).status).to.equal("Active");
    const resolved = await untilApi<{ items: { number: number; status: string }[] }>(
      `/credit/subjects/${reported.key}/entries`,
      (b) => b.items.some((e) => e.number === reported.number && e.status === "Active"),
    );
    expect(resolved.items.find((e) => e.number === reported.number)!.status).to.equal("Active");

    // Disputed again by another bank: this time the reporter withdraws the entry from its queue (final).
    const again = await (
      await sdkAs(members.bankB.privateKey)
    ).credit.dispute(reported.key, reported.number, hashBytes(randomBytes(32)));
    await indexed(again!.blockNumber);
    await page.getByRole("button", { name: "Refresh" }).click();
    await row.getByRole("button", { name: /^Withdraw the entry/ }).click();
    await page.locator(`.done li[data-key="${key}"] [data-phase="mined"]`).first().waitFor();
    await row.waitFor({ state: "detached" });
    expect((await bank.credit.entry(reported.key, reported.number)).status).to.equal("Withdrawn");
    await untilApi<{ items: { number: number; status: string }[] }>(`/credit/subjects/${reported.key}/entries`, (b) =>
      b.items.some((e) => e.number === reported.number && e.status === "Withdrawn"),
    );
  });

  it("the honouring bank accepts a complying presentation under a deferred-payment LC from its queue: a claim maturing at the end of the tenor, offered with open quotes and quoted on from a forfaiter's queue link", async () => {
    const { bankA, bankB, coreA, supplier1 } = members;
    const address = (key: string) => new Wallet(key).address;
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    const issuer = await sdkAs(bankA.privateKey);
    const { lcId } = await issuer.lettersOfCredit.issue(address(coreA.privateKey), {
      advisingBank: address(bankB.privateKey),
      beneficiary: address(supplier1.privateKey),
      amount: 20_000_000n,
      currency: "CNY",
      expiry: now + 60 * DAY,
      latestShipment: now + 30 * DAY,
      deferred: true,
      tenorDays: 90,
      partialDrawings: true,
      requiredDocuments: [DocumentKind.Invoice],
      termsHash: hashBytes(randomBytes(32)),
    });
    await (await sdkAs(bankB.privateKey)).lettersOfCredit.advise(lcId);
    const beneficiary = await sdkAs(supplier1.privateKey);
    await beneficiary.lettersOfCredit.acknowledge(lcId);
    const { presentationId } = await beneficiary.lettersOfCredit.present(lcId, 5_000_000n, [
      { contentHash: hashBytes(randomBytes(32)), uriHash: hashBytes(randomBytes(32)), kind: DocumentKind.Invoice },
    ]);
    const examined = await issuer.lettersOfCredit.examine(presentationId, []);
    await indexed(examined.receipt!.blockNumber);

    await signInAs("bankA");
    const key = `acceptance:${presentationId}`;
    const row = page.locator(`tr[data-key="${key}"]`);
    await row.getByRole("button", { name: /^Accept \(deferred payment\)/ }).click();
    await page.locator(`.done li[data-key="${key}"] [data-phase="mined"]`).waitFor();
    const accepted = await untilApi<{ state: string; maturity: number | null; presentedAt: number | null }>(
      `/lc-presentations/${presentationId}`,
      (p) => p.state === "Accepted",
    );
    expect(accepted.maturity).to.equal(accepted.presentedAt! + 90 * DAY);
    const onChain = await issuer.lettersOfCredit.presentation(presentationId);
    expect([onChain.state, Number(onChain.maturity)]).to.deep.equal(["Accepted", accepted.maturity]);

    // The accepted claim goes to market with open quotes: the beneficiary sells it to its bank, which offers it; a
    // third bank (a FORFAITER) follows the queue's link to the offer's quote form and quotes there.
    await beneficiary.lettersOfCredit.transferClaim(presentationId, address(bankB.privateKey));
    const seller = await sdkAs(bankB.privateKey);
    const later = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    const { offerId, receipt } = await seller.forfaiting.announce({
      asset: deployment.contracts.LetterOfCredit.address,
      claimId: presentationId,
      quoteDeadline: later + 3600,
      revealPeriod: 0,
    });
    await indexed(receipt.blockNumber);
    const id = String(offerId);
    await signInAs("bankC");
    const quoteKey = `quoteOpen:${id}`;
    await page
      .locator(`tr[data-key="${quoteKey}"]`)
      .getByRole("link", { name: /^Quote…/ })
      .click();
    await page.waitForURL(`${web}/forfaiting?offer=${id}`);
    const panel = page.locator(`[data-offer-panel="${id}"]`);
    await panel.getByLabel(/^Your price/).fill(typed(4_900_000n));
    await panel.getByRole("button", { name: "Quote", exact: true }).click();
    await mined(panel);
    const bidder = address(members.bankC.privateKey);
    const quoted = await seller.forfaiting.quoteOf(offerId, bidder);
    expect([quoted.state, quoted.price]).to.deep.equal(["Active", 4_900_000n]);
    const own = await untilApi<{ items: { offerId: string; price: string | null; state: string }[] }>(
      `/forfaiting/quotes?bidder=${members.bankC.memberId}&offerState=Open`,
      (b) => b.items.some((q) => q.offerId === id),
    );
    expect(own.items.find((q) => q.offerId === id)).to.include({ price: "4900000", state: "Active" });
    // Quoted: the offer leaves the bank's queue.
    await navTo("Work queue");
    await page.getByRole("heading", { name: "Work queue" }).waitFor();
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.locator(`tr[data-key="${quoteKey}"]`).waitFor({ state: "detached" });
  });

  it("a bank runs netting on the interbank page over its due obligations; settled on chain and in the API", async () => {
    const { bankA, bankC } = members;
    const [a, c] = [await sdkAs(bankA.privateKey), await sdkAs(bankC.privateKey)];
    const now = (await new JsonRpcProvider(rpc).getBlock("latest"))!.timestamp;
    // bankA owes bankB 3.00 and bankC owes bankA 1.00, both due now (the demo's credit lines); the net debtors let the
    // positions contract take their net debit.
    const owed = await a.lettersOfCredit.positions.recordObligation(members.bankB.memberId, 300n, now);
    const owing = await c.lettersOfCredit.positions.recordObligation(bankA.memberId, 100n, now);
    await a.token.approve(a.lettersOfCredit.positions.address, 1_000n);
    await c.token.approve(c.lettersOfCredit.positions.address, 1_000n);
    await indexed(owing.receipt.blockNumber);
    const runsBefore = await a.lettersOfCredit.positions.nettingRunCount();

    await signInAs("bankA");
    await navTo("Interbank");
    const panel = page.locator('[aria-labelledby="netting-title"]');
    await panel.getByRole("button", { name: /^Run netting \(\d+ due\)/ }).click();
    await mined(panel);
    expect(await a.lettersOfCredit.positions.nettingRunCount()).to.equal(runsBefore + 1n);
    for (const { obligationId } of [owed, owing])
      expect((await a.lettersOfCredit.positions.obligation(obligationId)).status).to.equal("Netted");
    const run = await untilApi<{ id: string; obligationIds: string[] }>(
      `/banks/${bankA.memberId}/netting`,
      (r) => r.id === String(runsBefore + 1n),
    );
    expect(run.obligationIds).to.include.members([String(owed.obligationId), String(owing.obligationId)]);
    await panel.getByText(`Run #${run.id}`).waitFor();
    await shoot("interbank-netted");
  });

  it("data sharing between members in the console: a department requests access, the owner grants it (may delegate), the grantee delegates it, the owner revokes it", async () => {
    const { gov1, gov2, agency } = members;
    const { items } = await getJson<{ items: { id: number; owner: number; status: string }[] }>("/datasets");
    const dataset = items.find((d) => d.owner === gov1.memberId && d.status === "Active")!;
    expect(dataset, "an active dataset of gov1").to.not.equal(undefined);
    type Node = { id: number; grantee: number; status: string; mayDelegate: boolean; children: Node[] };
    const flat = (nodes: Node[]): Node[] => nodes.flatMap((n) => [n, ...flat(n.children)]);
    const grants = async () => flat((await getJson<{ roots: Node[] }>(`/datasets/${dataset.id}/grants`)).roots);
    const known = new Set((await grants()).map((g) => g.id));
    const data = await sdkAs(gov1.privateKey);
    const openDataset = async () => {
      await navTo("Data sharing");
      await page.getByRole("link", { name: `Dataset #${dataset.id}` }).click();
      await page.getByRole("heading", { name: "Grant tree" }).waitFor();
    };

    await signInAs("gov2");
    await openDataset();
    const request = page.locator("form").filter({ has: page.getByRole("heading", { name: "Request access" }) });
    await request.getByLabel("Purpose").fill(`web console check ${hexlify(randomBytes(4))}`);
    await request.getByRole("button", { name: "Request", exact: true }).click();
    await mined(request);
    const requested = (await grants()).find((g) => !known.has(g.id) && g.grantee === gov2.memberId)!;
    expect(requested.status).to.equal("Requested");
    expect((await data.dataSharing.grant(BigInt(requested.id))).status).to.equal("Requested");

    await signInAs("gov1");
    await openDataset();
    const root = page.locator(`li[data-grant="${requested.id}"]`);
    await root.getByLabel("may delegate").first().check();
    await root.getByRole("button", { name: `Grant request ${requested.id}` }).click();
    await mined(root);
    const granted = await data.dataSharing.grant(BigInt(requested.id));
    expect([granted.status, granted.mayDelegate]).to.deep.equal(["Active", true]);
    await untilApi<{ roots: Node[] }>(`/datasets/${dataset.id}/grants`, (t) =>
      flat(t.roots).some((g) => g.id === requested.id && g.status === "Active"),
    );

    await signInAs("gov2");
    await openDataset();
    const mine = page.locator(`li[data-grant="${requested.id}"]`);
    await mine.getByLabel("Delegate to").first().selectOption(String(agency.memberId));
    await mine.getByRole("button", { name: "Delegate", exact: true }).first().click();
    await mined(mine);
    const tree = await untilApi<{ roots: Node[] }>(`/datasets/${dataset.id}/grants`, (t) =>
      flat(t.roots).some((g) => g.id === requested.id && g.children.some((child) => child.grantee === agency.memberId)),
    );
    const child = flat(tree.roots).find((g) => g.id === requested.id)!.children[0];
    expect((await data.dataSharing.grant(BigInt(child.id))).status).to.equal("Active");

    await signInAs("gov1");
    await openDataset();
    await page.getByRole("button", { name: `Revoke grant ${requested.id}` }).click();
    await mined(page.locator(`li[data-grant="${requested.id}"]`));
    expect((await data.dataSharing.grant(BigInt(requested.id))).status).to.equal("Revoked");
    await untilApi<{ roots: Node[] }>(`/datasets/${dataset.id}/grants`, (t) =>
      flat(t.roots).some((g) => g.id === requested.id && g.status === "Revoked"),
    );
    await shoot("data-grants");
  });

  it("a bank runs a logged credit query: the identifier becomes a subject key in the browser and is never sent", async () => {
    const uscc = usccOf("91430100MA4XD0777"); // the demo's defaulting company
    const sent: string[] = [];
    page.on("request", (request) => sent.push(`${request.url()} ${request.postData() ?? ""}`));
    await signInAs("bankC");
    await navTo("Credit blacklist");
    // the logged query's form (a reporter's page also has the report form, with the same key and identifier fields)
    const query = page.getByRole("form", { name: "Logged query" });
    await query.getByLabel("Consortium key (hex)").fill(DEMO_CONSORTIUM_KEY);
    await query.getByLabel("Identifier kind").selectOption("uscc");
    await query.getByLabel("Identifier", { exact: true }).fill(uscc);
    await query.getByRole("button", { name: "Compute the subject key" }).click();
    const key = await page.locator("[data-subject-key]").getAttribute("data-subject-key");
    expect(key).to.match(/^0x[0-9a-f]{64}$/);
    const consent = join(work, "consent.pdf");
    await writeFile(consent, Buffer.from(`consent of ${hexlify(randomBytes(8))}`));
    await page.locator("#consent-file").setInputFiles(consent);
    await page.locator("[data-consent-hash]").waitFor();
    await page.getByRole("button", { name: "Query (logged on chain)" }).click();
    await page.locator("[data-listings]").waitFor();
    expect(Number(await page.locator("[data-listings]").getAttribute("data-listings"))).to.be.greaterThan(0);
    await page.locator("[data-query-tx]").first().waitFor();
    await shoot("credit");
    const log = await getJson<{ items: { subjectKey: string }[] }>(`/credit/members/${members.bankC.memberId}/queries`);
    expect(log.items.map((q) => q.subjectKey)).to.include(key);
    expect(
      sent.filter(
        (line) => line.includes(uscc) || line.toLowerCase().includes(DEMO_CONSORTIUM_KEY.slice(2).toLowerCase()),
      ),
    ).to.deep.equal([]);
  });

  it("the data owner traces a dataset's accesses, its hash chain verified in the browser", async () => {
    const { gov1 } = members;
    const { items } = await getJson<{ items: { id: number; owner: number; accessCount: number }[] }>("/datasets");
    const dataset = items.find((d) => d.owner === gov1.memberId && d.accessCount > 0);
    expect(dataset, "the demo's accessed dataset").to.not.equal(undefined);
    await signInAs("gov1");
    await navTo("Data sharing");
    await page.locator(`tr[data-dataset="${dataset!.id}"]`).waitFor();
    await shoot("data");
    await page.getByRole("link", { name: `Dataset #${dataset!.id}` }).click();
    await page.getByRole("button", { name: "Verify the hash chain" }).click();
    await page.locator('[data-trail="true"]').waitFor();
    expect(await page.locator('[data-trail="true"]').textContent()).to.contain(`${dataset!.accessCount} entries`);
    const trail = await getJson<{ trail: { verified: boolean } }>(`/datasets/${dataset!.id}/access-log`);
    expect(trail.trail.verified).to.equal(true);
    await shoot("dataset");
  });

  it("the market, interbank and governance pages show the member's positions in both languages", async () => {
    await signInAs("bankA");
    await navTo("Forfaiting");
    await page.getByRole("table", { name: "Offers" }).waitFor();
    await shoot("forfaiting");
    await navTo("Interbank");
    await page.getByRole("heading", { name: "Last netting" }).waitFor();
    await shoot("interbank");
    await navTo("Governance");
    await page.locator("tr[data-member-row]").first().waitFor();
    await shoot("governance");
    await page.getByLabel("Language").selectOption("zh");
    await page.getByRole("heading", { name: "联盟治理" }).waitFor();
    await shoot("governance-zh");
    await page.getByRole("navigation", { name: "主菜单" }).getByRole("link", { name: "供应链金融" }).click();
    await page.getByRole("heading", { name: "供应链金融" }).waitFor();
    await shoot("scf-zh");
    await page.getByLabel("语言").selectOption("en");
  });

  it("a bank votes on a proposal from its queue; the vote is on chain and in the API", async () => {
    const { bankA, bankB } = members;
    const proposer = await sdkAs(bankA.privateKey);
    const { proposalId } = await proposer.registry.propose("setVotingPeriod", [3 * DAY], "web console test vote");
    const before = await proposer.registry.proposal(proposalId);
    await indexed(await new JsonRpcProvider(rpc).getBlockNumber());

    await signInAs("bankB");
    const row = page.locator(`tr[data-key="proposal:${proposalId}"]`);
    await row.waitFor();
    await row.getByText(/setVotingPeriod\(259200\)/).waitFor();
    await row.getByRole("button", { name: /^Vote for/ }).click();
    await page.locator(`.done li[data-key="proposal:${proposalId}"] [data-phase="mined"]`).waitFor();
    await row.waitFor({ state: "detached" });

    const after = await proposer.registry.proposal(proposalId);
    expect(after.approvals).to.equal(before.approvals + 1);
    const indexedProposal = await getJson<{ approvals: number; votes: { memberId: number }[] }>(
      `/proposals/${proposalId}`,
    );
    expect(indexedProposal.approvals).to.equal(after.approvals);
    expect(indexedProposal.votes.map((vote) => vote.memberId)).to.include(bankB.memberId);
  });

  it("a failed transaction shows the decoded error", async () => {
    // bankB already approved: voting again from the console is refused by the registry; the console names why.
    const { bankA } = members;
    const proposer = await sdkAs(bankA.privateKey);
    const { proposalId } = await proposer.registry.propose("setVotingPeriod", [4 * DAY], "web console test refusal");
    await indexed(await new JsonRpcProvider(rpc).getBlockNumber());
    await page.getByRole("button", { name: "Refresh" }).click();
    const row = page.locator(`tr[data-key="proposal:${proposalId}"]`);
    await row.waitFor();
    // Vote once from outside the console: the row is now stale, and its click must fail on chain. The queue is live
    // (the API's event stream makes it read again and drop an answered row), so the page's API requests are held
    // until the click failed: otherwise the row may vanish before the click, as a user would see it (not the case
    // under test). The transaction itself goes to the node, not the API.
    const held: Route[] = [];
    const hold = (route: Route) => void held.push(route);
    await page.route(`${web}/api/**`, hold);
    try {
      await (await sdkAs(members.bankB.privateKey)).registry.approve(proposalId);
      await row.getByRole("button", { name: /^Vote for/ }).click();
      const failed = row.locator('[data-phase="failed"]');
      await failed.waitFor();
      expect(await failed.textContent()).to.match(/^Failed: .*already approved proposal/);
    } finally {
      await page.unroute(`${web}/api/**`, hold);
      await Promise.all(held.map((route) => route.continue().catch(() => undefined)));
    }
    // Once the page reads again, the failed row stays until the user has seen why (the vote itself is done).
    await page.getByRole("button", { name: "Refresh" }).click();
    await row.locator('[data-phase="failed"]').waitFor();
    await shoot("queue-failed");
  });

  it("anyone verifies a guarantee by its reference on the public page, without a wallet", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    const { items } = await getJson<{ items: { referenceId: string | null; guarantor: number }[] }>("/guarantees");
    const issued = items.find((g) => g.referenceId !== null);
    expect(issued, "the demo issued a guarantee").to.not.equal(undefined);
    await page.goto(`${web}/verify/guarantee`);
    await page.getByLabel("Reference").fill(issued!.referenceId!);
    await page.getByRole("button", { name: "Verify" }).click();
    const result = page.locator("[data-genuine=true]");
    await result.waitFor();
    const guarantor = Object.values(members).find((m) => m.memberId === issued!.guarantor)!;
    expect(await result.textContent()).to.contain(`Genuine: issued by ${guarantor.name}`);
    await shoot("verify-guarantee");
    await page.getByLabel("Reference").fill(`0x${"ab".repeat(32)}`);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("No bank issued a guarantee with this reference.").waitFor();
  });

  it("verifies an e-certificate's file hashed in the browser (the file is not uploaded)", async () => {
    // A department issues a certificate whose document is a file; the console must recognise that file, and only it.
    const { gov1, coreA } = members;
    const document = Buffer.from(`%PDF-1.7 real-estate title ${hexlify(randomBytes(8))}`);
    const issuer = await sdkAs(gov1.privateKey);
    const { certificateId, receipt } = await issuer.dataSharing.certificates.issue({
      holderHash: coreA.registrationHash,
      kind: 1,
      documentHash: hashBytes(document),
      validFrom: 0,
      validUntil: 0,
    });
    await indexed(receipt.blockNumber);
    const genuine = join(work, "title.pdf");
    const other = join(work, "not-the-certificate.pdf");
    await writeFile(genuine, document);
    await writeFile(other, Buffer.from("a file that is not the certificate's document"));
    const uploads: string[] = [];
    page.on("request", (request) => {
      if (request.method() !== "GET" && !request.url().endsWith("/rpc")) uploads.push(request.url());
    });
    await page.goto(`${web}/verify/certificate`);
    await page.getByLabel("Certificate number").fill(String(certificateId));

    await page.locator("#certificate-file").setInputFiles(genuine);
    await page.locator(`[data-hash="${hashBytes(document)}"]`).waitFor();
    await page.getByRole("button", { name: "Verify" }).click();
    const match = page.locator('[data-matches="true"]');
    await match.waitFor();
    expect(await match.textContent()).to.contain(`The file is the document of certificate #${certificateId}.`);
    expect(await match.textContent()).to.match(/ValidityValid.*Checked on chainyes/);
    await shoot("verify-certificate");

    await page.locator("#certificate-file").setInputFiles(other);
    await page.getByRole("button", { name: "Verify" }).click();
    const mismatch = page.locator('[data-matches="false"]');
    await mismatch.waitFor();
    expect(await mismatch.textContent()).to.contain(`The file is NOT the document of certificate #${certificateId}.`);
    expect(uploads).to.deep.equal([]);
  });

  it("seals and opens an envelope with the GM suite (SM2/SM3/SM4-GCM) in the browser, interoperable with Node", async () => {
    // The SDK's envelope module as the console bundles it (same Vite config and aliases: no Node built-ins), as a
    // script for the page; Chromium then seals to a key made in Node and opens what Node sealed to its own key.
    const entry = join(work, "gm-envelope.ts");
    await writeFile(
      entry,
      `export { sealEnvelope, openEnvelope, envelopeHash, generateEncryptionKeyPair } from "@consortia/sdk/envelope";\n` +
        `export { sm3Hash } from ${JSON.stringify(join(ROOT, "packages/sdk/src/gm.ts"))};\n`,
    );
    const built = (await build({
      configFile: VITE_CONFIG,
      logLevel: "warn",
      define: { "process.env.NODE_ENV": JSON.stringify("production") },
      build: {
        write: false,
        outDir: join(work, "gm-bundle"),
        emptyOutDir: false,
        lib: { entry, formats: ["iife"], name: "ConsortiaGm", fileName: "gm" },
      },
    })) as RollupOutput | RollupOutput[];
    const chunk = (Array.isArray(built) ? built[0] : built).output.find((o) => o.type === "chunk")!;
    const nodeReader = generateEncryptionKeyPair("gm");
    const aad = hexlify(randomBytes(16));
    const text = `SM4-GCM sealed in Chromium ${hexlify(randomBytes(8))}`;
    await page.goto(`${web}/verify/guarantee`);
    await page.addScriptTag({ content: chunk.code });
    const sealed = await page.evaluate(
      // no named helpers in here: the test's transpiler would wrap them in a __name the page does not have
      async ({ readerKey, aadBytes, plaintext }) => {
        type Gm = {
          generateEncryptionKeyPair(suite: "gm"): { privateKey: string; publicKey: string };
          sealEnvelope(p: {
            plaintext: Uint8Array;
            recipients: { memberId: number; publicKey: string }[];
            associatedData: Uint8Array;
            suite: "gm";
          }): Promise<{ envelope: unknown }>;
          envelopeHash(e: unknown): string;
          sm3Hash(data: Uint8Array): string;
        };
        const scope = globalThis as unknown as { ConsortiaGm: Gm; gmKey: { privateKey: string; publicKey: string } };
        const gm = scope.ConsortiaGm;
        scope.gmKey = gm.generateEncryptionKeyPair("gm"); // the browser's own key: its private half stays here
        const { envelope } = await gm.sealEnvelope({
          plaintext: new TextEncoder().encode(plaintext),
          recipients: [
            { memberId: 7, publicKey: readerKey },
            { memberId: 9, publicKey: scope.gmKey.publicKey },
          ],
          associatedData: new Uint8Array(aadBytes),
          suite: "gm",
        });
        return {
          envelope,
          hash: gm.envelopeHash(envelope),
          sm3: gm.sm3Hash(new TextEncoder().encode("abc")),
          publicKey: scope.gmKey.publicKey,
          nodeBuffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
        };
      },
      { readerKey: nodeReader.publicKey, aadBytes: [...getBytes(aad)], plaintext: text },
    );
    expect(sealed.nodeBuffer).to.equal("undefined"); // no Node in the page
    // SM3("abc"), GB/T 32905-2016 appendix A
    expect(sealed.sm3).to.equal("0x66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    const envelope = parseEnvelope(sealed.envelope);
    expect([envelope.version, envelope.suite, envelope.aad]).to.deep.equal([3, "SM2-SM3-SM4GCM", aad]);
    expect(envelopeHash(envelope)).to.equal(sealed.hash);
    const opened = await openEnvelope(envelope, { memberId: 7, privateKey: nodeReader.privateKey });
    expect(new TextDecoder().decode(opened)).to.equal(text);

    // Node seals to the browser's key; the browser opens it, and refuses it altered.
    const back = `sealed in Node for the browser ${hexlify(randomBytes(8))}`;
    const { envelope: fromNode } = await sealEnvelope({
      plaintext: new TextEncoder().encode(back),
      recipients: [{ memberId: 9, publicKey: sealed.publicKey as `0x${string}` }],
      suite: "gm",
    });
    const flipped = fromNode.ciphertext[4] === "A" ? "B" : "A";
    const tampered = {
      ...fromNode,
      ciphertext: `${fromNode.ciphertext.slice(0, 4)}${flipped}${fromNode.ciphertext.slice(5)}`,
    };
    const inBrowser = await page.evaluate(
      async ({ good, bad }) => {
        const scope = globalThis as unknown as {
          ConsortiaGm: {
            openEnvelope(e: unknown, a: { memberId: number; privateKey: string }): Promise<Uint8Array>;
          };
          gmKey: { privateKey: string };
        };
        const authority = { memberId: 9, privateKey: scope.gmKey.privateKey };
        const text = new TextDecoder().decode(await scope.ConsortiaGm.openEnvelope(good, authority));
        const refused = await scope.ConsortiaGm.openEnvelope(bad, authority).then(
          () => "opened",
          (failure: Error) => failure.name,
        );
        return { text, refused };
      },
      { good: fromNode as unknown, bad: tampered as unknown },
    );
    expect(inBrowser.text).to.equal(back);
    expect(inBrowser.refused, "an altered ciphertext").to.match(/Error$/);
  });

  it("axe-core finds no serious or critical violation on the main pages", async () => {
    await page.goto(`${web}/sign-in`);
    await page.getByText("Demo wallet — local demo chain only").waitFor();
    await shoot("sign-in");
    const pages = Object.keys(axeFindings);
    expect(pages).to.include.members([
      "home",
      "home-zh",
      "sign-in",
      "queue",
      "verify-guarantee",
      "verify-certificate",
      "scf",
      "lineage",
      "lc",
      "credit",
      "data",
      "dataset",
      "forfaiting",
      "interbank",
      "governance",
    ]);
    const serious = Object.entries(axeFindings).filter(([, found]) => found.length > 0);
    expect(serious, JSON.stringify(serious, null, 2)).to.deep.equal([]);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
