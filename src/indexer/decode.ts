import { decodeAbiParameters, toEventSelector, type Abi, type AbiEvent, type AbiParameter, type Hex } from "viem";

/** A matched event: the ABI item and its inputs split once, so decoding a log never hashes a signature. */
export interface EventDecoder {
  contract: string;
  name: string;
  indexed: readonly AbiParameter[];
  data: readonly AbiParameter[];
  /** Input names in declaration order. */
  order: readonly string[];
}

/** address (lower case) → topic0 → decoder. Built once at start from the projections' ABIs. */
export type TopicMap = Map<string, Map<string, EventDecoder>>;

export class UndecodableLogError extends Error {
  constructor(contract: string, name: string, cause: unknown) {
    super(`cannot decode ${contract}.${name}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Builds the topic0 → event map of each contract address. */
export function buildTopicMap(
  contracts: readonly { name: string; address: string; abi: Abi | readonly unknown[] }[],
): TopicMap {
  const map: TopicMap = new Map();
  for (const { name, address, abi } of contracts) {
    const byTopic = new Map<string, EventDecoder>();
    for (const item of abi as Abi) {
      if (item.type !== "event" || item.anonymous === true) continue;
      const event = item as AbiEvent;
      byTopic.set(toEventSelector(event), {
        contract: name,
        name: event.name,
        indexed: event.inputs.filter((i) => i.indexed === true),
        data: event.inputs.filter((i) => i.indexed !== true),
        order: event.inputs.map((i, n) => i.name ?? String(n)),
      });
    }
    map.set(address.toLowerCase(), byTopic);
  }
  return map;
}

const DYNAMIC = /^(string|bytes|tuple)$|\[/;

/** Lower-cases addresses (recursively) so that keys compare as strings. */
function normalize(value: unknown): unknown {
  if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase();
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

/** Decodes a log with its matched decoder (the same as viem's decodeEventLog after the selector match). */
export function decodeLog(decoder: EventDecoder, topics: readonly Hex[], data: Hex): Record<string, unknown> {
  try {
    const args: Record<string, unknown> = {};
    decoder.indexed.forEach((param, i) => {
      const topic = topics[i + 1];
      if (topic === undefined) throw new Error(`missing topic for ${param.name}`);
      // Indexed dynamic values are stored as their keccak hash: keep the topic.
      args[param.name ?? String(i)] = DYNAMIC.test(param.type)
        ? topic
        : normalize(decodeAbiParameters([param], topic)[0]);
    });
    if (decoder.data.length > 0) {
      const values = decodeAbiParameters(decoder.data, data);
      decoder.data.forEach((param, i) => (args[param.name ?? String(i)] = normalize(values[i])));
    }
    return args;
  } catch (error) {
    throw new UndecodableLogError(decoder.contract, decoder.name, error);
  }
}

/** JSON form of decoded args (bigint → decimal string). */
export function argsToJson(args: Record<string, unknown>): string {
  return JSON.stringify(args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
