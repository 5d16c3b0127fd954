/**
 * Turns a revert from any suite contract into `{ contract, name, args, message }` with a human sentence.
 *
 * One ethers `Interface` holds the custom errors of every contract listed by a client in `./clients/index.ts`, built
 * once on first use. Browser-safe.
 */
import { ErrorFragment, Interface, decodeBytes32String, getAddress, type ParamType } from "ethers";
import { CLIENTS } from "./clients/index.js";
import type { ErrorMessage } from "./clients/define.js";
import type { Deployment } from "./deployments.js";

/** A decoded revert. */
export interface DecodedContractError {
  /** The suite contract the failing call was sent to (or the only one defining the error), when known. */
  contract?: string;
  /** Error name: a custom error's, or `Error` (require message), `Panic`, `Revert` (no data). */
  name: string;
  /** `MissingRole(uint32,uint64)`. */
  signature: string;
  /** Four-byte selector ("0x" for a revert without data). */
  selector: string;
  /** Decoded values by parameter name (bigints as such). */
  args: Record<string, unknown>;
  /** A sentence for people: "member 3 lacks role TOKEN_ISSUER". */
  message: string;
  /** The raw revert data. */
  data: string;
}

/** An error thrown by the SDK for a reverted call or transaction, carrying the decoded revert. */
export class ContractError extends Error {
  override name = "ContractError";
  readonly contract?: string;
  readonly errorName: string;
  readonly args: Record<string, unknown>;
  readonly data: string;
  readonly decoded: DecodedContractError;
  constructor(decoded: DecodedContractError, cause?: unknown) {
    super(`${decoded.contract ?? "contract"} reverted with ${decoded.name}: ${decoded.message}`, { cause });
    this.decoded = decoded;
    this.contract = decoded.contract;
    this.errorName = decoded.name;
    this.args = decoded.args;
    this.data = decoded.data;
  }
}

interface CatalogEntry {
  fragment: ErrorFragment;
  contracts: string[];
  /** Solidity types of the inputs from the ABI JSON (`enum IConsortiumRegistry.MemberStatus`), which ethers drops. */
  internalTypes: (string | undefined)[];
}

interface AbiErrorJson {
  type?: string;
  name?: string;
  inputs?: { type: string; internalType?: string }[];
}

interface Catalog {
  iface: Interface;
  bySelector: Map<string, CatalogEntry>;
  enums: Map<string, readonly string[]>;
  messages: Map<string, ErrorMessage>;
}

let catalog: Catalog | undefined;

function buildCatalog(): Catalog {
  const bySelector = new Map<string, CatalogEntry>();
  const enums = new Map<string, readonly string[]>();
  const messages = new Map<string, ErrorMessage>();
  for (const definition of Object.values(CLIENTS)) {
    for (const [contractName, factory] of Object.entries(definition.contracts)) {
      const abi = (typeof factory.abi === "string" ? JSON.parse(factory.abi) : factory.abi) as AbiErrorJson[];
      for (const json of abi) {
        if (typeof json !== "object" || json.type !== "error") continue;
        const fragment = ErrorFragment.from(json);
        const entry = bySelector.get(fragment.selector);
        const internalTypes = (json.inputs ?? []).map((input) => input.internalType);
        if (entry === undefined)
          bySelector.set(fragment.selector, {
            fragment,
            contracts: [contractName],
            internalTypes,
          });
        else if (!entry.contracts.includes(contractName)) entry.contracts.push(contractName);
      }
    }
    for (const [name, labels] of Object.entries(definition.enums ?? {})) enums.set(name, labels);
    for (const [name, message] of Object.entries(definition.messages ?? {})) messages.set(name, message);
  }
  const iface = new Interface([...bySelector.values()].map((entry) => entry.fragment));
  return { iface, bySelector, enums, messages };
}

function getCatalog(): Catalog {
  return (catalog ??= buildCatalog());
}

export interface DecodeOptions {
  /** The address the failing call or transaction was sent to (read from the error when absent). */
  to?: string;
  /** The deployment, to name the contract at `to`. */
  deployment?: Deployment;
}

const ERROR_STRING = "0x08c379a0";
const PANIC = "0x4e487b71";
const PANIC_REASONS: Record<number, string> = {
  0x01: "assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "invalid enum value",
  0x22: "corrupt storage byte array",
  0x31: "pop on an empty array",
  0x32: "array index out of bounds",
  0x41: "out of memory",
  0x51: "call to an uninitialised function",
};

/**
 * Decodes a thrown error (ethers CallExceptionError, a JSON-RPC error, Hardhat's) whose revert data a suite contract
 * produced. Returns undefined when the error holds no revert data (a network failure, a rejected signature).
 */
export function decodeContractError(error: unknown, options: DecodeOptions = {}): DecodedContractError | undefined {
  const data = findRevertData(error);
  if (data === undefined) return undefined;
  return decodeRevertData(data, {
    ...options,
    to: options.to ?? findTarget(error),
  });
}

