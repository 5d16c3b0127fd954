import { describe, expect, it } from "vitest";
import {
  acceptableQuotes,
  acceptQuoteFor,
  bankActionFor,
  ChainDateError,
  deadlineAfterChain,
  parsePaymentReference,
  PaymentReferenceError,
  ZERO_REFERENCE,
  type OfferRow,
} from "./offers.js";

const BANK = 4;
const discount: OfferRow = { kind: "discount", id: "1", status: "Pending", deadline: 1_000, counterpartyMember: BANK };
const pledge: OfferRow = { kind: "pledge", id: "2", status: "Active", deadline: 2_000, counterpartyMember: BANK };

describe("bankActionFor", () => {
  it("offers accepting a pending discount until its deadline, inclusive, by the chain's time", () => {
    expect(bankActionFor(discount, BANK, 999)).toEqual({ action: "acceptDiscount", ok: true });
    expect(bankActionFor(discount, BANK, 1_000)).toEqual({ action: "acceptDiscount", ok: true });
    expect(bankActionFor(discount, BANK, 1_001)).toEqual({
      action: "acceptDiscount",
      ok: false,
      reason: "expired",
      at: 1_000,
    });
  });
  it("offers taking an active pledge only from its due date", () => {
    expect(bankActionFor(pledge, BANK, 1_999)).toEqual({
      action: "takePledge",
      ok: false,
      reason: "notDue",
      at: 2_000,
    });
    expect(bankActionFor(pledge, BANK, 2_000)).toEqual({ action: "takePledge", ok: true });
  });
  it("offers nothing to another member, nor on a closed offer, nor on a transfer offer", () => {
    expect(bankActionFor(discount, BANK + 1, 0)).toBeUndefined();
    expect(bankActionFor({ ...discount, counterpartyMember: null }, BANK, 0)).toBeUndefined();
    expect(bankActionFor({ ...discount, status: "Accepted" }, BANK, 0)).toBeUndefined();
    expect(bankActionFor({ ...pledge, status: "Taken" }, BANK, 5_000)).toBeUndefined();
    expect(bankActionFor({ ...pledge, status: "Released" }, BANK, 5_000)).toBeUndefined();
    expect(bankActionFor({ ...discount, kind: "transfer" }, BANK, 0)).toBeUndefined();
  });
});

describe("parsePaymentReference", () => {
  it("takes empty as no reference and a 32-byte hex value as itself (lower case)", () => {
    expect(parsePaymentReference("  ")).toBe(ZERO_REFERENCE);
    const ref = `0x${"AB".repeat(32)}`;
    expect(parsePaymentReference(` ${ref} `)).toBe(ref.toLowerCase());
  });
  it("refuses short, long, unprefixed and non-hex values", () => {
    for (const bad of ["0x12", `0x${"a".repeat(66)}`, "a".repeat(64), `0x${"g".repeat(64)}`, "CNAPS-1234"]) {
      expect(() => parsePaymentReference(bad), bad).toThrow(PaymentReferenceError);
    }
  });
});

describe("deadlineAfterChain", () => {
  it("is the end of the chosen day when that is after the chain's time", () => {
    const end = Math.floor(new Date(2030, 0, 15, 23, 59, 59).getTime() / 1000);
    expect(deadlineAfterChain("2030-01-15", end - 1)).toBe(end);
  });
  it("refuses a day already over by the chain's time even when the browser clock says otherwise", () => {
    // The demo moved the chain a year past the browser: tomorrow by the browser clock is past on chain.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const iso = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
    const chainNow = Math.floor(Date.now() / 1000) + 365 * 86_400;
    expect(() => deadlineAfterChain(iso, chainNow)).toThrow(ChainDateError);
    const end = Math.floor(new Date(2030, 0, 15, 23, 59, 59).getTime() / 1000);
    expect(() => deadlineAfterChain("2030-01-15", end)).toThrow(ChainDateError);
  });
  it("refuses an empty or malformed date", () => {
    expect(() => deadlineAfterChain("", 0)).toThrow(ChainDateError);
    expect(() => deadlineAfterChain("15/01/2030", 0)).toThrow(ChainDateError);
  });
});

describe("acceptQuoteFor", () => {
  const SELLER = 9;
  const open = { state: "Open", seller: SELLER, sealed: false, quoteDeadline: 1_000, revealPeriod: 0 };
  const sealed = { ...open, sealed: true, revealPeriod: 500 };
  it("lets the seller accept an open offer's quote", () => {
    expect(acceptQuoteFor(open, SELLER, 0)).toEqual({ ok: true });
    expect(acceptQuoteFor(open, SELLER, 5_000)).toEqual({ ok: true });
  });
  it("on a sealed offer, only after the end of the reveal window by the chain's time", () => {
    expect(acceptQuoteFor(sealed, SELLER, 1_500)).toEqual({ ok: false, reason: "revealOpen", at: 1_500 });
    expect(acceptQuoteFor(sealed, SELLER, 1_501)).toEqual({ ok: true });
  });
  it("offers nothing to another member or on an offer no longer open", () => {
    expect(acceptQuoteFor(open, SELLER + 1, 0)).toBeUndefined();
    expect(acceptQuoteFor({ ...open, state: "Traded" }, SELLER, 0)).toBeUndefined();
    expect(acceptQuoteFor({ ...open, state: "Withdrawn" }, SELLER, 0)).toBeUndefined();
  });
});

describe("acceptableQuotes", () => {
  it("keeps active quotes with a price, best first; drops committed (unrevealed), withdrawn and accepted ones", () => {
    const q = (bidder: string, state: string, price: string | null) => ({ bidder, state, price });
    const quotes = [
      q("a", "Active", "900"),
      q("b", "Committed", null),
      q("c", "Active", "12000000000000000000001"),
      q("d", "Withdrawn", "950"),
      q("e", "Accepted", "990"),
      q("f", "Active", "12000000000000000000000"),
    ];
    expect(acceptableQuotes(quotes).map((x) => x.bidder)).toEqual(["c", "f", "a"]);
  });
});
