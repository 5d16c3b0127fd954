import { expect } from "chai";
import { rpc } from "../helpers/node-process.js";

/** The node's timestamp of each block, fetched once per block. */
export function blockTimes(nodeUrl: string): (block: number) => Promise<number> {
  const cache = new Map<number, Promise<number>>();
  return (block) => {
    let time = cache.get(block);
    if (time === undefined) {
      time = rpc<{ timestamp: string }>(nodeUrl, "eth_getBlockByNumber", [`0x${block.toString(16)}`, false]).then((b) =>
        Number(b.timestamp),
      );
      cache.set(block, time);
    }
    return time;
  };
}

/** Every object in `value` that names a block: a row source (`block`, `tx`, `logIndex`) or an event (`blockNumber`). */
function blockRecords(value: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (value === null || typeof value !== "object") return found;
  const o = value as Record<string, unknown>;
  if (("block" in o && "tx" in o && "logIndex" in o) || ("blockNumber" in o && "txHash" in o)) found.push(o);
  for (const child of Array.isArray(value) ? value : Object.values(o)) blockRecords(child, found);
  return found;
}

/**
 * Checks that every source and event in an answer carries its block's time as the node has it: `time` in unix
 * seconds and `date` in ISO 8601. Returns how many it checked.
 */
export async function expectChainTimes(
  body: unknown,
  time: (block: number) => Promise<number>,
  where: string,
): Promise<number> {
  const records = blockRecords(body);
  for (const record of records) {
    const block = (record.block ?? record.blockNumber) as number;
    const expected = await time(block);
    expect(record, `${where}: block ${block}`).to.include({
      time: expected,
      date: new Date(expected * 1000).toISOString(),
    });
  }
  return records.length;
}

/** Routes without path parameters that are not JSON lists, or need a query parameter (`/access-trace`: one of two). */
const NOT_WALKED = new Set(["/health", "/ready", "/metrics", "/openapi.json", "/events/stream", "/access-trace"]);

interface OpenApi {
  paths: Record<string, { get?: { parameters?: { in: string; required: boolean }[] } }>;
}

/**
 * Every GET route of /openapi.json without path parameters, plus `more` paths: each answer's sources and events carry
 * their block's time. Returns the records checked per path; fails when an answer has none where `more` expects some.
 */
export async function expectChainTimesEverywhere(
  get: (path: string) => Promise<unknown>,
  nodeUrl: string,
  more: readonly string[] = [],
): Promise<Record<string, number>> {
  const time = blockTimes(nodeUrl);
  const doc = (await get("/openapi.json")) as OpenApi;
  // GET routes only (the sign-in routes are POST).
  const lists = Object.keys(doc.paths).filter(
    (p) => !p.includes("{") && !NOT_WALKED.has(p) && doc.paths[p].get !== undefined,
  );
  const counts: Record<string, number> = {};
  for (const path of [...lists, ...more]) counts[path] = await expectChainTimes(await get(path), time, path);
  for (const path of more) expect(counts[path], `${path} has no source`).to.be.greaterThan(0);
  return counts;
}
