import { describe, expect, it } from "vitest";
import { formatAmount, formatDate, shortHex } from "./format.js";

describe("formatAmount", () => {
  it("keeps exactly the token's decimals, grouped for the language", () => {
    expect(formatAmount("120000000", 2, "en", "CNY")).toBe("CNY 1,200,000.00");
    expect(formatAmount(5n, 2, "zh-CN")).toBe("0.05");
    expect(formatAmount("0", 2, "en")).toBe("0.00");
    expect(formatAmount("-1050", 2, "en")).toBe("-10.50");
    expect(formatAmount("7", 0, "en", "PTS")).toBe("PTS 7");
  });

  it("is exact beyond a float's 53 bits", () => {
    expect(formatAmount("123456789012345678901", 2, "en")).toBe("1,234,567,890,123,456,789.01");
  });
});

describe("formatDate", () => {
  it("shows the instant in the given zone, with the zone", () => {
    const noonUtc = Date.UTC(2026, 11, 6, 12, 0, 0) / 1000;
    expect(formatDate(noonUtc, "en", "UTC")).toMatch(/Dec 6, 2026.*12:00.*UTC/);
    expect(formatDate(noonUtc, "en", "Asia/Shanghai")).toMatch(/Dec 6, 2026.*8:00.*PM.*GMT\+8/);
    expect(formatDate(noonUtc, "zh-CN", "Asia/Shanghai")).toMatch(/2026年12月6日.*20:00/);
  });
});

describe("shortHex", () => {
  it("shortens long hex and keeps short hex", () => {
    expect(shortHex(`0x${"ab".repeat(32)}`)).toBe("0xababab…ababab");
    expect(shortHex("0x1234")).toBe("0x1234");
  });
});

describe("parseAmountInput", () => {
  it("reads what a user types as exact minor units", async () => {
    const { parseAmountInput } = await import("./format.js");
    expect(parseAmountInput("1,200.5", 2)).toBe(120050n);
    expect(parseAmountInput(" 1200.50 ", 2)).toBe(120050n);
    expect(parseAmountInput("7", 0)).toBe(7n);
    expect(parseAmountInput("123456789012345678901.01", 2)).toBe(12345678901234567890101n);
  });

  it("refuses more decimals than the token has, signs and words", async () => {
    const { parseAmountInput, AmountInputError } = await import("./format.js");
    for (const bad of ["1.005", "-1", "1e3", "", "abc", "1.2.3", "0x10"]) {
      expect(() => parseAmountInput(bad, 2), bad).toThrow(AmountInputError);
    }
    expect(() => parseAmountInput("1.5", 0)).toThrow(AmountInputError);
  });
});
