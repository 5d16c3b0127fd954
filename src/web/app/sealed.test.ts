import { describe, expect, it } from "vitest";
import {
  exportSealed,
  freshSalt,
  importSealed,
  keepSealed,
  loadSealed,
  revealOpen,
  storageKey,
  type KeyValueStorage,
  type SealedQuoteRecord,
} from "./sealed.js";

const memory = (): KeyValueStorage & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
};
const bidder = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const record = (offerId: string, price = "1000"): SealedQuoteRecord => ({
  offerId,
  bidder,
  price,
  salt: `0x${"ab".repeat(32)}`,
  keptAt: 1,
});

describe("sealed quotes kept by the browser", () => {
  it("keeps one record per offer and bidder, per chain and account", () => {
    const storage = memory();
    const key = storageKey(1337, bidder);
    expect(key).toBe(`consortia.sealed-quotes.1337.${bidder.toLowerCase()}`);
    keepSealed(storage, key, record("1"));
    keepSealed(storage, key, record("2"));
    keepSealed(storage, key, record("1", "2000")); // a new commitment on the same offer replaces the old one
    expect(loadSealed(storage, key).map((r) => `${r.offerId}:${r.price}`)).toEqual(["2:1000", "1:2000"]);
    expect(loadSealed(storage, storageKey(1, bidder))).toEqual([]);
  });

  it("ignores a corrupt store and malformed records", () => {
    const storage = memory();
    storage.setItem("k", "{not json");
    expect(loadSealed(storage, "k")).toEqual([]);
    storage.setItem("k", JSON.stringify([record("1"), { ...record("2"), salt: "0x12" }, { offerId: "x" }]));
    expect(loadSealed(storage, "k").map((r) => r.offerId)).toEqual(["1"]);
  });

  it("exports and imports for the same chain only", () => {
    const text = exportSealed([record("3")], 1337);
    expect(importSealed(text, 1337)).toEqual([record("3")]);
    expect(() => importSealed(text, 1)).toThrow(/chain 1337, not 1/);
    expect(() => importSealed(JSON.stringify({ format: "other" }), 1337)).toThrow(/not a consortia.sealed-quotes.v1/);
  });

  it("draws 32 random bytes for a salt", () => {
    expect(freshSalt()).toMatch(/^0x[0-9a-f]{64}$/);
    expect(freshSalt()).not.toBe(freshSalt());
    expect(freshSalt((b) => b.fill(1))).toBe(`0x${"01".repeat(32)}`);
  });

  it("opens the reveal window after the quote deadline, for the reveal period", () => {
    const offer = { quoteDeadline: 100, revealPeriod: 50 };
    expect(revealOpen(offer, 100)).toBe(false);
    expect(revealOpen(offer, 101)).toBe(true);
    expect(revealOpen(offer, 150)).toBe(true);
    expect(revealOpen(offer, 151)).toBe(false);
  });
});
