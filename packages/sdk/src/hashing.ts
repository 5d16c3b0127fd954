/**
 * Hashes that go on chain: documents, files and canonical JSON.
 *
 * Every hash is keccak-256 (the EVM's native hash, so a contract can recompute
 * `keccak256(bytes(uri))` itself) and is returned as 0x-prefixed lower-case hex of 32 bytes.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import canonicalize from "canonicalize";
import { fromHex, hasLoneSurrogate, toHex, utf8, type Hex } from "./bytes.js";

/** A JSON value as RFC 8259 defines it; `undefined` object members are treated as absent. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/** Raised for a value that has no single canonical JSON form. */
export class NonCanonicalJsonError extends Error {
  override name = "NonCanonicalJsonError" as const;
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`value at ${path} cannot be canonicalised: ${reason}`);
  }
}

/** Raised for a malformed DocumentRef input. */
export class InvalidDocumentRefError extends Error {
  override name = "InvalidDocumentRefError" as const;
}

/**
 * Registered document kinds (the `uint16 kind` of the Solidity `DocumentRef`). 0 is left
 * unused so that an unset struct field never reads as a real kind.
 */
export const DocumentKind = {
  Contract: 1,
  Invoice: 2,
  Delivery: 3,
  TransportDocument: 4,
  Insurance: 5,
  Inspection: 6,
  Demand: 7,
  Deed: 8,
  Notice: 9,
  Evidence: 10,
  Licence: 11,
  Other: 255,
} as const;
export type DocumentKind = (typeof DocumentKind)[keyof typeof DocumentKind];

const DOCUMENT_KINDS: ReadonlySet<number> = new Set(Object.values(DocumentKind));

/** Mirrors `struct DocumentRef { bytes32 contentHash; bytes32 uriHash; uint16 kind; }`. */
export type DocumentRef = {
  contentHash: Hex;
  uriHash: Hex;
  kind: DocumentKind;
};

/** keccak-256 of raw bytes. */
export function hashBytes(bytes: Uint8Array): Hex {
  return toHex(keccak_256(bytes));
}

/** keccak-256 of the UTF-8 encoding of a string, byte-exact (no normalisation). */
export function hashUtf8(text: string): Hex {
  return hashBytes(utf8(text));
}

/**
 * Serialises a JSON value by RFC 8785 (JSON Canonicalization Scheme): members sorted by
 * UTF-16 code units, no whitespace, ECMAScript number and string formatting.
 *
 * Input is checked first rather than coerced, because JSON.stringify-style coercion
 * (Dates via toJSON, holes to null, dropping functions) would make two different-looking
 * inputs hash alike, or one input hash differently after a library upgrade.
 */
export function canonicalJson(value: JsonValue): string {
  assertStrictJson(value);
  const text = canonicalize(value);
  if (text === undefined) {
    throw new NonCanonicalJsonError("$", "value has no JSON representation");
  }
  return text;
}

/** The UTF-8 bytes of {@link canonicalJson}, which is what is hashed. */
export function canonicalJsonBytes(value: JsonValue): Uint8Array {
  return utf8(canonicalJson(value));
}

/** keccak-256 of the UTF-8 canonical JSON form: the on-chain hash of a JSON document. */
export function hashCanonicalJson(value: JsonValue): Hex {
  return hashBytes(canonicalJsonBytes(value));
}

/**
 * Builds the on-chain reference to an off-chain document. The URI is hashed byte-exact
 * (UTF-8, no normalisation), so whoever verifies must hold the identical URI string; the
 * URI itself never goes on chain because it can reveal who the parties are.
 */
export function documentRef(params: { contentHash: Hex; uri: string; kind: DocumentKind }): DocumentRef {
  const { contentHash, uri, kind } = params;
  let content: Uint8Array;
  try {
    content = fromHex(contentHash, { field: "contentHash", length: 32 });
  } catch (error) {
    throw new InvalidDocumentRefError((error as Error).message);
  }
  if (typeof uri !== "string" || uri.length === 0) {
    throw new InvalidDocumentRefError("uri: expected a non-empty string");
  }
  if (hasLoneSurrogate(uri)) {
    throw new InvalidDocumentRefError("uri: contains a lone UTF-16 surrogate, which has no UTF-8 form");
  }
  if (!DOCUMENT_KINDS.has(kind)) {
    throw new InvalidDocumentRefError(
      `kind: ${String(kind)} is not a registered DocumentKind (${[...DOCUMENT_KINDS].join(", ")})`,
    );
  }
  return { contentHash: toHex(content), uriHash: hashUtf8(uri), kind };
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "object without prototype";
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Iterative so that deeply nested input cannot overflow the call stack. */
function assertStrictJson(root: unknown): void {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: "$" }];
  const ancestors = new Set<unknown>();
  // Containers are re-pushed with `exit` so we know when to leave their subtree (cycle check).
  const exits: { value: unknown; depth: number }[] = [];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    while (exits.length > 0 && exits[exits.length - 1].depth > stack.length) {
      ancestors.delete(exits.pop()!.value);
    }
    switch (typeof value) {
      case "boolean":
        continue;
      case "number":
        if (!Number.isFinite(value)) {
          throw new NonCanonicalJsonError(path, `${value} is not a JSON number`);
        }
        continue;
      case "string":
        if (hasLoneSurrogate(value)) {
          throw new NonCanonicalJsonError(path, "string has a lone surrogate");
        }
        continue;
      case "bigint":
        throw new NonCanonicalJsonError(path, "bigint is not JSON; encode it as a decimal string");
      case "object":
        break;
      default:
        throw new NonCanonicalJsonError(path, `${describeValue(value)} is not a JSON value`);
    }
    if (value === null) continue;
    if (ancestors.has(value)) {
      throw new NonCanonicalJsonError(path, "circular reference");
    }
    if (Array.isArray(value)) {
      ancestors.add(value);
      exits.push({ value, depth: stack.length });
      for (let i = value.length - 1; i >= 0; i--) {
        if (!(i in value) || value[i] === undefined) {
          throw new NonCanonicalJsonError(`${path}[${i}]`, "array element is missing or undefined");
        }
        stack.push({ value: value[i], path: `${path}[${i}]` });
      }
      continue;
    }
    if (!isPlainObject(value)) {
      throw new NonCanonicalJsonError(
        path,
        `${describeValue(value)} is not a plain object; convert it first (e.g. a Date to an ISO string)`,
      );
    }
    ancestors.add(value);
    exits.push({ value, depth: stack.length });
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key];
      const memberPath = `${path}.${key}`;
      if (hasLoneSurrogate(key)) {
        throw new NonCanonicalJsonError(memberPath, "key has a lone surrogate");
      }
      if (member === undefined) continue;
      stack.push({ value: member, path: memberPath });
    }
  }
}
