import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { closeApi } from "../../src/api/server.js";
import { openDatabase } from "../../src/indexer/db.js";
import { PLATFORM_TABLES } from "../../src/indexer/projections/platform.js";
import { VERIFY_CHECKS, VERIFY_TABLES, verifyIndex, VerifyUsageError } from "../../src/indexer/verify.js";
import { mine } from "./chain.js";
import {
  catchUp,
  createIndexer,
  indexerApi,
  indexerOptions,
  runVerify,
  testStores,
  useFloodedChain,
} from "./harness.js";

describe("indexer: consortia index verify (projections against the contracts' views)", function () {
  this.timeout(180_000);
  const flooded = useFloodedChain();

  for (const store of testStores()) {
    it(`${store.name}: no drift after the scenario, now and at an earlier block; every check compares values`, async () => {
      const { chain } = flooded;
      const db = await store.open();
      try {
        const indexer = await createIndexer(db, chain.deployments, indexerOptions(chain.url));
        await catchUp(indexer);
        const now = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(now.drift).to.deep.equal([]);
        expect(now.block).to.equal(indexer.status.indexedBlock);
        expect(Object.keys(now.compared)).to.deep.equal(VERIFY_CHECKS);
        // Every check of the platform's contracts (this chain has no application deployed) compares values.
        const platform = PLATFORM_TABLES.map((t) => t.name) as string[];
        const checks = VERIFY_CHECKS.filter((c) => VERIFY_TABLES[c].every((t) => platform.includes(t)));
        expect(checks).to.include.members(["members", "accounts", "nodes", "votes", "contract status"]);
        for (const check of checks) expect(now.compared[check], check).to.be.greaterThan(0);
        // History: the projections as of an earlier block against eth_call at that block.
        const earlier = await verifyIndex({
          db,
          rpcUrl: chain.url,
          deployments: chain.deployments,
          block: chain.deployments.deploymentBlock + 20,
        });
        expect(earlier.drift).to.deep.equal([]);
        // /status shows the last verification.
        const api = await indexerApi(db, indexer);
        try {
          const status = (await api.inject({ url: "/status" })).json();
          expect(status.verification).to.include({ block: earlier.block, time: earlier.time });
          expect(status.verification.drift).to.deep.equal([]);
        } finally {
          await closeApi(api);
        }
        // A block not indexed yet is a usage error, not drift.
        await mine(chain.url, 1);
        let refused: unknown;
        await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments, block: now.block + 1 }).catch(
          (e: unknown) => (refused = e),
        );
        expect(refused).to.be.instanceOf(VerifyUsageError);
        expect((refused as Error).message).to.match(/not indexed yet/);
      } finally {
        await db.close();
        await store.cleanup();
      }
    });

    it(`${store.name}: a tampered projection row is drift`, async () => {
      const { chain } = flooded;
      const db = await store.open();
      try {
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
        const [row] = await db.query<{ account: string }>(
          `SELECT account FROM token_balances WHERE valid_to_block IS NULL AND balance > 0 ORDER BY account LIMIT 1`,
        );
        await db.query(
          `UPDATE token_balances SET balance = balance + 1 WHERE valid_to_block IS NULL AND account = $1`,
          [row.account],
        );
        await db.query(`UPDATE members SET status = 'Suspended' WHERE valid_to_block IS NULL AND member_id = 1`);
        const result = await verifyIndex({ db, rpcUrl: chain.url, deployments: chain.deployments });
        expect(result.drift.map((d) => d.key)).to.have.members([
          `balanceOf(${row.account})`,
          "sum of indexed balances = totalSupply",
          "member 1 status",
        ]);
        expect(result.drift.find((d) => d.key === "member 1 status")).to.include({
          indexed: "Suspended",
          chain: "Active",
        });
      } finally {
        await db.close();
        await store.cleanup();
      }
    });
  }

  it("the command exits 0 without drift, 1 with drift, 2 on usage errors or an unreachable node", async () => {
    const { chain } = flooded;
    const dir = mkdtempSync(join(tmpdir(), "consortia-verify-"));
    try {
      const env = { RPC_URL: chain.url, DEPLOYMENTS: chain.deploymentsPath, DATA_DIR: join(dir, "pglite") };
      const db = await openDatabase({ dataDir: env.DATA_DIR });
      try {
        await catchUp(await createIndexer(db, chain.deployments, indexerOptions(chain.url)));
      } finally {
        await db.close();
      }
      const clean = await runVerify(env);
      expect(clean.code, clean.stderr).to.equal(0);
      expect(clean.stdout).to.match(/^block \d+ \(\d{4}-\d\d-\d\dT[^)]+\): \d+ values compared in \d+ checks/);
      expect(clean.stdout).to.match(/\nno drift\n$/);

      expect((await runVerify(env, ["--block", "x"])).code).to.equal(2);
      const ahead = await runVerify(env, ["--block", "999999"]);
      expect(ahead.code).to.equal(2);
      expect(ahead.stderr).to.match(/not indexed yet/);
      const unreachable = await runVerify({ ...env, RPC_URL: "http://127.0.0.1:9", REQUEST_TIMEOUT_MS: "1000" });
      expect(unreachable.code).to.equal(2);
      expect(unreachable.stderr).to.match(/cannot read block/);

      const tampered = await openDatabase({ dataDir: env.DATA_DIR });
      try {
        await tampered.query(`UPDATE token_supply SET supply = supply + 7 WHERE valid_to_block IS NULL`);
      } finally {
        await tampered.close();
      }
      const drift = await runVerify(env);
      expect(drift.code).to.equal(1);
      expect(drift.stdout).to.match(/drift {2}token supply and balances: totalSupply: indexed \d+, chain \d+/);
      expect(drift.stdout).to.match(/1 drifting value\(s\)\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
