import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  GatewayClient,
  GatewayRequestError,
  verifyStoredRequest,
  type AccessRecord,
  type DatasetResponse,
} from "../../src/gateway/client.js";
import { loadConfig } from "../../src/gateway/config.js";
import { startGateway, type Gateway } from "../../src/gateway/server.js";
import { runConsortia } from "../helpers/commands.js";
import { deployOnNode, gatewayEnv, hardhatWallet, writeDataFile, type ChainFixture } from "./gateway-fixture.js";

const PURPOSE = keccak256(toUtf8Bytes("purpose: pension eligibility"));
const DAY = 86_400n;
const PEOPLE = "id,name,pension\n1,person 1,1000\n2,person 2,1001\n";

describe("data gateway: the consumer's signed request, kept and shown to the data owner and auditors", function () {
  this.timeout(180_000);
  let f: ChainFixture;
  let gateway: Gateway;
  let served: DatasetResponse;
  let asOwner: GatewayClient;
  let asAuditor: GatewayClient;
  let asConsumer: GatewayClient;
  let asOtherConsumer: GatewayClient;
  let asSupplier: GatewayClient;

  const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();
  const refusal = async (p: Promise<unknown>): Promise<GatewayRequestError> => {
    const caught = await p.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught).to.be.instanceOf(GatewayRequestError);
    return caught as GatewayRequestError;
  };
  /** What the owner or an auditor does with the answer: recover the consumer and match the chain's record. */
  const checkEvidence = async (record: AccessRecord) => {
    expect(record.accessId).to.equal(served.accessId);
    expect(record.deliveries).to.have.length(1);
    const [stored] = record.deliveries;
    expect(stored).to.include({ accessId: served.accessId, grantId: "1", datasetId: "1", consumer: f.ids.gov2 });
    expect(stored.request).to.include({ purpose: PURPOSE, grantId: "1", datasetId: "1", path: "/datasets/1" });
    expect(stored).not.to.have.property("tag");
    expect(verifyStoredRequest(stored)).to.equal(f.consumer.address);
    const [event] = await f.data.queryFilter(f.data.filters.AccessRecorded(served.accessId));
    expect(event.args.consumerAccount).to.equal(f.consumer.address);
    expect(event.args.resultHash).to.equal(stored.resultHash);
    expect(event.args.resultHash).to.equal(served.resultHash);
  };

  before(async () => {
    f = await deployOnNode();
    const people = await writeDataFile(f.dir, "people.csv", PEOPLE);
    const owner = f.data.connect(f.owner);
    await send(owner.registerDataset(people.hash, 0, keccak256(toUtf8Bytes("people")), 2, 0b1n)); // 1
    const until = BigInt((await f.provider.getBlock("latest"))!.timestamp) + 30n * DAY;
    await send(owner.grantDirect(1, f.ids.gov2, PURPOSE, 0b1n, until, false)); // grant 1
    const manifest = join(f.dir, "manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({ files: [{ datasetId: "1", version: 1, path: "people.csv", contentType: "text/csv" }] }),
    );
    gateway = await startGateway(await loadConfig(gatewayEnv(f, manifest)));
    [asOwner, asAuditor, asConsumer, asOtherConsumer, asSupplier] = await Promise.all(
      [f.owner, f.auditor, f.consumer, f.core, f.supplier].map((signer) => GatewayClient.connect(gateway.url, signer)),
    );
    served = await asConsumer.fetchDataset({ datasetId: 1n, grantId: 1n, purpose: PURPOSE });
  });

  after(async () => {
    await gateway?.close();
    await f?.node.stop();
    if (f !== undefined) await rm(f.dir, { recursive: true, force: true });
  });

  it("the data owner retrieves the signed request, and its signature recovers the consumer", async () => {
    const record = await asOwner.fetchAccessRecord(served.accessId);
    expect(record.readBy).to.deep.equal({ account: f.owner.address, member: f.ids.gov1, as: "owner" });
    await checkEvidence(record);
  });

  it("an auditor (AUDITOR) retrieves it too and verifies it the same way", async () => {
    const record = await asAuditor.fetchAccessRecord(served.accessId.toUpperCase().replace("0X", "0x"));
    expect(record.readBy).to.deep.equal({ account: f.auditor.address, member: f.ids.auditor, as: "auditor" });
    await checkEvidence(record);
  });

  it("reads the reader's standing now: a suspended account of the auditor is refused, reinstated it reads", async () => {
    const second = hardhatWallet(6, f.provider);
    const asAdmin = f.registry.connect(f.auditor);
    await send(asAdmin.addAccount(f.ids.auditor, second.address, 2)); // Transact
    const asSecond = await GatewayClient.connect(gateway.url, second);
    expect((await asSecond.fetchAccessRecord(served.accessId)).readBy.as).to.equal("auditor");
    await send(asAdmin.setAccount(second.address, 2, 2)); // Suspended
    const refused = await refusal(asSecond.fetchAccessRecord(served.accessId));
    expect([refused.status, refused.code]).to.deep.equal([403, "NOT_RECORD_READER"]);
    await send(asAdmin.setAccount(second.address, 1, 2)); // Active again
    expect((await asSecond.fetchAccessRecord(served.accessId)).deliveries).to.have.length(1);
  });

  it("an edited record no longer verifies: neither the consumer nor the owner can change what was signed", async () => {
    const [stored] = (await asOwner.fetchAccessRecord(served.accessId)).deliveries;
    expect(verifyStoredRequest({ ...stored, request: { ...stored.request, purpose: keccak256(PURPOSE) } })).to.equal(
      null,
    );
    expect(verifyStoredRequest({ ...stored, accessId: keccak256(served.accessId) })).to.equal(null);
  });

  it("refuses the consumer itself, another consumer and a member without data roles, without saying if it exists", async () => {
    for (const client of [asConsumer, asOtherConsumer, asSupplier]) {
      for (const accessId of [served.accessId, keccak256(toUtf8Bytes("no such access"))]) {
        const refused = await refusal(client.fetchAccessRecord(accessId));
        expect(refused.status).to.equal(403);
        expect(refused.code).to.equal("NOT_RECORD_READER");
      }
    }
  });

  it("answers UNKNOWN_ACCESS to the owner for an access it keeps no request of", async () => {
    const refused = await refusal(asOwner.fetchAccessRecord(keccak256(toUtf8Bytes("no such access"))));
    expect([refused.status, refused.code]).to.deep.equal([404, "UNKNOWN_ACCESS"]);
  });

  it("applies the request rules of data requests: stale, replayed, or signed for something else", async () => {
    const stale = await refusal(asOwner.fetchAccessRecord(served.accessId, { timestamp: 1_000n }));
    expect(stale.code).to.equal("STALE_REQUEST");
    const nonce = keccak256(toUtf8Bytes("one nonce"));
    await asAuditor.fetchAccessRecord(served.accessId, { nonce });
    const replayed = await refusal(asAuditor.fetchAccessRecord(served.accessId, { nonce }));
    expect(replayed.code).to.equal("REPLAYED_NONCE");
    // The owner's signature for one access presented for another recovers an account of no member.
    const other = keccak256(toUtf8Bytes("another access"));
    const request = {
      method: "GET",
      path: `/accesses/${served.accessId}`,
      accessId: served.accessId,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      nonce: keccak256(toUtf8Bytes("moved")),
    };
    const { ACCESS_RECORD_REQUEST_TYPES } = await import("../../src/gateway/request.js");
    const signature = await f.owner.signTypedData(asOwner.domain, ACCESS_RECORD_REQUEST_TYPES, request);
    const moved = await fetch(`${gateway.url}/accesses/${other}`, {
      headers: {
        "x-consortia-timestamp": request.timestamp.toString(),
        "x-consortia-nonce": request.nonce,
        "x-consortia-signature": signature,
      },
    });
    expect(moved.status).to.equal(401);
    expect(((await moved.json()) as { error: { code: string } }).error.code).to.equal("UNKNOWN_SIGNER");
    const unsigned = await fetch(`${gateway.url}/accesses/${served.accessId}`);
    expect(unsigned.status).to.equal(400);
  });

  it("`consortia data request` shows the stored request from the owner's store, with the recovered signer", async () => {
    const printed = JSON.parse(
      await runConsortia(["--json", "data", "request", served.accessId, "--store", gateway.storeDir]),
    ) as { deliveries: { signedBy: string; signatureValid: boolean }[] };
    expect(printed.deliveries).to.have.length(1);
    expect(printed.deliveries[0]).to.include({ signedBy: f.consumer.address, signatureValid: true });
    const human = await runConsortia(["data", "request", served.accessId, "--store", gateway.storeDir]);
    expect(human).to.match(new RegExp(`^access ${served.accessId}: 1 signed request\\(s\\) kept`));
    const missing = await runConsortia(["data", "request", keccak256(PURPOSE), "--store", gateway.storeDir]).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(missing?.code).to.equal(2);
    expect(missing?.stderr).to.include("no signed request kept for access");
  });
});
