import { keccak256, TypedDataEncoder, verifyTypedData } from "ethers";
import { fingerprintKey, MARKER_PATTERN, rowRef, watermark } from "./fingerprint.js";
import { DATA_REQUEST_TYPES, gatewayDomain } from "./request.js";
import type { Delivery } from "./store.js";

/** One access a leaked file comes from, and the evidence. */
export interface TraceMatch {
  delivery: Delivery;
  /** `exact`: the file is the served bytes (its hash is the access record's result hash); `rows`: rows kept their
   * `row_ref` markers; `watermark`: a text file kept its watermark line. */
  evidence: "exact" | "rows" | "watermark";
  /** Rows of the leaked file whose marker names this access (for `rows`). */
  rows: number;
  /** The account that signed the request, recovered from the stored EIP-712 signature (the consumer's, or a
   * tampered store). */
  signer: string | null;
}

export interface TraceResult {
  matches: TraceMatch[];
  /** Markers shaped like this store's (a known delivery tag) that no delivery made: edited or forged. */
  unverifiedMarkers: number;
}

/**
 * Names the accesses a leaked file comes from, from the owner's store alone (secret and delivery records): the exact
 * bytes by their hash, then every 32-hex-digit token in the text (any column, any format: CSV or JSON, re-sorted,
 * columns dropped or renamed) checked as a row marker or watermark of a recorded delivery. The cost is one HMAC per
 * source row of each delivery a token points to.
 */
export function traceLeak(bytes: Uint8Array, store: { secret: Uint8Array; deliveries: Delivery[] }): TraceResult {
  const key = fingerprintKey(store.secret);
  const hash = keccak256(bytes);
  const found = new Map<string, TraceMatch>();
  const add = (delivery: Delivery, evidence: TraceMatch["evidence"]) => {
    const known = found.get(delivery.accessId);
    if (known !== undefined) {
      if (evidence === "rows") known.rows += 1;
      return;
    }
    found.set(delivery.accessId, { delivery, evidence, rows: evidence === "rows" ? 1 : 0, signer: signer(delivery) });
  };

  for (const delivery of store.deliveries) if (delivery.resultHash === hash) add(delivery, "exact");

  const byTag = new Map<string, Delivery[]>();
  for (const delivery of store.deliveries) byTag.set(delivery.tag, [...(byTag.get(delivery.tag) ?? []), delivery]);
  const markersOf = new Map<string, Set<string>>();
  const rowMarkers = (delivery: Delivery): Set<string> => {
    let markers = markersOf.get(delivery.accessId);
    if (markers === undefined) {
      markers = new Set<string>();
      for (let row = 0; row < delivery.sourceRows; row++) markers.add(rowRef(key, delivery.accessId, row));
      markersOf.set(delivery.accessId, markers);
    }
    return markers;
  };

  let unverifiedMarkers = 0;
  const text = new TextDecoder().decode(bytes).toLowerCase();
  const seen = new Set<string>();
  for (const [token] of text.matchAll(MARKER_PATTERN)) {
    if (seen.has(token)) continue; // a row copied twice counts once
    seen.add(token);
    const candidates = byTag.get(token.slice(0, 16));
    if (candidates === undefined) continue;
    const delivery = candidates.find((d) =>
      d.kind === "table" ? rowMarkers(d).has(token) : d.kind === "text" && watermark(key, d.accessId) === token,
    );
    if (delivery === undefined) unverifiedMarkers += 1;
    else if (found.get(delivery.accessId)?.evidence !== "exact")
      add(delivery, delivery.kind === "table" ? "rows" : "watermark");
  }
  const order = { exact: 0, watermark: 1, rows: 2 };
  const matches = [...found.values()].sort((a, b) => order[a.evidence] - order[b.evidence] || b.rows - a.rows);
  return { matches, unverifiedMarkers };
}

/**
 * The signer of a stored request, recovered with the stored domain; null when the record does not verify (the
 * request's EIP-712 digest must also be the access id recorded on chain).
 */
export function signer(delivery: Pick<Delivery, "accessId" | "domain" | "request" | "signature">): string | null {
  try {
    const domain = gatewayDomain(BigInt(delivery.domain.chainId), delivery.domain.verifyingContract);
    const { request } = delivery;
    const message = {
      ...request,
      datasetId: BigInt(request.datasetId),
      grantId: BigInt(request.grantId),
      timestamp: BigInt(request.timestamp),
    };
    if (TypedDataEncoder.hash(domain, DATA_REQUEST_TYPES, message) !== delivery.accessId) return null;
    return verifyTypedData(domain, DATA_REQUEST_TYPES, message, delivery.signature);
  } catch {
    return null;
  }
}
