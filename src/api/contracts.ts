import {
  decodeFunctionData,
  toFunctionSelector,
  type Abi,
  type AbiEvent,
  type AbiFunction,
  type AbiParameter,
  type Hex,
} from "viem";
import { loadProjections } from "../indexer/projections.js";

/** The contracts the indexer decodes (deployments names) with their ABIs, from the projections. */
export const CONTRACT_ABIS: ReadonlyMap<string, Abi> = new Map(
  (await loadProjections()).flatMap((p) => Object.entries(p.contracts).map(([name, abi]) => [name, abi as Abi])),
);

/** Event names of each contract. */
export const CONTRACT_EVENTS: ReadonlyMap<string, readonly string[]> = new Map(
  [...CONTRACT_ABIS].map(([name, abi]) => [
    name,
    [...new Set(abi.filter((item): item is AbiEvent => item.type === "event").map((item) => item.name))],
  ]),
);

/** Every function of those contracts once per selector (the same signature decodes the same way everywhere). */
const FUNCTIONS: Abi = [
  ...new Map(
    [...CONTRACT_ABIS.values()]
      .flat()
      .filter((item): item is AbiFunction => item.type === "function")
      .map((item) => [toFunctionSelector(item), item] as const),
  ).values(),
];

/**
 * The same functions by selector, hashed once: viem's `decodeFunctionData` over a whole ABI hashes every function's
 * signature on each call (hundreds of keccak-256 per decoded proposal), which made `/proposals` the slowest list route.
 */
const FUNCTIONS_BY_SELECTOR: ReadonlyMap<string, AbiFunction> = new Map(
  FUNCTIONS.map((item) => [toFunctionSelector(item as AbiFunction), item as AbiFunction] as const),
);

export interface DecodedCall {
  function: string;
  args: Record<string, unknown>;
  /** `suspendMember(3)`, as the CLI shows it. */
  text: string;
}

const plain = (value: unknown): unknown =>
  typeof value === "bigint"
    ? value.toString()
    : Array.isArray(value)
      ? value.map(plain)
      : value !== null && typeof value === "object"
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
        : value;

/** A governance proposal's call decoded with the known ABIs; null when no known function has its selector. */
export function decodeCall(data: string): DecodedCall | null {
  try {
    const fn = FUNCTIONS_BY_SELECTOR.get(data.slice(0, 10));
    if (fn === undefined) return null;
    const { functionName, args } = decodeFunctionData({ abi: [fn], data: data as Hex });
    const inputs = fn.inputs;
    const values = (args ?? []) as readonly unknown[];
    return {
      function: functionName,
      args: Object.fromEntries(
        inputs.map((input: AbiParameter, i) => [
          input.name === undefined || input.name === "" ? String(i) : input.name,
          plain(values[i]),
        ]),
      ),
      text: `${functionName}(${values.map((v) => (typeof plain(v) === "string" ? String(plain(v)) : JSON.stringify(plain(v)))).join(", ")})`,
    };
  } catch {
    return null;
  }
}
