import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { keccak256, toUtf8Bytes } from "ethers";
import { NotARecipientError } from "@consortia/sdk";
import { GatewayClient, openDelivery, type DatasetResponse } from "../../src/gateway/client.js";
import { loadConfig } from "../../src/gateway/config.js";
import { GatewayConfigError } from "../../src/gateway/errors.js";
import { startGateway, type Gateway } from "../../src/gateway/server.js";
import { readDeliveries, readStore, STORE_FILES } from "../../src/gateway/store.js";
import { traceLeak } from "../../src/gateway/trace.js";
import { runConsortia } from "../helpers/commands.js";
import { deployOnNode, gatewayEnv, writeDataFile, type ChainFixture } from "./gateway-fixture.js";

const PURPOSE = keccak256(toUtf8Bytes("purpose: pension eligibility"));
const DAY = 86_400n;
const FORMAT = "consortia/dataset-metadata@1";
const PEOPLE =
  "id,name,district,pension\n" +
  Array.from(
    { length: 20 },
    (_, i) => `${i + 1},person ${i + 1},${i % 2 === 0 ? "Louxing" : "Nanming"},${1000 + i}`,
  ).join("\n") +
  "\n";
const PEOPLE_METADATA = {
  format: FORMAT,
  content: { kind: "table", format: "csv" },
  fields: [
    { bit: 0, name: "identity", columns: ["id", "name"] },
    { bit: 1, name: "district and pension", columns: ["district", "pension"] },
  ],
};
const MEMO = "Memo: the pension reform starts in March.\n";
const BINARY = "\u0000\u0001binary content\u00ff";

