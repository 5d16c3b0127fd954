import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { GatewayClient, GatewayRequestError, openDelivery, signedRequest } from "../../src/gateway/client.js";
import { loadConfig } from "../../src/gateway/config.js";
import { GatewayConfigError } from "../../src/gateway/errors.js";
import { startGateway, type Gateway } from "../../src/gateway/server.js";
import { rpc } from "../helpers/node-process.js";
import { deployOnNode, gatewayEnv, writeDataFile, type ChainFixture } from "./gateway-fixture.js";

const PURPOSE = keccak256(toUtf8Bytes("purpose: pension eligibility"));
const DAY = 86_400n;
const FORMAT = "consortia/dataset-metadata@1";

const PEOPLE_CSV =
  "id,name,district,pension,note\n" +
  "1,Li Wei,Louxing,1000,internal A\n" +
  "2,Wang Fang,Nanming,1200,internal B\n" +
  '3,"Zhang, San",Louxing,900,internal C\n';
const PEOPLE_JSON = JSON.stringify([
  { id: 1, name: "Li Wei", district: "Louxing", pension: 1000, note: "internal A" },
  { id: 2, name: "Wang Fang", district: "Nanming", pension: 1200, note: "internal B" },
  { id: 3, name: "Zhang, San", district: "Louxing", pension: 900, note: "internal C" },
]);
/** Bit 0: who (id, name); bit 1: pension; bit 2: the Louxing rows; bit 3: the Nanming rows. `note` is in no field. */
const peopleMetadata = (format: "csv" | "json") => ({
  format: FORMAT,
  content: { kind: "table", format },
  fields: [
    { bit: 0, name: "identity", columns: ["id", "name"] },
    { bit: 1, name: "pension", columns: ["pension"] },
    { bit: 2, name: "Louxing district", rows: { column: "district", in: ["Louxing"] } },
    { bit: 3, name: "Nanming district", rows: { column: "district", in: ["Nanming"] } },
  ],
});
const REPORT = "Annual report: pensions paid 3100\n";
const REPORT_METADATA = {
  format: FORMAT,
  content: { kind: "files" },
  fields: [
    { bit: 0, name: "report", files: ["report.txt"] },
    { bit: 1, name: "annex", files: ["annex.txt"] },
  ],
};
const WHOLE = "one indivisible file\n";

/** What no view of the people table below may contain unless granted. */
const NEVER_SERVED = ["note", "internal", "district"];

