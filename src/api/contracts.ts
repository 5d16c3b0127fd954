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
    const { functionName, args } = decodeFunctionData({ abi: FUNCTIONS, data: data as Hex });
    const inputs =
      (FUNCTIONS.find((f) => f.type === "function" && toFunctionSelector(f) === data.slice(0, 10)) as AbiFunction)
        ?.inputs ?? [];
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
