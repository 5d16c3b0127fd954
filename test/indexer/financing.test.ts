import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { decodeBytes32String, isHexString, keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { FinancingRequests__factory, type FinancingRequests } from "@consortia/sdk/typechain";
import { verifyIndex } from "../../src/indexer/verify.js";
import { QUOTE_READERS, REQUEST_READERS } from "../../src/api/routes/financing.js";
import { Sql } from "../../src/api/route.js";
import type { Database } from "../../src/indexer/db.js";
import { deployProxy } from "../helpers/upgradeable.js";
import { passProposal, startChain } from "./chain.js";
import { catchUp, createIndexer, indexerApi, indexerOptions, testStores } from "./harness.js";
import { advance, confirmed, DAY, deployReceivables, type ReceivablesChain } from "./receivables-scenario.js";

/** Creation code that returns `block.timestamp` as one word: TIMESTAMP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN. */
const RETURN_TIMESTAMP = "0x4260005260206000f3";

/** A custom error's bytes32 argument as text (the contracts' FinancingInvalidTerms("deadline") and the like). */
function reason(failure: unknown): string {
  const args = (failure as { revert?: { args?: unknown[] } }).revert?.args ?? [];
  return args
    .map((arg) => (typeof arg === "string" && isHexString(arg, 32) ? decodeBytes32String(arg) : String(arg)))
    .join(", ");
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<void> {
  await (await tx).wait();
}

describe("indexer: multi-bank financing requests", function () {
  this.timeout(180_000);
  let chain: ReceivablesChain;
  let financing: FinancingRequests;
  const ids = { open: 0n, sealed: 0n, cancelled: 0n };

  before(async () => {
    chain = await deployReceivables(await startChain());
    const implementation = await new FinancingRequests__factory(chain.deployer).deploy(
      chain.registry,
      chain.desk,
      chain.certificates,
      chain.token,
      "0x0000000000000000000000000000000000000000",
    );
    financing = await deployProxy(implementation, [], chain.deployer);
    const address = await financing.getAddress();
    await passProposal(
      chain,
      await chain.registry.getAddress(),
      chain.registry.interface.encodeFunctionData("setSystemContract", [address, true]),
      "financing",
    );
    const block = (await financing.deploymentTransaction()!.wait())!.blockNumber;
    chain.deployments.contracts.FinancingRequests = { address, block };
    writeFileSync(chain.deploymentsPath, JSON.stringify(chain.deployments, null, 2));

    const { accounts } = chain;
    for (const bank of [accounts.bankA, accounts.bankB]) {
      await mined(chain.token.connect(accounts.bankA).mint(await bank.getAddress(), 5_000_000n));
      await mined(chain.token.connect(bank).approve(address, 5_000_000n));
    }
    const f = financing.connect(accounts.supplier1);
    // The chain's clock as the next call sees it: `block.timestamp` read by an eth_call of creation code that returns
    // TIMESTAMP (the context the contract's checks run in, including a time increase not yet mined), not the latest
    // block's time.
    const now = async () => BigInt(await chain.provider.call({ data: RETURN_TIMESTAMP }));
    const terms = async (rateBps: number, dayCount: number, fee: bigint) => ({
      rateBps,
      dayCount,
      fee,
      validUntil: (await now()) + 5n * BigInt(DAY),
    });
    const certificate = async () => {
      const { root } = await confirmed(chain, accounts.supplier1, 1_000_000n, 90);
      await mined(chain.certificates.connect(accounts.supplier1)["approve(address,uint256)"](address, root));
      return root;
    };
    const request = async (tokenId: bigint, sealed: boolean): Promise<bigint> => {
      const t = await now();
      const args = [
        tokenId,
        400_000n,
        [chain.ids.bankA, chain.ids.bankB],
        sealed,
        t + 2n * BigInt(DAY),
        sealed ? t + 3n * BigInt(DAY) : 0n,
      ] as [bigint, bigint, number[], boolean, bigint, bigint];
      try {
        const id = await f.request.staticCall(...args);
        await mined(f.request(...args));
        return id;
      } catch (failure) {
        // What the contract compared, to tell a clock problem from a terms problem (this step failed in whole runs
        // only).
        const head = await chain.provider.getBlock("latest");
        const c = await chain.certificates.certificate(tokenId);
        throw new Error(
          `request(${args.join(", ")}) failed at block ${head!.number} time ${head!.timestamp} (wall ` +
            `${Math.floor(Date.now() / 1000)}, node ${chain.url}); certificate value ${c.value} locked ${c.locked} ` +
            `maturity ${c.maturity}: ${(failure as Error).message} ${reason(failure)}`,
          { cause: failure },
        );
      }
    };

    // Open: two quotes, bank B's accepted.
    ids.open = await request(await certificate(), false);
    await mined(financing.connect(accounts.bankA).quote(ids.open, await terms(360, 1, 1_000n)));
    await mined(financing.connect(accounts.bankB).quote(ids.open, await terms(350, 2, 2_000n)));
    await mined(f.accept(ids.open, chain.ids.bankB));
    // Sealed: two commitments, bank A reveals, bank B never reveals; bank A's quote is accepted once the reveal
    // deadline has passed (before it, bank B's sealed quote holds acceptance up).
    ids.sealed = await request(await certificate(), true);
    const sealedTerms = await terms(300, 2, 500n);
    const salt = keccak256(toUtf8Bytes("indexer salt"));
    await mined(
      financing
        .connect(accounts.bankA)
        .commitQuote(ids.sealed, await financing.quoteCommitment(ids.sealed, chain.ids.bankA, sealedTerms, salt)),
    );
    await mined(financing.connect(accounts.bankB).commitQuote(ids.sealed, keccak256(toUtf8Bytes("bank B"))));
    await advance(chain, 2 * DAY + 1);
    await mined(financing.connect(accounts.bankA).revealQuote(ids.sealed, sealedTerms, salt));
    await advance(chain, DAY);
    await mined(f.accept(ids.sealed, chain.ids.bankA));
    // Cancelled, after bank A quoted and withdrew.
    ids.cancelled = await request(await certificate(), false);
    await mined(financing.connect(accounts.bankA).quote(ids.cancelled, await terms(400, 1, 0n)));
    await mined(financing.connect(accounts.bankA).withdrawQuote(ids.cancelled));
    await mined(f.cancel(ids.cancelled));
  });

  after(async () => {
    await chain?.stop();
  });

  for (const store of testStores()) {
    describe(`on ${store.name}`, () => {
      let db: Database;
      let api: Awaited<ReturnType<typeof indexerApi>>;
      before(async () => {
        db = await store.open();
        const indexer = await createIndexer(db, chain.deployments, indexerOptions(chain.url));
        await catchUp(indexer);
        api = await indexerApi(db, indexer);
      });
      after(async () => {
        await api?.close();
        await db?.close();
        await store.cleanup();
      });

      const current = (table: string, where = "TRUE", params: unknown[] = []) =>
        db.query(`SELECT * FROM ${table} WHERE valid_to_block IS NULL AND ${where}`, params);

      it("projects each request, the banks asked and the settlement of the accepted quote", async () => {
        const [open] = await current("financing_requests", "request_id = $1", [ids.open.toString()]);
        const accepted = await financing.queryFilter(financing.filters.FinancingAccepted(ids.open));
        const pricing = accepted[0].args.pricing;
        expect(open).to.include({
          status: "Accepted",
          accepted_bank: chain.ids.bankB,
          value: "400000",
          price: pricing.price.toString(),
          interest: pricing.interest.toString(),
          fee: "2000",
          sealed: false,
          bank_count: 2,
        });
        const [sealed] = await current("financing_requests", "request_id = $1", [ids.sealed.toString()]);
        expect(sealed).to.include({ status: "Accepted", accepted_bank: chain.ids.bankA, sealed: true });
        const [cancelled] = await current("financing_requests", "request_id = $1", [ids.cancelled.toString()]);
        expect(cancelled.status).to.equal("Cancelled");
        const banks = await current("financing_request_banks", "request_id = $1 ORDER BY bank", [ids.open.toString()]);
        expect(banks.map((b) => Number(b.bank))).to.deep.equal(
          [chain.ids.bankA, chain.ids.bankB].sort((a, b) => a - b),
        );
      });

      it("projects quotes: in the clear, sealed until revealed, withdrawn", async () => {
        const quote = async (id: bigint, bank: number) =>
          (await current("financing_quotes", "request_id = $1 AND bank = $2", [id.toString(), bank]))[0];
        expect(await quote(ids.open, chain.ids.bankA)).to.include({
          status: "Quoted",
          rate_bps: 360,
          day_count: "ACT/360",
        });
        expect(await quote(ids.open, chain.ids.bankB)).to.include({ status: "Accepted", day_count: "ACT/365" });
        expect(await quote(ids.sealed, chain.ids.bankA)).to.include({ status: "Accepted", rate_bps: 300 });
        const hidden = await quote(ids.sealed, chain.ids.bankB);
        expect(hidden).to.include({ status: "Committed", rate_bps: null });
        expect(hidden.commitment).to.match(/^0x[0-9a-f]{64}$/);
        expect((await quote(ids.cancelled, chain.ids.bankA)).status).to.equal("Withdrawn");
      });

      it("serves requests and quotes through the API", async () => {
        const list = await api.inject({ method: "GET", url: "/financing-requests?bank=" + chain.ids.bankB });
        expect(list.statusCode).to.equal(200);
        const items = (list.json() as { items: { id: string; status: string }[] }).items;
        expect(items.map((i) => i.id)).to.have.members([ids.open, ids.sealed, ids.cancelled].map(String));
        const one = await api.inject({ method: "GET", url: `/financing-requests/${ids.open}` });
        expect(one.statusCode).to.equal(200);
        const body = one.json() as {
          status: string;
          acceptance: { bank: number; price: string };
          banks: number[];
          quotes: { bank: number; rateBps: number; dayCount: string }[];
        };
        expect(body.status).to.equal("Accepted");
        expect(body.acceptance.bank).to.equal(chain.ids.bankB);
        expect(body.quotes.map((q) => q.bank)).to.have.members([chain.ids.bankA, chain.ids.bankB]);
        expect((await api.inject({ method: "GET", url: "/financing-requests/999" })).statusCode).to.equal(404);
      });

      it("access rows: the supplier and the asked banks see a request; a bank sees its own quote, the supplier all", async () => {
        const visibleRequests = async (member: number) => {
          const q = new Sql();
          const where = REQUEST_READERS("r")(q, member);
          const rows = await db.query(
            `SELECT DISTINCT r.request_id FROM financing_requests r WHERE r.valid_to_block IS NULL AND ${where}`,
            q.params,
          );
          return rows.map((r) => String(r.request_id)).sort();
        };
        const visibleQuotes = async (member: number) => {
          const q = new Sql();
          const where = QUOTE_READERS("x")(q, member);
          const rows = await db.query(
            `SELECT x.bank FROM financing_quotes x WHERE x.valid_to_block IS NULL AND x.request_id = ${q.p(ids.open.toString(), "numeric")} AND ${where}`,
            q.params,
          );
          return rows.map((r) => Number(r.bank)).sort((a, b) => a - b);
        };
        const all = [ids.open, ids.sealed, ids.cancelled].map(String).sort();
        expect(await visibleRequests(chain.ids.supplier1)).to.deep.equal(all);
        expect(await visibleRequests(chain.ids.bankA)).to.deep.equal(all);
        expect(await visibleRequests(chain.ids.bankC)).to.deep.equal([]);
        expect(await visibleRequests(chain.ids.supplier2)).to.deep.equal([]);
        const both = [chain.ids.bankA, chain.ids.bankB].sort((a, b) => a - b);
        expect(await visibleQuotes(chain.ids.supplier1)).to.deep.equal(both);
        expect(await visibleQuotes(chain.ids.bankA)).to.deep.equal([chain.ids.bankA]);
        expect(await visibleQuotes(chain.ids.bankB)).to.deep.equal([chain.ids.bankB]);
        expect(await visibleQuotes(chain.ids.bankC)).to.deep.equal([]);
      });

      it("verify finds no drift between the index and the contract's views", async () => {
        const result = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(result.drift).to.deep.equal([]);
        expect(result.compared["financing requests, asked banks and quotes"]).to.be.greaterThan(30);
      });
    });
  }
});
