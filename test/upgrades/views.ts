/**
 * A snapshot of every view function of the suite contracts, for the upgrade rehearsal: each view is called with the
 * arguments that the chain's own events suggest (ids, keys, accounts, by parameter name, combined as they occurred
 * in one event), and its raw answer (or revert data) is kept. Two snapshots of the same state are equal byte for byte.
 */
import {
  Interface,
  isError,
  type FunctionFragment,
  type InterfaceAbi,
  type JsonRpcProvider,
  type ParamType,
} from "ethers";

export interface SnapshotContract {
  name: string;
  address: string;
  abi: InterfaceAbi;
}

/** One view call: `CreditBlacklist.entry(0x…,1)` and its calldata. */
export interface ViewCall {
  key: string;
  to: string;
  data: string;
}

type Value = string | boolean;

const ADDRESS = /^0x[0-9a-f]{40}$/;
const BYTES32 = /^0x[0-9a-f]{64}$/;
const UINT = /^(0|[1-9][0-9]*)$/;

/** A parameter name without the trailing underscore Solidity code gives arguments (`registry_`). */
const bare = (name: string): string => name.replace(/_+$/, "");

/** Whether a harvested value can stand for a parameter of this type. */
function fits(value: Value, type: ParamType): boolean {
  if (type.baseType === "address") return typeof value === "string" && ADDRESS.test(value);
  if (type.baseType === "bytes32") return typeof value === "string" && BYTES32.test(value);
  if (type.baseType === "bool") return typeof value === "boolean";
  const uint = /^uint(\d+)$/.exec(type.type);
  if (uint !== null) return typeof value === "string" && UINT.test(value) && BigInt(value) < 1n << BigInt(uint[1]);
  const bytesN = /^bytes(\d+)$/.exec(type.type);
  if (bytesN !== null) return typeof value === "string" && value.length === 2 + 2 * Number(bytesN[1]);
  return false;
}

/** Fallback values of a type that no event names (small ids, both booleans). */
function typeDefaults(type: ParamType, byType: Map<string, Set<Value>>): Value[] {
  if (type.baseType === "bool") return [false, true];
  if (/^uint\d+$/.test(type.type)) return ["0", "1", "2", "3"];
  return [...(byType.get(type.type) ?? [])].slice(0, 8);
}

/**
 * The view calls to snapshot, derived from the decoded events (`args` of the indexer's `events` rows): for a view
 * whose parameter names all occur in one event, the combinations that event carried; otherwise each parameter's
 * values by name (or by type) combined, at most `perFunction` calls per view. Views taking arrays, structs or strings
 * are called only when they take no parameter.
 */
export function viewCalls(
  contracts: readonly SnapshotContract[],
  events: readonly { args: Record<string, unknown> }[],
  perFunction = 60,
): ViewCall[] {
  const byName = new Map<string, Set<Value>>();
  const byType = new Map<string, Set<Value>>();
  const add = (map: Map<string, Set<Value>>, key: string, value: Value) => {
    let set = map.get(key);
    if (set === undefined) map.set(key, (set = new Set()));
    set.add(value);
  };
  const harvest = (name: string, value: unknown): void => {
    if (Array.isArray(value)) return value.forEach((v) => harvest(name, v));
    if (value !== null && typeof value === "object") return Object.entries(value).forEach(([k, v]) => harvest(k, v));
    const v = typeof value === "number" ? String(value) : value;
    if (typeof v !== "string" && typeof v !== "boolean") return;
    add(byName, bare(name), v);
    if (typeof v === "string" && ADDRESS.test(v)) add(byType, "address", v);
    if (typeof v === "string" && BYTES32.test(v)) add(byType, "bytes32", v);
  };
  for (const { args } of events) for (const [k, v] of Object.entries(args)) harvest(k, v);

  const calls: ViewCall[] = [];
  for (const contract of contracts) {
    const iface = new Interface(contract.abi);
    iface.forEachFunction((fn: FunctionFragment) => {
      if (fn.stateMutability !== "view" && fn.stateMutability !== "pure") return;
      const inputs = fn.inputs;
      const simple = inputs.every(
        (p) => !p.isArray() && !p.isTuple() && p.baseType !== "string" && p.baseType !== "bytes",
      );
      if (!simple) return;
      const names = inputs.map((p) => bare(p.name));
      let tuples: Value[][] = [];
      if (inputs.length > 0) {
        const seen = new Set<string>();
        for (const { args } of events) {
          const flat = Object.fromEntries(Object.entries(args).map(([k, v]) => [bare(k), v]));
          if (!names.every((n) => n in flat)) continue;
          const tuple = names.map((n) => (typeof flat[n] === "number" ? String(flat[n]) : flat[n])) as Value[];
          if (!tuple.every((v, i) => fits(v, inputs[i]))) continue;
          const id = JSON.stringify(tuple);
          if (!seen.has(id)) (seen.add(id), tuples.push(tuple));
        }
        if (tuples.length === 0) {
          const options = inputs.map((p, i) => {
            const named = [...(byName.get(names[i]) ?? [])].filter((v) => fits(v, p));
            return (named.length > 0 ? named : typeDefaults(p, byType)).slice(0, 12);
          });
          if (options.some((o) => o.length === 0)) return;
          tuples = options.reduce<Value[][]>((acc, o) => acc.flatMap((t) => o.map((v) => [...t, v])), [[]]);
        }
      } else tuples = [[]];
      for (const tuple of tuples.slice(0, perFunction)) {
        calls.push({
          key: `${contract.name}.${fn.name}(${tuple.map(String).join(",")})`,
          to: contract.address,
          data: iface.encodeFunctionData(fn, tuple),
        });
      }
    });
  }
  return calls;
}

/** Each call's raw answer at a block: the returned bytes, or `revert:<data>`. */
export async function snapshotViews(
  provider: JsonRpcProvider,
  calls: readonly ViewCall[],
  blockTag: number,
): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  const chunk = 100;
  for (let start = 0; start < calls.length; start += chunk) {
    await Promise.all(
      calls.slice(start, start + chunk).map(async (call) => {
        let answer: string;
        try {
          answer = await provider.call({ to: call.to, data: call.data, blockTag });
        } catch (error) {
          if (!isError(error, "CALL_EXCEPTION")) throw error;
          answer = `revert:${error.data ?? ""}`;
        }
        answers.set(call.key, answer);
      }),
    );
  }
  return answers;
}