describe("data gateway: the grant's scope decides what is served", function () {
  this.timeout(180_000);
  let f: ChainFixture;
  let gateway: Gateway;
  let asConsumer: GatewayClient;
  let asCore: GatewayClient;
  const ids = { csv: 1n, json: 2n, files: 3n, whole: 4n };

  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  /** A served CSV view without its fingerprint column (last), checking that every line has it. */
  const view = (bytes: Uint8Array | string) => {
    const lines = (typeof bytes === "string" ? bytes : text(bytes)).split("\n");
    expect(lines[0]).to.match(/,row_ref$/);
    for (const line of lines.slice(1, -1)) expect(line).to.match(/,[0-9a-f]{32}$/);
    return lines
      .map((line, i) => (i === 0 ? line.slice(0, -",row_ref".length) : line.replace(/,[0-9a-f]{32}$/, "")))
      .join("\n");
  };
  /** Opens a sealed file delivery with the consumer's key: the file, then the watermark line. */
  const opened = async (served: Awaited<ReturnType<GatewayClient["fetchDataset"]>>) =>
    text(await openDelivery(served, { memberId: f.ids.gov2, privateKey: f.keys.gov2.privateKey }));
  const chainNow = async () => BigInt((await f.provider.getBlock("latest"))!.timestamp);
  const accessCount = async (datasetId: bigint) => (await f.data.dataset(datasetId)).accessCount;
  const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();

  /** The consumer requests `asked` and the owner grants `scope`; returns the grant id. */
  async function grant(datasetId: bigint, scope: bigint, asked = scope, seconds = 30n * DAY): Promise<bigint> {
    await send(f.data.connect(f.consumer).requestAccess(datasetId, PURPOSE, asked));
    const grantId = await f.data.grantCount();
    await send(f.data.connect(f.owner).grantAccess(grantId, scope, (await chainNow()) + seconds, true));
    return grantId;
  }

  async function refused(client: GatewayClient, datasetId: bigint, grantId: bigint): Promise<GatewayRequestError> {
    const before = await accessCount(datasetId);
    const error = await client.fetchDataset({ datasetId, grantId, purpose: PURPOSE }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(GatewayRequestError);
    expect(await accessCount(datasetId)).to.equal(before);
    for (const word of ["Li Wei", "Wang Fang", "1000", "Annual report", "indivisible"]) {
      expect(JSON.stringify((error as GatewayRequestError).details)).not.to.contain(word);
    }
    return error as GatewayRequestError;
  }

  async function register(content: string, name: string, metadata: unknown, fieldMask: bigint) {
    const file = await writeDataFile(f.dir, name, content);
    const metaHash =
      metadata === undefined
        ? keccak256(toUtf8Bytes(`meta ${name}`))
        : (await writeDataFile(f.dir, `${name}.meta.json`, JSON.stringify(metadata))).hash;
    await send(f.data.connect(f.owner).registerDataset(file.hash, 0, metaHash, 1, fieldMask));
  }

  async function manifestWith(name: string, files: object[]): Promise<string> {
    const path = join(f.dir, name);
    await writeFile(path, JSON.stringify({ files }));
    return path;
  }

  before(async () => {
    f = await deployOnNode();
    await register(PEOPLE_CSV, "people.csv", peopleMetadata("csv"), 0b1111n);
    await register(PEOPLE_JSON, "people.json", peopleMetadata("json"), 0b1111n);
    await register(REPORT, "report.txt", REPORT_METADATA, 0b11n);
    await register(WHOLE, "whole.txt", undefined, 0b11n);
    const manifest = await manifestWith("manifest.json", [
      { datasetId: "1", version: 1, path: "people.csv", contentType: "text/csv", metadata: "people.csv.meta.json" },
      {
        datasetId: "2",
        version: 1,
        path: "people.json",
        contentType: "application/json",
        metadata: "people.json.meta.json",
      },
      { datasetId: "3", version: 1, path: "report.txt", contentType: "text/plain", metadata: "report.txt.meta.json" },
      { datasetId: "4", version: 1, path: "whole.txt", contentType: "text/plain" },
    ]);
    gateway = await startGateway(await loadConfig(gatewayEnv(f, manifest)));
    asConsumer = await GatewayClient.connect(gateway.url, f.consumer, f.data.target as string);
    asCore = await GatewayClient.connect(gateway.url, f.core);
  });

  after(async () => {
    await gateway?.close();
    await f?.node.stop();
    if (f !== undefined) await rm(f.dir, { recursive: true, force: true });
  });

  describe("tables", () => {
    it("serves only the granted columns of the granted rows (CSV), and records the hash of exactly that view", async () => {
      const grantId = await grant(ids.csv, 0b0101n, 0b1111n); // asked for everything, granted identity of Louxing
      const served = await asConsumer.fetchDataset({ datasetId: ids.csv, grantId, purpose: PURPOSE });
      expect(view(served.bytes)).to.equal('id,name\n1,Li Wei\n3,"Zhang, San"\n');
      expect(served.resultHash).to.equal(keccak256(served.bytes));
      const [event] = await f.data.queryFilter(f.data.filters.AccessRecorded(served.accessId));
      expect(event.args.resultHash).to.equal(served.resultHash);
    });

    it("gets nothing extra by asking for more in the URL: no other column, no column name, no other row", async () => {
      const grantId = await grant(ids.csv, 0b0101n);
      const { request, headers } = await signedRequest(f.consumer, asConsumer.domain, {
        datasetId: ids.csv,
        grantId,
        purpose: PURPOSE,
      });
      const response = await fetch(`${gateway.url}${request.path}?scope=0xf&columns=pension,note,district&all=1`, {
        headers,
      });
      expect(response.status).to.equal(200);
      const body = await response.text();
      expect(view(body)).to.equal('id,name\n1,Li Wei\n3,"Zhang, San"\n');
      for (const word of [...NEVER_SERVED, "pension", "1200", "Wang Fang", "Nanming"])
        expect(body).not.to.contain(word);
    });

    it("serves every row set granted, never a column no field lists", async () => {
      const grantId = await grant(ids.csv, 0b1111n);
      const served = await asConsumer.fetchDataset({ datasetId: ids.csv, grantId, purpose: PURPOSE });
      expect(view(served.bytes)).to.equal('id,name,pension\n1,Li Wei,1000\n2,Wang Fang,1200\n3,"Zhang, San",900\n');
      for (const word of NEVER_SERVED) expect(text(served.bytes)).not.to.contain(word);
    });

    it("serves a delegate only its narrower scope", async () => {
      const parent = await grant(ids.csv, 0b1111n);
      await send(
        f.data.connect(f.consumer).delegateAccess(parent, f.ids.core, 0b0110n, (await chainNow()) + DAY, false),
      );
      const child = await f.data.grantCount();
      const served = await asCore.fetchDataset({ datasetId: ids.csv, grantId: child, purpose: PURPOSE });
      expect(view(served.bytes)).to.equal("pension\n1000\n900\n");
      const [event] = await f.data.queryFilter(f.data.filters.AccessRecorded(served.accessId));
      expect(event.args.consumer).to.equal(BigInt(f.ids.core));
    });

    it("serves the header only to a grant of columns without any row set (dropping a bit never widens the view)", async () => {
      const grantId = await grant(ids.csv, 0b0001n);
      const served = await asConsumer.fetchDataset({ datasetId: ids.csv, grantId, purpose: PURPOSE });
      expect(text(served.bytes)).to.equal("id,name,row_ref\n");
    });

    it("refuses a grant that releases no column (OUT_OF_SCOPE): nothing served, nothing recorded", async () => {
      const grantId = await grant(ids.csv, 0b0100n);
      const error = await refused(asConsumer, ids.csv, grantId);
      expect(error.code).to.equal("OUT_OF_SCOPE");
      expect(error.status).to.equal(403);
    });

    it("serves the same view of a JSON table, values keeping their JSON types", async () => {
      const grantId = await grant(ids.json, 0b0111n);
      const served = await asConsumer.fetchDataset({ datasetId: ids.json, grantId, purpose: PURPOSE });
      const rows = JSON.parse(text(served.bytes)) as Record<string, unknown>[];
      for (const row of rows) {
        expect(row.row_ref).to.match(/^[0-9a-f]{32}$/);
        delete row.row_ref;
      }
      expect(rows).to.deep.equal([
        { id: 1, name: "Li Wei", pension: 1000 },
        { id: 3, name: "Zhang, San", pension: 900 },
      ]);
      for (const word of NEVER_SERVED) expect(text(served.bytes)).not.to.contain(word);
    });
  });

  describe("files", () => {
    it("serves a file to a grant of a field that lists it, and refuses a grant of other files only", async () => {
      const annexOnly = await grant(ids.files, 0b10n);
      expect((await refused(asConsumer, ids.files, annexOnly)).code).to.equal("OUT_OF_SCOPE");
      const report = await grant(ids.files, 0b01n);
      const served = await asConsumer.fetchDataset({ datasetId: ids.files, grantId: report, purpose: PURPOSE });
      expect(await opened(served)).to.match(/^Annual report: pensions paid 3100\nconsortia-delivery: [0-9a-f]{32}\n$/);
    });

    it("serves a file without a metadata document only to a grant of every field", async () => {
      const partial = await grant(ids.whole, 0b01n);
      expect((await refused(asConsumer, ids.whole, partial)).code).to.equal("OUT_OF_SCOPE");
      const full = await grant(ids.whole, 0b11n);
      const served = await asConsumer.fetchDataset({ datasetId: ids.whole, grantId: full, purpose: PURPOSE });
      expect(await opened(served)).to.match(/^one indivisible file\nconsortia-delivery: [0-9a-f]{32}\n$/);
    });
  });

  describe("revoked and expired grants get nothing", () => {
    it("refuses a revoked grant and its delegate", async () => {
      const grantId = await grant(ids.csv, 0b1111n);
      await send(
        f.data.connect(f.consumer).delegateAccess(grantId, f.ids.core, 0b0101n, (await chainNow()) + DAY, false),
      );
      const child = await f.data.grantCount();
      await send(f.data.connect(f.owner).revokeAccess(grantId, keccak256(toUtf8Bytes("ended"))));
      expect((await refused(asConsumer, ids.csv, grantId)).code).to.equal("GRANT_REVOKED");
      expect((await refused(asCore, ids.csv, child)).code).to.equal("ANCESTOR_REVOKED");
    });

    it("refuses an expired grant", async () => {
      const grantId = await grant(ids.csv, 0b1111n, 0b1111n, 60n);
      await rpc(f.node.url, "evm_increaseTime", [120]);
      await rpc(f.node.url, "evm_mine");
      expect((await refused(asConsumer, ids.csv, grantId)).code).to.equal("GRANT_EXPIRED");
    });
  });

  describe("start-up checks of the metadata document", () => {
    const startError = async (files: object[]) => {
      const manifest = await manifestWith("bad-manifest.json", files);
      const error = await startGateway(await loadConfig(gatewayEnv(f, manifest))).then(
        async (g) => {
          await g.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(GatewayConfigError);
      return (error as Error).message;
    };
    const csvEntry = { datasetId: "1", version: 1, path: "people.csv" };

    it("refuses a document that is not the one registered for the version", async () => {
      await writeFile(join(f.dir, "edited.meta.json"), JSON.stringify({ ...peopleMetadata("csv"), title: "edited" }));
      expect(await startError([{ ...csvEntry, metadata: "edited.meta.json" }])).to.match(
        /edited\.meta\.json \(dataset 1 v1\) does not match the metadata hash registered/,
      );
    });

    it("refuses a document whose fields are not the dataset's field mask, or that names a missing column", async () => {
      // Registered as dataset 5 with a mask of 0b111 while the document defines 0b1111.
      const wrongMask = await writeDataFile(f.dir, "mask.meta.json", JSON.stringify(peopleMetadata("csv")));
      await send(
        f.data.connect(f.owner).registerDataset(keccak256(toUtf8Bytes(PEOPLE_CSV)), 0, wrongMask.hash, 1, 0b111n),
      );
      expect(await startError([{ ...csvEntry, datasetId: "5", metadata: "mask.meta.json" }])).to.match(
        /bits 0xf\) are not the dataset's field mask 0x7/,
      );
      const typo = { ...peopleMetadata("csv") };
      typo.fields = [
        ...typo.fields.slice(0, 1),
        { bit: 1, name: "pension", columns: ["pensoin"] },
        ...typo.fields.slice(2),
      ];
      const typoFile = await writeDataFile(f.dir, "typo.meta.json", JSON.stringify(typo));
      await send(
        f.data.connect(f.owner).registerDataset(keccak256(toUtf8Bytes(PEOPLE_CSV)), 0, typoFile.hash, 1, 0b1111n),
      );
      expect(await startError([{ ...csvEntry, datasetId: "6", metadata: "typo.meta.json" }])).to.match(
        /field 1 \("pension"\) names column "pensoin", which the file lacks/,
      );
    });
  });

  it("never answers a refusal with data (sanity: the URL trick on a revoked grant)", async () => {
    const grantId = await grant(ids.csv, 0b0101n);
    await send(f.data.connect(f.owner).revokeAccess(grantId, keccak256(toUtf8Bytes("ended"))));
    const { request, headers } = await signedRequest(f.consumer, asConsumer.domain, {
      datasetId: ids.csv,
      grantId,
      purpose: PURPOSE,
    });
    const response = await fetch(`${gateway.url}${request.path}?scope=0xf`, { headers });
    expect(response.status).to.equal(403);
    expect(await response.text()).not.to.contain("Li Wei");
  });
});