/** Decodes raw revert data. Unknown selectors yield name `UnknownError`. */
export function decodeRevertData(data: string, options: DecodeOptions = {}): DecodedContractError {
  const selector = data.length >= 10 ? data.slice(0, 10).toLowerCase() : "0x";
  const target = contractAt(options);
  const base = { selector, data };
  if (selector === "0x") {
    return {
      ...base,
      contract: target,
      name: "Revert",
      signature: "",
      args: {},
      message: "reverted without a reason",
    };
  }
  if (selector === ERROR_STRING || selector === PANIC) {
    const fragment = ErrorFragment.from(selector === PANIC ? "error Panic(uint256)" : "error Error(string)");
    const [value] = new Interface([fragment]).decodeErrorResult(fragment, data);
    const message = selector === PANIC ? `panic: ${PANIC_REASONS[Number(value)] ?? `code ${value}`}` : String(value);
    const name = fragment.name;
    return {
      ...base,
      contract: target,
      name,
      signature: fragment.format("sighash"),
      args: { [selector === PANIC ? "code" : "reason"]: value },
      message,
    };
  }
  const { iface, bySelector, messages } = getCatalog();
  const entry = bySelector.get(selector);
  if (entry === undefined) {
    return {
      ...base,
      contract: target,
      name: "UnknownError",
      signature: "",
      args: {},
      message: `unknown custom error ${selector}`,
    };
  }
  let values: readonly unknown[];
  try {
    values = iface.decodeErrorResult(entry.fragment, data);
  } catch {
    return {
      ...base,
      contract: target,
      name: entry.fragment.name,
      signature: entry.fragment.format("sighash"),
      args: {},
      message: "malformed error data",
    };
  }
  const args: Record<string, unknown> = {};
  const shown: Record<string, string> = {};
  entry.fragment.inputs.forEach((param, index) => {
    const key = param.name === "" ? String(index) : param.name;
    args[key] = values[index];
    shown[key] = formatValue(param, entry.internalTypes[index], values[index], options);
  });
  const template = messages.get(entry.fragment.name);
  const message =
    template?.(shown) ??
    `${entry.fragment.name}(${Object.entries(shown)
      .map(([key, value]) => `${key}=${value}`)
      .join(", ")})`;
  return {
    ...base,
    contract: target ?? (entry.contracts.length === 1 ? entry.contracts[0] : undefined),
    name: entry.fragment.name,
    signature: entry.fragment.format("sighash"),
    args,
    message,
  };
}

/** Wraps a thrown error as a `ContractError` when it is a revert; returns it unchanged otherwise. */
export function toContractError(error: unknown, options: DecodeOptions = {}): Error {
  if (error instanceof ContractError) return error;
  const decoded = decodeContractError(error, options);
  if (decoded !== undefined) return new ContractError(decoded, error);
  return error instanceof Error ? error : new Error(String(error));
}

function contractAt({ to, deployment }: DecodeOptions): string | undefined {
  if (to === undefined || deployment === undefined) return undefined;
  const lower = to.toLowerCase();
  return Object.entries(deployment.contracts).find(([, entry]) => entry.address.toLowerCase() === lower)?.[0];
}

function formatValue(
  param: ParamType,
  internalType: string | undefined,
  value: unknown,
  options: DecodeOptions,
): string {
  const enumName = internalType?.startsWith("enum ") ? internalType.slice(5) : undefined;
  if (enumName !== undefined) {
    const labels = getCatalog().enums.get(enumName);
    return labels?.[Number(value)] ?? String(value);
  }
  if (param.type === "address") return getAddress(String(value));
  if (param.type === "bytes32") {
    try {
      const text = decodeBytes32String(String(value));
      if (/^[\x20-\x7e]+$/.test(text)) return text;
    } catch {
      // not a short string: show the hash
    }
    return String(value);
  }
  if (param.type === "bytes") {
    const nested = String(value);
    if (nested.length >= 10) {
      const decoded = decodeRevertData(nested, {
        deployment: options.deployment,
      });
      if (decoded.name !== "UnknownError") return `${decoded.name}: ${decoded.message}`;
    }
    return nested === "0x" ? "no reason" : nested;
  }
  return String(value);
}

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

/** Finds revert data in the nested shapes ethers, JSON-RPC nodes and Hardhat use. */
function findRevertData(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 6) return undefined;
  const record = error as Record<string, unknown>;
  const code = record.code;
  if (typeof record.data === "string" && HEX.test(record.data)) {
    // ethers sets data "0x" on CALL_EXCEPTION for a reason-less revert; elsewhere "0x" means nothing.
    if (record.data.length >= 10 || code === "CALL_EXCEPTION") return record.data;
  }
  for (const key of ["data", "error", "info", "cause", "revert", "errorData"]) {
    const nested = record[key];
    if (nested !== null && typeof nested === "object") {
      const found = findRevertData(nested, depth + 1);
      if (found !== undefined) return found;
    }
  }
  const message = typeof record.message === "string" ? record.message : "";
  const match = /return data: (0x[0-9a-fA-F]+)/.exec(message);
  if (match !== null) return match[1];
  if (code === "CALL_EXCEPTION" && depth === 0) return "0x";
  return undefined;
}

function findTarget(error: unknown): string | undefined {
  const record = error as {
    transaction?: { to?: unknown };
    receipt?: { to?: unknown };
  } | null;
  const to = record?.transaction?.to ?? record?.receipt?.to;
  return typeof to === "string" ? to : undefined;
}
