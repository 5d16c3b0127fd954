import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { fileTree } from "@consortia/sdk";
import { GatewayClient, GatewayRequestError, openDelivery, signedRequest } from "../../src/gateway/client.js";
import { execa } from "execa";
import { loadConfig } from "../../src/gateway/config.js";
import { GatewayConfigError } from "../../src/gateway/errors.js";
import { startGateway, type Gateway } from "../../src/gateway/server.js";
import { datasetPath } from "../../src/gateway/request.js";
import { createServer, type AddressInfo } from "node:net";
import { portIsFree } from "../../src/local/node.js";
import { rpc } from "../helpers/node-process.js";
import { deployOnNode, gatewayEnv, writeDataFile, type ChainFixture } from "./gateway-fixture.js";

const PURPOSE = keccak256(toUtf8Bytes("purpose: pension eligibility"));
const DAY = 86_400n;
const V1 = "id,name\n1,alpha\n";
const V2 = "id,name\n1,alpha\n2,beta\n";
const OTHER = "other dataset\n";
/** Dataset 1's metadata document: bit 0 is the id column, bit 1 the name column. */
const PEOPLE_METADATA = {
  format: "consortia/dataset-metadata@1",
  content: { kind: "table", format: "csv" },
  fields: [
    { bit: 0, name: "identifier", columns: ["id"] },
    { bit: 1, name: "name", columns: ["name"] },
  ],
};

