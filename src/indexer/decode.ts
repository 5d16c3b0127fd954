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

const TWO_256 = 1n << 256n;
const TWO_255 = 1n << 255n;
const STATIC_WORD = /^(address|bool|u?int(\d*)|bytes(\d+))$/;
/** No value: the word is not one this fast path decodes as viem would (the caller falls back to viem). */
const NOT_FAST = Symbol("not fast");

/**
 * One 32-byte ABI word (64 hex digits) of a static type, decoded as viem decodes it (after `normalize`): addresses
 * lower case, uint/int up to 48 bits as numbers and above as bigints, bytesN as hex; NOT_FAST for another type or a
 * value viem would refuse (a bool other than 0 or 1). The backfill's hot path: viem's decodeAbiParameters costs tens of
 * microseconds per log.
 */
function decodeWord(type: string, word: string): unknown {
  const match = STATIC_WORD.exec(type);
  if (match === null || word.length !== 64) return NOT_FAST;
  if (type === "address") return `0x${word.slice(24)}`.toLowerCase();
  if (type === "bool") {
    const value = BigInt(`0x${word}`);
    return value === 0n ? false : value === 1n ? true : NOT_FAST;
  }
  if (match[3] !== undefined) {
    const size = Number(match[3]);
    return size >= 1 && size <= 32 ? `0x${word.slice(0, 2 * size)}`.toLowerCase() : NOT_FAST;
  }
  const bits = match[2] === "" ? 256 : Number(match[2]);
  let value = BigInt(`0x${word}`);
  if (type.startsWith("int") && value >= TWO_255) value -= TWO_256;
  return bits > 48 ? value : Number(value);
}

/** The args of a log whose parameters are all static words, or undefined (then viem decodes it). */
function decodeStatic(decoder: EventDecoder, topics: readonly Hex[], data: Hex): Record<string, unknown> | undefined {
  const args: Record<string, unknown> = {};
  for (const [i, param] of decoder.indexed.entries()) {
    const topic = topics[i + 1];
    if (topic === undefined) return undefined;
    const value = DYNAMIC.test(param.type) ? topic : decodeWord(param.type, topic.slice(2));
    if (value === NOT_FAST) return undefined;
    args[param.name ?? String(i)] = value;
  }
  if (data.length < 2 + 64 * decoder.data.length) return undefined;
  for (const [i, param] of decoder.data.entries()) {
    const value = decodeWord(param.type, data.slice(2 + 64 * i, 66 + 64 * i));
    if (value === NOT_FAST) return undefined;
    args[param.name ?? String(i)] = value;
  }
  return args;
}

/** Decodes a log with its matched decoder (the same as viem's decodeEventLog after the selector match). */
export function decodeLog(decoder: EventDecoder, topics: readonly Hex[], data: Hex): Record<string, unknown> {
  const fast = decodeStatic(decoder, topics, data);
  if (fast !== undefined) return fast;
  return decodeWithViem(decoder, topics, data);
}

/** decodeLog without the static fast path: viem's decoder for every parameter. */
export function decodeWithViem(decoder: EventDecoder, topics: readonly Hex[], data: Hex): Record<string, unknown> {
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
