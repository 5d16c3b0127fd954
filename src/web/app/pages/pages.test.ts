import { describe, expect, it } from "vitest";
import { nettable } from "./Interbank.js";
import { documentKindName, hashesOf } from "./Trade.js";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

describe("LC timeline: document hashes of a step", () => {
  it("lists the 32-byte hashes of a step's fields, nested documents included, and skips zero hashes and other values", () => {
    expect(
      hashesOf({
        termsHash: hash(1),
        reasonHash: `0x${"0".repeat(64)}`,
        amount: "100",
        account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        documents: [{ contentHash: hash(2), kind: 2 }, { contentHash: hash(3) }],
        discrepancies: [hash(4)],
      }),
    ).toEqual([
      ["termsHash", hash(1)],
      ["documents[0].contentHash", hash(2)],
      ["documents[1].contentHash", hash(3)],
      ["discrepancies[0]", hash(4)],
    ]);
  });

  it("names document kinds as the SDK does", () => {
    expect(documentKindName(2)).toBe("Invoice");
    expect(documentKindName(4)).toBe("TransportDocument");
    expect(documentKindName(30)).toBe("30");
  });
});

describe("interbank: what a netting run may take", () => {
  it("takes open obligations that are due, nothing else", () => {
    const o = (id: string, status: string, dueAt: number) => ({
      id,
      debtor: 1,
      creditor: 2,
      amount: "1",
      dueAt,
      status,
    });
    expect(
      nettable([o("1", "Open", 100), o("2", "Open", 101), o("3", "Settled", 50), o("4", "Netted", 50)], 100),
    ).toEqual([o("1", "Open", 100)]);
  });
});