describe("data gateway over HTTP against a hardhat node", function () {
  this.timeout(120_000);
  let f: ChainFixture;
  let gateway: Gateway;
  let asConsumer: GatewayClient;
  let asCore: GatewayClient;
  let manifest: string;

  const accessCount = async (datasetId = 1n) => (await f.data.dataset(datasetId)).accessCount;
  const chainNow = async () => BigInt((await f.provider.getBlock("latest"))!.timestamp);

  /** Sends a prepared request and checks the refusal: status, JSON code, nothing served, nothing recorded. */
  async function expectRefused(path: string, headers: Record<string, string>, status: number, code: string) {
    const before = await accessCount();
    const response = await fetch(`${gateway.url}${path}`, { headers });
    expect(response.status).to.equal(status);
    expect(response.headers.get("content-type")).to.match(/^application\/json/);
    const body = (await response.json()) as {
      error: { code: string; message: string };
    };
    expect(body.error.code).to.equal(code);
    expect(body.error.message).to.be.a("string").and.not.equal("");
    expect(JSON.stringify(body)).not.to.contain("alpha");
    expect(await accessCount()).to.equal(before);
    return body;
  }

  async function refusedFetch(client: GatewayClient, options: Parameters<GatewayClient["fetchDataset"]>[0]) {
    const before = await accessCount();
    try {
      await client.fetchDataset(options);
    } catch (error) {
      expect(error).to.be.instanceOf(GatewayRequestError);
      expect(await accessCount()).to.equal(before);
      return error as GatewayRequestError;
    }
    throw new Error("the gateway served a request it should have refused");
  }

  before(async () => {
    f = await deployOnNode();
    const v1 = await writeDataFile(f.dir, "people-v1.csv", V1);
    const v2 = await writeDataFile(f.dir, "people-v2.csv", V2);
    const meta = await writeDataFile(f.dir, "people.meta.json", JSON.stringify(PEOPLE_METADATA));
    const other = await writeDataFile(f.dir, "other.txt", OTHER);
    const asOwner = f.data.connect(f.owner);
    const asConsumerChain = f.data.connect(f.consumer);
    const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait();
    await send(asOwner.registerDataset(v1.hash, 0, meta.hash, 1, 0b11n)); // dataset 1
    await send(asOwner.publishVersion(1, v2.hash, 0, meta.hash));
    await send(asOwner.registerDataset(other.hash, 0, keccak256(toUtf8Bytes("meta other")), 0, 0b1n)); // dataset 2
    const until = (await chainNow()) + 30n * DAY;
    for (let i = 0; i < 3; i++) await send(asConsumerChain.requestAccess(1, PURPOSE, 0b11n)); // grants 1, 2, 3
    for (const id of [1, 2, 3]) await send(asOwner.grantAccess(id, 0b11n, until, true));
    await send(asConsumerChain.delegateAccess(1, f.ids.core, 0b01n, until, false)); // grant 4 -> core
    await send(asConsumerChain.delegateAccess(3, f.ids.core, 0b01n, until, false)); // grant 5 -> core
    manifest = join(f.dir, "manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({
        files: [
          {
            datasetId: "1",
            version: 1,
            path: "people-v1.csv",
            contentType: "text/csv",
            metadata: "people.meta.json",
          },
          {
            datasetId: "1",
            version: 2,
            path: "people-v2.csv",
            contentType: "text/csv",
            metadata: "people.meta.json",
          },
          { datasetId: "2", version: 1, path: "other.txt" },
        ],
      }),
    );
    gateway = await startGateway(await loadConfig(gatewayEnv(f, manifest)));
    asConsumer = await GatewayClient.connect(gateway.url, f.consumer, f.data.target as string);
    asCore = await GatewayClient.connect(gateway.url, f.core);
  });

  after(async () => {
    await gateway?.close();
    await f?.node.stop();
    if (f !== undefined) await rm(f.dir, { recursive: true, force: true });
  });

  describe("serving", () => {
    it("serves the latest version to the grantee after recording the access on chain with the served bytes' hash", async () => {
      const served = await asConsumer.fetchDataset({
        datasetId: 1n,
        grantId: 1n,
        purpose: PURPOSE,
      });
      // The granted view (every field) with the delivery's fingerprint column (gateway-trace.test.ts tests it).
      const text = new TextDecoder().decode(served.bytes);
      expect(text).to.match(/^id,name,row_ref\n1,alpha,[0-9a-f]{32}\n2,beta,[0-9a-f]{32}\n$/);
      expect(served.version).to.equal(2);
      expect(served.contentType).to.match(/^text\/csv/);
      expect(served.resultHash).to.equal(keccak256(served.bytes));
      expect(served.resultHash).not.to.equal(keccak256(toUtf8Bytes(V2)));
      const receipt = await f.provider.getTransactionReceipt(served.transaction);
      expect(receipt?.status).to.equal(1);
      const [event] = await f.data.queryFilter(f.data.filters.AccessRecorded(served.accessId));
      expect(event.args.grantId).to.equal(1n);
      expect(event.args.resultHash).to.equal(served.resultHash);
      expect(event.args.consumerAccount).to.equal(f.consumer.address);
      expect(event.args.consumer).to.equal(BigInt(f.ids.gov2));
      expect(event.args.purposeHash).to.equal(PURPOSE);
      expect(await f.data.verifyFile(1, 2, keccak256(toUtf8Bytes(V2)))).to.equal(true);
    });

    it("serves a named version, and a delegate under its child grant", async () => {
      const served = await asCore.fetchDataset({
        datasetId: 1n,
        grantId: 4n,
        purpose: PURPOSE,
        version: 1,
      });
      // The child grant's scope is bit 0 only: the id column, not the names.
      expect(new TextDecoder().decode(served.bytes)).to.match(/^id,row_ref\n1,[0-9a-f]{32}\n$/);
      expect(served.version).to.equal(1);
      const [event] = await f.data.queryFilter(f.data.filters.AccessRecorded(served.accessId));
      expect(event.args.consumer).to.equal(BigInt(f.ids.core));
    });

    it("publishes its EIP-712 domain and files at /info", async () => {
      expect(asConsumer.info.ownerMember).to.equal(f.ids.gov1);
      expect(asConsumer.info.operator).to.equal(f.owner.address);
      expect(asConsumer.info.files).to.have.length(3);
    });
  });

  describe("refusals (nothing served, nothing recorded)", () => {
    const request = (client: GatewayClient, options: Parameters<typeof signedRequest>[2]) =>
      signedRequest(client.signer, client.domain, options);

    it("refuses a malformed signature", async () => {
      const { headers } = await request(asConsumer, {
        datasetId: 1n,
        grantId: 1n,
        purpose: PURPOSE,
      });
      headers["x-consortia-signature"] = `0x${"00".repeat(65)}`;
      await expectRefused(datasetPath(1n), headers, 401, "BAD_SIGNATURE");
    });

    it("refuses a request altered after signing (the signature no longer names a member)", async () => {
      const { headers } = await request(asConsumer, {
        datasetId: 1n,
        grantId: 1n,
        purpose: PURPOSE,
      });
      headers["x-consortia-grant"] = "2";
      await expectRefused(datasetPath(1n), headers, 401, "UNKNOWN_SIGNER");
    });

    it("refuses a request signed by another member than the grantee", async () => {
      const error = await refusedFetch(asCore, {
        datasetId: 1n,
        grantId: 1n,
        purpose: PURPOSE,
      });
      expect(error.code).to.equal("NOT_GRANTEE");
      expect(error.status).to.equal(403);
    });

    it("refuses a stale or future timestamp", async () => {
      const now = BigInt(Math.floor(Date.now() / 1000));
      for (const timestamp of [now - 120n, now + 120n]) {
        const { headers } = await request(asConsumer, {
          datasetId: 1n,
          grantId: 1n,
          purpose: PURPOSE,
          timestamp,
        });
        await expectRefused(datasetPath(1n), headers, 401, "STALE_REQUEST");
      }
    });

    it("refuses a replayed nonce", async () => {
      const { headers } = await request(asConsumer, {
        datasetId: 1n,
        grantId: 1n,
        purpose: PURPOSE,
      });
      const first = await fetch(`${gateway.url}${datasetPath(1n)}`, {
        headers,
      });
      expect(first.status).to.equal(200);
      await first.arrayBuffer();
      await expectRefused(datasetPath(1n), headers, 409, "REPLAYED_NONCE");
    });

    it("refuses a grant used for another dataset", async () => {
      const error = await refusedFetch(asConsumer, {
        datasetId: 2n,
        grantId: 1n,
        purpose: PURPOSE,
      });
      expect(error.code).to.equal("WRONG_DATASET");
    });

    it("refuses another purpose than the grant's", async () => {
      const purpose = keccak256(toUtf8Bytes("purpose: marketing"));
      const error = await refusedFetch(asConsumer, {
        datasetId: 1n,
        grantId: 1n,
        purpose,
      });
      expect(error.code).to.equal("PURPOSE_MISMATCH");
    });

    it("refuses an unknown grant, an unknown version, a dataset it does not serve and missing headers", async () => {
      expect(
        (
          await refusedFetch(asConsumer, {
            datasetId: 1n,
            grantId: 99n,
            purpose: PURPOSE,
          })
        ).code,
      ).to.equal("UNKNOWN_GRANT");
      expect(
        (
          await refusedFetch(asConsumer, {
            datasetId: 1n,
            grantId: 1n,
            purpose: PURPOSE,
            version: 3,
          })
        ).code,
      ).to.equal("UNKNOWN_VERSION");
      expect(
        (
          await refusedFetch(asConsumer, {
            datasetId: 7n,
            grantId: 1n,
            purpose: PURPOSE,
          })
        ).code,
      ).to.equal("UNKNOWN_DATASET");
      await expectRefused(datasetPath(1n), {}, 400, "BAD_REQUEST");
      await expectRefused("/elsewhere", {}, 404, "NOT_FOUND");
    });

    it("refuses a revoked grant, and a child grant whose parent was revoked", async () => {
      await (await f.data.connect(f.owner).revokeAccess(2, keccak256(toUtf8Bytes("ended")))).wait();
      expect(
        (
          await refusedFetch(asConsumer, {
            datasetId: 1n,
            grantId: 2n,
            purpose: PURPOSE,
          })
        ).code,
      ).to.equal("GRANT_REVOKED");
      await (await f.data.connect(f.owner).revokeAccess(3, keccak256(toUtf8Bytes("ended")))).wait();
      expect(
        (
          await refusedFetch(asCore, {
            datasetId: 1n,
            grantId: 5n,
            purpose: PURPOSE,
          })
        ).code,
      ).to.equal("ANCESTOR_REVOKED");
    });

    it("refuses an expired grant", async () => {
      await (await f.data.connect(f.consumer).requestAccess(1, PURPOSE, 0b1n)).wait(); // grant 6
      await (await f.data.connect(f.owner).grantAccess(6, 0b1n, (await chainNow()) + 60n, false)).wait();
      await rpc(f.node.url, "evm_increaseTime", [120]);
      await rpc(f.node.url, "evm_mine");
      const error = await refusedFetch(asConsumer, {
        datasetId: 1n,
        grantId: 6n,
        purpose: PURPOSE,
      });
      expect(error.code).to.equal("GRANT_EXPIRED");
      expect(error.details.grantId).to.equal("6");
    });
  });

  describe("malformed requests", () => {
    it("answers a malformed JSON body with 400 BAD_REQUEST (not 503 CHAIN_UNAVAILABLE) and keeps serving", async () => {
      // Fastify parses the body before it finds no route for the method (GET bodies are never parsed).
      for (const [line, body] of [
        ["POST /datasets/1", "{not json"],
        ["DELETE /info", '{"a":'],
        ["PATCH /datasets/1/versions/1", "[1,"],
      ]) {
        const answer = await rawRequest(gateway.url, line, "application/json", body);
        expect(answer.status, `${line} ${body}`).to.equal(400);
        expect(JSON.parse(answer.body)).to.have.nested.property("error.code", "BAD_REQUEST");
      }
      const wellFormed = await rawRequest(gateway.url, "POST /datasets/1", "application/json", "{}");
      expect(wellFormed.status).to.equal(404);
      expect((await fetch(`${gateway.url}/info`)).status).to.equal(200);
    });
  });

  describe("start-up checks", () => {
    it("refuses a missing, unreadable or non-JSON manifest and an unreadable file with a GatewayConfigError", async () => {
      const missing = join(f.dir, "no-such-manifest.json");
      const notJson = join(f.dir, "not-json.json");
      await writeFile(notJson, "files: [");
      const missingFile = join(f.dir, "missing-file.json");
      await writeFile(missingFile, JSON.stringify({ files: [{ datasetId: "1", version: 1, path: "gone.csv" }] }));
      const cases: [string, RegExp][] = [
        [missing, /cannot read the gateway manifest .*no-such-manifest\.json \(GATEWAY_MANIFEST\): no such file/],
        [notJson, /the gateway manifest .*not-json\.json is not JSON/],
        [f.dir, /cannot read the gateway manifest/],
      ];
      for (const [path, expected] of cases) {
        const error = await loadConfig(gatewayEnv(f, path)).catch((e: unknown) => e);
        expect(error, path).to.be.instanceOf(GatewayConfigError);
        expect((error as Error).message).to.match(expected);
      }
      const unreadable = await startGateway(await loadConfig(gatewayEnv(f, missingFile))).catch((e: unknown) => e);
      expect(unreadable).to.be.instanceOf(GatewayConfigError);
      expect((unreadable as Error).message).to.match(
        /cannot read .*gone\.csv \(dataset 1 v1 of the manifest\): ENOENT/,
      );
    });

    it("src/gateway/main.ts stops on a configuration problem with one error line and exit code 2", async () => {
      const run = (env: NodeJS.ProcessEnv) =>
        execa(process.execPath, ["--import", "tsx", "src/gateway/main.ts"], {
          env: { ...env, CONSORTIA_DEBUG: "" },
          reject: false,
          timeout: 60_000,
        });
      const cases: [NodeJS.ProcessEnv, RegExp][] = [
        // No configuration at all: every missing variable named in the one line.
        [
          { PATH: process.env.PATH },
          /^error: invalid gateway configuration: GATEWAY_RPC_URL: .*GATEWAY_OPERATOR_KEY: .*GATEWAY_DATA_SHARING: .*GATEWAY_MANIFEST: /,
        ],
        [{ ...gatewayEnv(f, join(f.dir, "absent.json")) }, /^error: cannot read the gateway manifest .*absent\.json/],
        [
          { ...gatewayEnv(f, manifest), GATEWAY_RPC_URL: "nope" },
          /^error: invalid gateway configuration: GATEWAY_RPC_URL/,
        ],
        [
          { ...gatewayEnv(f, manifest), GATEWAY_OPERATOR_KEY: f.consumer.privateKey },
          /^error: dataset 1 is not owned by member 2/,
        ],
        [
          { ...gatewayEnv(f, manifest), GATEWAY_OPERATOR_KEY: f.supplier.privateKey },
          /^error: the operator key's account 0x[0-9a-fA-F]{40} \(GATEWAY_OPERATOR_KEY\) may not act as a data owner/,
        ],
      ];
      // A port already in use, as npm start and the API refuse one.
      const holder = createServer().listen(0, "127.0.0.1");
      await new Promise((done) => holder.once("listening", done));
      const taken = (holder.address() as AddressInfo).port;
      cases.push([
        { ...gatewayEnv(f, manifest), GATEWAY_PORT: String(taken) },
        new RegExp(`^error: port ${taken} \\(GATEWAY_PORT\\) is already in use on 127\\.0\\.0\\.1`),
      ]);
      const results = await Promise.all(cases.map(([env]) => run(env))).finally(() => holder.close());
      results.forEach((result, index) => {
        expect(result.exitCode, result.stderr).to.equal(2);
        expect(result.stderr.trim().split("\n"), result.stderr).to.have.length(1);
        expect(result.stderr).to.match(cases[index][1]);
        expect(result.stderr).not.to.match(/\n\s+at /);
      });
    });

    it("src/gateway/main.ts serves until SIGTERM, then stops: `Stopped: data gateway <url>`, exit 0, port freed", async () => {
      const child = execa(process.execPath, ["--import", "tsx", "src/gateway/main.ts"], {
        env: { ...gatewayEnv(f, manifest), CONSORTIA_DEBUG: "" },
        reject: false,
        buffer: false,
        timeout: 60_000,
      });
      let output = "";
      child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      let exited = false;
      void child.then(() => (exited = true));
      const deadline = Date.now() + 50_000;
      while (!/ on (http:\/\/127\.0\.0\.1:[0-9]+),/.test(output)) {
        if (exited || Date.now() > deadline) expect.fail(`the gateway did not start:\n${output}`);
        await new Promise((done) => setTimeout(done, 100));
      }
      const url = / on (http:\/\/127\.0\.0\.1:[0-9]+),/.exec(output)![1];
      expect((await fetch(`${url}/info`)).status).to.equal(200);
      child.kill("SIGTERM");
      const result = await child;
      expect(result.exitCode, output).to.equal(0);
      expect(output).to.contain(`Stopped: data gateway ${url}`);
      expect(await portIsFree(Number(new URL(url).port))).to.equal(true);
    });

    it("refuses to start when a file does not match the hash its owner registered", async () => {
      const bad = join(f.dir, "tampered.json");
      await writeFile(join(f.dir, "tampered.csv"), "id,name\n1,mallory\n");
      await writeFile(
        bad,
        JSON.stringify({
          files: [{ datasetId: "1", version: 1, path: "tampered.csv" }],
        }),
      );
      let message = "";
      await startGateway(await loadConfig(gatewayEnv(f, bad))).catch((e: Error) => (message = e.message));
      expect(message).to.match(/does not match the hash registered/);
    });

    it("refuses to start with a key that may not act as the datasets' owner", async () => {
      const env = {
        ...gatewayEnv(f, manifest),
        GATEWAY_OPERATOR_KEY: f.supplier.privateKey,
      };
      let failed = false;
      await startGateway(await loadConfig(env)).catch(() => (failed = true));
      expect(failed).to.equal(true);
      const notOwner = {
        ...gatewayEnv(f, manifest),
        GATEWAY_OPERATOR_KEY: f.consumer.privateKey,
      }; // gov2: DATA_OWNER, owns nothing
      let message = "";
      await startGateway(await loadConfig(notOwner)).catch((e: Error) => (message = e.message));
      expect(message).to.match(/is not owned by member 2/);
    });

    it("rejects an invalid environment with every problem named", async () => {
      const env = {
        ...gatewayEnv(f, manifest),
        GATEWAY_OPERATOR_KEY: "0x1234",
        GATEWAY_RPC_URL: "not a url",
      };
      let message = "";
      await loadConfig(env).catch((e: Error) => (message = e.message));
      expect(message).to.contain("GATEWAY_OPERATOR_KEY").and.to.contain("GATEWAY_RPC_URL");
    });
  });
  describe("nonces and Merkle versions", () => {
    it("records concurrent accesses through the SDK's managed signer: consecutive nonces, none lost to a refusal", async () => {
      const until = (await chainNow()) + 30n * DAY;
      await (await f.data.connect(f.consumer).requestAccess(1, PURPOSE, 0b11n)).wait();
      const [requested] = (await f.data.queryFilter(f.data.filters.AccessRequested())).slice(-1);
      const grantId = requested.args.grantId;
      await (await f.data.connect(f.owner).grantAccess(grantId, 0b11n, until, false)).wait();
      const before = await accessCount();
      const firstNonce = await f.provider.getTransactionCount(f.owner.address, "pending");
      const fetches = Array.from({ length: 6 }, (_, i) =>
        i === 3
          ? asConsumer.fetchDataset({ datasetId: 1n, grantId: 99n, purpose: PURPOSE })
          : asConsumer.fetchDataset({ datasetId: 1n, grantId, purpose: PURPOSE }),
      );
      const results = await Promise.allSettled(fetches);
      expect(results.map((r) => r.status)).to.deep.equal([
        "fulfilled",
        "fulfilled",
        "fulfilled",
        "rejected",
        "fulfilled",
        "fulfilled",
      ]);
      expect(await accessCount()).to.equal(before + 5n);
      const served = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const nonces = await Promise.all(
        served.map(async (s) => (await f.provider.getTransaction(s.transaction))!.nonce),
      );
      expect(nonces.sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4].map((i) => firstNonce + i));
    });

    it("serves a file of a Merkle version with the proof fileTree (consortia dataset tree) gives", async () => {
      const q1 = await writeDataFile(f.dir, "q1.csv", "district,pension\nLouxing,1000\n");
      const q2 = await writeDataFile(f.dir, "q2.csv", "district,pension\nLouxing,1010\n");
      const tree = fileTree([q1.hash, q2.hash]);
      await (
        await f.data.connect(f.owner).registerDataset(tree.root, 1, keccak256(toUtf8Bytes("meta q")), 1, 0b1n)
      ).wait();
      const [registered] = (await f.data.queryFilter(f.data.filters.DatasetRegistered())).slice(-1);
      const datasetId = registered.args.datasetId;
      await (await f.data.connect(f.consumer).requestAccess(datasetId, PURPOSE, 0b1n)).wait();
      const [requested] = (await f.data.queryFilter(f.data.filters.AccessRequested())).slice(-1);
      await (
        await f.data.connect(f.owner).grantAccess(requested.args.grantId, 0b1n, (await chainNow()) + DAY, false)
      ).wait();
      const merkleManifest = join(f.dir, "merkle-manifest.json");
      await writeFile(
        merkleManifest,
        JSON.stringify({
          files: [{ datasetId: datasetId.toString(), version: 1, path: "q2.csv", proof: tree.proof(q2.hash) }],
        }),
      );
      const merkleGateway = await startGateway(await loadConfig(gatewayEnv(f, merkleManifest)));
      try {
        const client = await GatewayClient.connect(merkleGateway.url, f.consumer, f.data.target as string);
        const served = await client.fetchDataset({ datasetId, grantId: requested.args.grantId, purpose: PURPOSE });
        // Sealed to the consumer; what it opens is the registered file, a leaf of the tree.
        expect(served.sealedType).to.equal("application/octet-stream");
        expect(served.resultHash).not.to.equal(q2.hash);
        const file = await openDelivery(served, { memberId: f.ids.gov2, privateKey: f.keys.gov2.privateKey });
        expect(keccak256(file)).to.equal(q2.hash);
        expect(await f.data.verifyFileInTree(datasetId, 1, keccak256(file), tree.proof(q2.hash))).to.equal(true);
      } finally {
        await merkleGateway.close();
      }
      // A proof of the other file does not start a gateway for this one.
      await writeFile(
        merkleManifest,
        JSON.stringify({
          files: [{ datasetId: datasetId.toString(), version: 1, path: "q2.csv", proof: tree.proof(q1.hash) }],
        }),
      );
      let refused: unknown;
      await startGateway(await loadConfig(gatewayEnv(f, merkleManifest))).then(
        (g) => g.close(),
        (error: unknown) => (refused = error),
      );
      expect(refused).to.be.instanceOf(Error);
    });
  });
});

/** Sends one HTTP/1.1 request with a raw (possibly malformed) body over a plain socket. */
async function rawRequest(
  base: string,
  line: string,
  contentType: string,
  body: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  const { connect } = await import("node:net");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `${line} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${contentType}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    let answer = "";
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("error", reject);
    socket.on("end", () => {
      const [head, ...rest] = answer.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body: rest.join("\r\n\r\n") });
    });
  });
}
