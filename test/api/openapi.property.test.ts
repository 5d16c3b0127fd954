import { expect } from "chai";
import fc from "fast-check";
import type { IndexerAndApi } from "../../src/api/start.js";
import { platformScenario, startChain, type TestChain } from "../indexer/chain.js";
import { startChainApi, stopChainApi } from "./harness.js";

/**
 * Walks every route of /openapi.json with generated parameters, valid and invalid, path ids, real and forged
 * cursors, repeated and unknown parameters: the API never answers 5xx, every 4xx carries a JSON error body and the
 * process keeps serving. CI runs a fixed seed and a bounded count; FC_SEED and FC_RUNS explore further.
 */

interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonSchema;
}
interface JsonSchema {
  anyOf?: JsonSchema[];
  format?: string;
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  maxLength?: number;
  default?: unknown;
}
interface Operation {
  path: string;
  parameters: Parameter[];
}

const SEED = Number(process.env.FC_SEED ?? 20_250_901);
const RUNS = Number(process.env.FC_RUNS ?? 1500);

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}`);

/** Values the parameter's schema accepts (biased to small ids, which exist in the test chain). */
function validValue(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map(validValue));
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  // Dates (`at`, `asOf`, maturities): from 1970 to 2100, as a date or a date-time in UTC or with an offset.
  if (schema.format === "date" || schema.format === "date-time") {
    const instant = fc.date({ min: new Date(0), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true });
    if (schema.format === "date") return instant.map((d) => d.toISOString().slice(0, 10));
    return fc
      .tuple(instant, fc.constantFrom("Z", "+08:00", "-05:30"))
      .map(([d, zone]) => d.toISOString().replace(/\.\d{3}Z$/, zone));
  }
  if (schema.type === "integer") {
    const min = schema.minimum ?? 0;
    const max = Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    return fc
      .oneof(fc.integer({ min, max: Math.min(max, min + 20) }), fc.integer({ min, max }), fc.constant(max))
      .map(String);
  }
  if (schema.pattern === "^0x[0-9a-fA-F]{40}$") return hex(20);
  if (schema.pattern === "^0x[0-9a-fA-F]{64}$") return hex(32);
  if (schema.pattern === "^(0|[1-9][0-9]*)$") {
    return fc
      .oneof(
        fc.bigInt({ min: 0n, max: 20n }),
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.constant(2n ** 256n - 1n),
      )
      .map(String);
  }
  // Free text: now and then with a NUL inside (PostgreSQL text cannot hold one).
  return fc
    .tuple(fc.string({ minLength: 1, maxLength: schema.maxLength ?? 40 }), fc.boolean())
    .map(([text, nul]) => (nul ? `${text}\0` : text));
}

/** Values no schema should accept, and values that used to reach the database unchecked. */
const invalidValue = fc.oneof(
  fc.constantFrom(
    "",
    "\0",
    "a\0b",
    "0x1",
    "1e3",
    "-1",
    "01",
    "+1",
    "1.5",
    " 1",
    "NaN",
    "Infinity",
    "null",
    "[]",
    "{}",
    "9".repeat(80),
    String(2n ** 256n),
    "0x" + "g".repeat(40),
    "DROP TABLE members",
    "%",
    "\u202e",
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
);

/** Junk where a cursor goes: JSON of any shape, base64url-encoded. */
const junkCursor = fc
  .jsonValue({ maxDepth: 2 })
  .map((payload) => Buffer.from(JSON.stringify(payload) ?? "null").toString("base64url"));

/** A real cursor of the list with its position replaced by values of any type (the list, sort and order still fit). */
const alteredCursor = (real: string) => {
  const { k, v } = JSON.parse(Buffer.from(real, "base64url").toString()) as { k: string; v: unknown[] };
  return fc
    .oneof(
      fc.tuple(...v.map(() => fc.jsonValue({ maxDepth: 1 }))),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: v.length + 1 }),
      fc.constant(v.map((x) => (typeof x === "number" ? String(x) : typeof x === "string" ? Number(x) : x))),
    )
    .map((values) => Buffer.from(JSON.stringify({ k, v: values })).toString("base64url"));
};

interface Request {
  operation: Operation;
  path: Record<string, string>;
  query: [string, string][];
}

function requestFor(operation: Operation, cursors: ReadonlyMap<string, string>): fc.Arbitrary<Request> {
  const pathParams = operation.parameters.filter((p) => p.in === "path");
  const queryParams = operation.parameters.filter((p) => p.in === "query");
  const own = cursors.get(operation.path);
  const value = (p: Parameter) =>
    p.name === "cursor"
      ? fc.oneof(
          ...(own === undefined ? [] : [fc.constant(own), alteredCursor(own), alteredCursor(own)]),
          fc.constantFrom(...cursors.values()),
          junkCursor,
          invalidValue,
        )
      : fc.oneof({ weight: 3, arbitrary: validValue(p.schema) }, { weight: 1, arbitrary: invalidValue });
  const path = fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name, value(p)])) as Record<string, fc.Arbitrary<string>>,
  );
  const query = fc
    .tuple(
      fc.subarray(queryParams),
      fc.option(fc.constantFrom(...queryParams.map((p) => p.name), "unknown"), { freq: 4 }),
    )
    .chain(([chosen, extra]) =>
      fc.tuple(
        ...chosen.map((p) => value(p).map((v) => [p.name, v] as [string, string])),
        ...(extra === null ? [] : [invalidValue.map((v) => [extra, v] as [string, string])]),
      ),
    );
  return fc.record({ operation: fc.constant(operation), path, query });
}

describe("API: generated requests against every OpenAPI route", function () {
  this.timeout(600_000);
  let chain: TestChain;
  let api: IndexerAndApi;

  before(async () => {
    chain = await startChain();
    await platformScenario(chain);
    api = await startChainApi(chain, "api_fuzz");
  });
  after(() => stopChainApi(api, chain));

  it("never answers 5xx, always explains a 4xx in JSON, and keeps serving", async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: Parameter[] } }>;
    };
    // GET routes (the sign-in routes are POST; test/api/auth.test.ts covers them).
    const operations: Operation[] = Object.entries(doc.paths)
      .filter(([path, item]) => path !== "/events/stream" && item.get !== undefined)
      .map(([path, item]) => ({ path, parameters: item.get?.parameters ?? [] }));
    expect(operations.length).to.be.greaterThan(40);

    // A real cursor of each list, to alter and to replay on the wrong lists.
    const cursors = new Map<string, string>();
    for (const { path, parameters } of operations) {
      if (path.includes("{") || !parameters.some((p) => p.name === "cursor")) continue;
      const page = (await (await fetch(`${api.url}${path}?limit=1`)).json()) as { nextCursor?: string | null };
      if (typeof page.nextCursor === "string") cursors.set(path, page.nextCursor);
    }
    expect(cursors.size).to.be.greaterThan(3);

    const statuses = new Map<number, number>();
    const requests = fc.oneof(...operations.map((operation) => requestFor(operation, cursors)));
    await fc.assert(
      fc.asyncProperty(requests, async ({ operation, path, query }) => {
        const url =
          operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(path[name])) +
          (query.length === 0
            ? ""
            : `?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`);
        const response = await fetch(`${api.url}${url}`);
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${url} → ${text}`).to.be.below(500);
        if (response.status >= 400) {
          const body = JSON.parse(text) as { error?: unknown; message?: unknown };
          expect(body.error, url).to.be.a("string");
          expect(body.message, url).to.be.a("string");
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Both sides were exercised: answers and rejections.
    expect(statuses.get(200) ?? 0, JSON.stringify([...statuses])).to.be.greaterThan(RUNS / 20);
    expect(statuses.get(400) ?? 0, JSON.stringify([...statuses])).to.be.greaterThan(RUNS / 10);
    expect((await fetch(`${api.url}/health`)).status).to.equal(200);
  });

  it("rejects invalid event-stream parameters with a JSON 400", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("contract", "event"),
        invalidValue.filter((v) => !/^[A-Z]/.test(v)),
        async (name, value) => {
          const response = await fetch(`${api.url}/events/stream?${name}=${encodeURIComponent(value)}`);
          expect(response.status, `${name}=${JSON.stringify(value)}`).to.equal(400);
          expect(((await response.json()) as { message: string }).message).to.match(new RegExp(`^${name}: `));
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
  });
});