describe("data gateway: every delivery unique to its consumer, and traced back from a leaked copy", function () {
  this.timeout(180_000);
  let f: ChainFixture;
  let gateway: Gateway;
  let asGov2: GatewayClient;
  let asCore: GatewayClient;
  let grants: { gov2: bigint; core: bigint; memo: bigint; memoCore: bigint; binary: bigint };

  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();
  const chainNow = async () => BigInt((await f.provider.getBlock("latest"))!.timestamp);
  const fetchPeople = (client: GatewayClient, grantId: bigint) =>
    client.fetchDataset({ datasetId: 1n, grantId, purpose: PURPOSE });
  const rowsOf = (served: DatasetResponse | string) =>
    parse(typeof served === "string" ? served : text(served.bytes), { columns: true }) as Record<string, string>[];
  const trace = async (leak: string | Uint8Array) =>
    traceLeak(typeof leak === "string" ? toUtf8Bytes(leak) : leak, await readStore(gateway.storeDir));

  before(async () => {
    f = await deployOnNode();
    const people = await writeDataFile(f.dir, "people.csv", PEOPLE);
    const meta = await writeDataFile(f.dir, "people.meta.json", JSON.stringify(PEOPLE_METADATA));
    const memo = await writeDataFile(f.dir, "memo.txt", MEMO);
    const binary = await writeDataFile(f.dir, "blob.bin", BINARY);
    const owner = f.data.connect(f.owner);
    await send(owner.registerDataset(people.hash, 0, meta.hash, 2, 0b11n)); // 1
    await send(owner.registerDataset(memo.hash, 0, keccak256(toUtf8Bytes("memo")), 2, 0b1n)); // 2
    await send(owner.registerDataset(binary.hash, 0, keccak256(toUtf8Bytes("blob")), 2, 0b1n)); // 3
    const until = (await chainNow()) + 30n * DAY;
    const direct = async (datasetId: number, grantee: number, scope: bigint) => {
      await send(owner.grantDirect(datasetId, grantee, PURPOSE, scope, until, false));
      return f.data.grantCount();
    };
    grants = {
      gov2: await direct(1, f.ids.gov2, 0b11n),
      core: await direct(1, f.ids.core, 0b11n),
      memo: await direct(2, f.ids.gov2, 0b1n),
      memoCore: await direct(2, f.ids.core, 0b1n),
      binary: await direct(3, f.ids.gov2, 0b1n),
    };
    const manifest = join(f.dir, "manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({
        files: [
          { datasetId: "1", version: 1, path: "people.csv", contentType: "text/csv", metadata: "people.meta.json" },
          { datasetId: "2", version: 1, path: "memo.txt", contentType: "text/plain" },
          { datasetId: "3", version: 1, path: "blob.bin" },
        ],
      }),
    );
    gateway = await startGateway(await loadConfig(gatewayEnv(f, manifest)));
    asGov2 = await GatewayClient.connect(gateway.url, f.consumer, f.data.target as string);
    asCore = await GatewayClient.connect(gateway.url, f.core);
  });

  after(async () => {
    await gateway?.close();
    await f?.node.stop();
    if (f !== undefined) await rm(f.dir, { recursive: true, force: true });
  });

  describe("unique deliveries", () => {
    it("gives two consumers, and two accesses of one consumer, different bytes with the same data", async () => {
      const [a, b, c] = [
        await fetchPeople(asGov2, grants.gov2),
        await fetchPeople(asCore, grants.core),
        await fetchPeople(asGov2, grants.gov2),
      ];
      expect(new Set([a.resultHash, b.resultHash, c.resultHash]).size).to.equal(3);
      const strip = (rows: Record<string, string>[]) => rows.map(({ row_ref: _, ...rest }) => rest);
      expect(strip(rowsOf(a)))
        .to.deep.equal(strip(rowsOf(b)))
        .and.deep.equal(rowsOf(PEOPLE));
      for (const served of [a, b, c]) {
        const refs = rowsOf(served).map((r) => r.row_ref);
        expect(new Set(refs).size).to.equal(20);
        refs.forEach((ref) => expect(ref).to.match(/^[0-9a-f]{32}$/));
        const [event] = await f.data.queryFilter(f.data.filters.AccessRecorded(served.accessId));
        expect(event.args.resultHash).to.equal(served.resultHash);
      }
    });

    it("seals a file to the consumer member only, bound to the access, with a watermark in text", async () => {
      const served = await asGov2.fetchDataset({ datasetId: 2n, grantId: grants.memo, purpose: PURPOSE });
      expect(served.contentType).to.match(/^application\/vnd\.consortia\.envelope\+json/);
      expect(served.sealedType).to.equal("text/plain");
      expect(text(served.bytes)).not.to.contain("pension reform");
      const memo = text(await openDelivery(served, { memberId: f.ids.gov2, privateKey: f.keys.gov2.privateKey }));
      expect(memo).to.match(/^Memo: the pension reform starts in March\.\nconsortia-delivery: [0-9a-f]{32}\n$/);
      const other = await openDelivery(served, { memberId: f.ids.core, privateKey: f.keys.core.privateKey }).catch(
        (e: unknown) => e,
      );
      expect(other).to.be.instanceOf(NotARecipientError);
      // The envelope is bound to its access id: presented as another access's delivery, it does not open.
      const moved = openDelivery(
        { ...served, accessId: keccak256(toUtf8Bytes("another access")) },
        {
          memberId: f.ids.gov2,
          privateKey: f.keys.gov2.privateKey,
        },
      );
      await moved.then(
        () => expect.fail("opened under another access id"),
        (e: Error) => expect(e.message).to.match(/not bound to this access/),
      );
    });

    it("serves a binary file sealed, unchanged inside (the registered file's hash still verifies)", async () => {
      const served = await asGov2.fetchDataset({ datasetId: 3n, grantId: grants.binary, purpose: PURPOSE });
      const file = await openDelivery(served, { memberId: f.ids.gov2, privateKey: f.keys.gov2.privateKey });
      expect(await f.data.verifyFile(3, 1, keccak256(file))).to.equal(true);
      expect(served.resultHash).not.to.equal(keccak256(file));
    });
  });

  describe("trace", () => {
    it("names the access, grant and consumer of an unchanged leaked table (its bytes are the recorded result)", async () => {
      const served = await fetchPeople(asCore, grants.core);
      const { matches } = await trace(served.bytes);
      expect(matches).to.have.length(1);
      const [match] = matches;
      expect(match.evidence).to.equal("exact");
      expect(match.delivery.accessId).to.equal(served.accessId);
      expect(match.delivery.grantId).to.equal(grants.core.toString());
      expect(match.delivery.consumer).to.equal(f.ids.core);
      expect(match.signer).to.equal(f.core.address);
    });

    it("traces a copy re-sorted, with columns dropped and reordered, the marker column renamed, saved as JSON", async () => {
      const served = await fetchPeople(asCore, grants.core);
      const rows = rowsOf(served);
      const edited = rows
        .filter((_, i) => i % 3 !== 0)
        .sort((x, y) => Number(y.pension) - Number(x.pension))
        .map((r) => ({ ref: r.row_ref, pension: r.pension, name: r.name })); // id and district dropped
      for (const leak of [
        stringify(edited, { header: true, quoted: true }),
        JSON.stringify(edited, null, 2),
        stringify(
          edited.map((r) => ({ ...r, ref: r.ref.toUpperCase() })),
          { header: true, delimiter: ";" },
        ),
      ]) {
        const { matches, unverifiedMarkers } = await trace(leak);
        expect(matches, leak.slice(0, 80)).to.have.length(1);
        expect(matches[0].evidence).to.equal("rows");
        expect(matches[0].rows).to.equal(edited.length);
        expect(matches[0].delivery.accessId).to.equal(served.accessId);
        expect(matches[0].delivery.consumer).to.equal(f.ids.core);
        expect(unverifiedMarkers).to.equal(0);
      }
    });

    it("names both accesses when a leak merges rows of two deliveries", async () => {
      const a = await fetchPeople(asGov2, grants.gov2);
      const b = await fetchPeople(asCore, grants.core);
      const merged = [...rowsOf(a).slice(0, 3), ...rowsOf(b).slice(10, 15)];
      const { matches } = await trace(stringify(merged, { header: true }));
      expect(matches.map((m) => [m.delivery.accessId, m.rows])).to.have.deep.members([
        [a.accessId, 3],
        [b.accessId, 5],
      ]);
    });

    it("cannot trace a copy whose marker column was dropped (the documented limit), and flags forged markers", async () => {
      const served = await fetchPeople(asCore, grants.core);
      const withoutMarker = rowsOf(served).map(({ row_ref: _, ...rest }) => rest);
      expect((await trace(stringify(withoutMarker, { header: true }))).matches).to.deep.equal([]);
      // A marker with a real delivery tag and a made-up row tag: no delivery made it.
      const [first] = rowsOf(served);
      const forged = `${first.row_ref.slice(0, 16)}${"0".repeat(16)}`;
      const result = await trace(`id,row_ref\n1,${forged}\n`);
      expect(result.matches).to.deep.equal([]);
      expect(result.unverifiedMarkers).to.equal(1);
    });

    it("traces an opened text file by its watermark, and a sealed file by its bytes", async () => {
      const served = await asCore.fetchDataset({ datasetId: 2n, grantId: grants.memoCore, purpose: PURPOSE });
      const memo = text(await openDelivery(served, { memberId: f.ids.core, privateKey: f.keys.core.privateKey }));
      const retyped = `FWD: ${memo.replaceAll("\n", "\r\n")}`;
      const byWatermark = await trace(retyped);
      expect(byWatermark.matches).to.have.length(1);
      expect(byWatermark.matches[0].evidence).to.equal("watermark");
      expect(byWatermark.matches[0].delivery.accessId).to.equal(served.accessId);
      const byBytes = await trace(served.bytes);
      expect(byBytes.matches[0].evidence).to.equal("exact");
      expect(byBytes.matches[0].delivery.accessId).to.equal(served.accessId);
    });

    it("consortia data trace <file> --store prints the access, grant and consumer (and --json)", async () => {
      const served = await fetchPeople(asGov2, grants.gov2);
      const leak = join(f.dir, "leaked.csv");
      const rows = rowsOf(served).reverse();
      await writeFile(
        leak,
        stringify(
          rows.map(({ name, row_ref }) => ({ name, row_ref })),
          { header: true },
        ),
      );
      const human = await runConsortia(["data", "trace", leak, "--store", gateway.storeDir]);
      expect(human).to.contain(`TRACED ${leak} to 1 access`);
      expect(human).to.contain(served.accessId);
      expect(human).to.match(/valid/);
      const json = JSON.parse(await runConsortia(["--json", "data", "trace", leak, "--store", gateway.storeDir])) as {
        matches: { accessId: string; grantId: string; consumer: number; signatureValid: boolean; rows: number }[];
      };
      expect(json.matches).to.have.length(1);
      expect(json.matches[0]).to.include({
        accessId: served.accessId,
        grantId: grants.gov2.toString(),
        consumer: f.ids.gov2,
        signatureValid: true,
        rows: 20,
      });
      await writeFile(leak, "id,name\n1,someone\n");
      expect(await runConsortia(["data", "trace", leak, "--store", gateway.storeDir])).to.match(/^NOT TRACED/);
    });
  });

  describe("the store", () => {
    it("keeps a delivery record, with the signed request, for every access recorded on chain", async () => {
      const deliveries = await readDeliveries(gateway.storeDir);
      const recorded = (await f.data.queryFilter(f.data.filters.AccessRecorded())).map((e) => e.args.accessId);
      expect(recorded).to.have.length.greaterThan(10);
      expect(deliveries.map((d) => d.accessId)).to.have.members(recorded);
      for (const d of deliveries) expect(d.signature).to.match(/^0x[0-9a-f]{130}$/);
    });

    it("skips a line torn by a crash mid-write", async () => {
      const before = await readDeliveries(gateway.storeDir);
      const copy = join(f.dir, "torn-store");
      await rm(copy, { recursive: true, force: true });
      await mkdir(copy);
      const full = await readFile(join(gateway.storeDir, STORE_FILES.deliveries), "utf8");
      await writeFile(join(copy, STORE_FILES.deliveries), full);
      await appendFile(join(copy, STORE_FILES.deliveries), '{"accessId":"0x12');
      expect(await readDeliveries(copy)).to.have.length(before.length);
    });

    it("refuses to start a second gateway on the same store while the first runs", async () => {
      const manifest = join(f.dir, "manifest.json");
      const error = await startGateway(await loadConfig(gatewayEnv(f, manifest, gateway.storeDir))).catch(
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(GatewayConfigError);
      expect((error as Error).message).to.match(/another gateway \(pid \d+\) uses the store/);
    });
  });
});
