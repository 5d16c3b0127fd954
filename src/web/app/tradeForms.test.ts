import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decodeBytes32String, encodeBytes32String } from "ethers";
import { DocumentKind } from "@consortia/sdk/hashing";
import { fromBase64, isCanonicalBase64, toBase64 } from "../../../packages/sdk/src/bytes.js";
import {
  CREDIT_REPORT,
  FORMS,
  GUARANTEE_DECISION,
  GUARANTEE_DEMAND,
  LC_AMEND,
  LC_ISSUE,
  LC_MARGIN_SHARE,
  LC_PRESENTATION_PERIOD,
  LC_REFUSAL,
  allowanceShortfall,
  parseShipmentDate,
  initialValues,
  parseForm,
  type FormDef,
  type RawValues,
} from "./tradeForms.js";
import { en } from "./i18n.js";

const NOW = 1_800_000_000;
/** Dates as UTC midnight + 1 day - 1 s, independent of the test machine's zone. */
const toUnix = (iso: string) => Date.parse(`${iso}T23:59:59Z`) / 1000;
const ctx = { decimals: 2, now: NOW, toUnix, utcOffset: 0 };
const HASH = `0x${"ab".repeat(32)}`;
const day = (offset: number) => new Date((NOW + offset * 86_400) * 1000).toISOString().slice(0, 10);

const errorsOf = (def: FormDef, raw: RawValues) => {
  const parsed = parseForm(def, raw, ctx);
  return parsed.ok ? {} : parsed.errors;
};

const issue: RawValues = {
  ...initialValues(LC_ISSUE),
  applicant: "4",
  beneficiary: "6",
  advisingBank: "2",
  amount: "400,000.50",
  expiry: day(60),
  latestShipment: day(30),
  documents: ["Invoice", "TransportDocument"],
  terms: HASH,
};

describe("trade form definitions", () => {
  it("every label, title and button of every form has English words (and so, by the dictionary's type, Chinese)", () => {
    for (const def of Object.values(FORMS)) {
      for (const key of [def.title, def.submit, ...(def.intro === undefined ? [] : [def.intro])])
        expect(en[key], key).toBeTruthy();
      for (const field of def.fields) expect(en[field.label], `${def.id}.${field.name}`).toBeTruthy();
      expect(new Set(def.fields.map((f) => f.name)).size).toBe(def.fields.length);
    }
  });

  it("parses an LC issue into minor units, unix seconds, member ids and sorted document kinds", () => {
    const parsed = parseForm(LC_ISSUE, issue, ctx);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.values.amount).toBe(40_000_050n);
    expect(parsed.values.applicant).toBe(4);
    expect(parsed.values.expiry).toBe(toUnix(day(60)));
    expect(parsed.values.documents).toEqual(
      [DocumentKind.Invoice, DocumentKind.TransportDocument].sort((a, b) => a - b),
    );
    expect(parsed.values.partialDrawings).toBe(true);
    expect(parsed.values.deferred).toBe(false);
    expect(parsed.values.tenorDays).toBeUndefined();
    expect(parsed.values.terms).toBe(HASH);
  });

  it("refuses a bad amount, a date not after the chain's time, a missing file and an empty member", () => {
    const errors = errorsOf(LC_ISSUE, { ...issue, amount: "1.234", expiry: day(-1), terms: "", advisingBank: "" });
    expect(Object.keys(errors).sort()).toEqual(["advisingBank", "amount", "expiry", "terms"]);
    expect(errors.amount.key).toBe("form.badAmount");
    expect(errors.expiry.key).toBe("form.dateAfterChain");
    expect(errors.terms.key).toBe("form.pickFile");
    expect(errors.advisingBank.key).toBe("form.pickMember");
    expect(errorsOf(LC_ISSUE, { ...issue, amount: "0" }).amount.key).toBe("form.badAmount");
    expect(errorsOf(LC_ISSUE, { ...issue, amount: "-5" }).amount.key).toBe("form.badAmount");
    expect(errorsOf(LC_ISSUE, { ...issue, terms: "0x1234" }).terms.key).toBe("form.pickFile");
    expect(errorsOf(LC_ISSUE, { ...issue, documents: [] }).documents.key).toBe("form.pickDocuments");
    expect(errorsOf(LC_ISSUE, { ...issue, documents: ["Nonsense"] }).documents.key).toBe("form.pickDocuments");
  });

  it("checks across fields: shipment after expiry, a deferred LC without tenor, the same party twice", () => {
    expect(errorsOf(LC_ISSUE, { ...issue, latestShipment: day(61) }).latestShipment.key).toBe(
      "form.shipmentAfterExpiry",
    );
    expect(errorsOf(LC_ISSUE, { ...issue, deferred: true }).tenorDays.key).toBe("form.tenorForDeferred");
    expect(parseForm(LC_ISSUE, { ...issue, deferred: true, tenorDays: "90" }, ctx).ok).toBe(true);
    expect(errorsOf(LC_ISSUE, { ...issue, deferred: true, tenorDays: "361" }).tenorDays.key).toBe("form.badInteger");
    expect(errorsOf(LC_ISSUE, { ...issue, beneficiary: "4" }).beneficiary.key).toBe("form.sameParty");
    expect(
      errorsOf(LC_AMEND, { amount: "1", expiry: day(10), latestShipment: day(11), terms: HASH }).latestShipment.key,
    ).toBe("form.shipmentAfterExpiry");
  });

  it("a refusal notice lists every discrepancy once, each a bytes32 code, documents held by default", () => {
    const parsed = parseForm(
      LC_REFUSAL,
      { ...initialValues(LC_REFUSAL), discrepancies: " LATE_SHIPMENT \n\nINVOICE_AMOUNT\n", notice: HASH },
      ctx,
    );
    expect(parsed.ok && parsed.values).toMatchObject({
      discrepancies: ["LATE_SHIPMENT", "INVOICE_AMOUNT"],
      holdDocuments: true,
    });
    if (parsed.ok)
      for (const code of parsed.values.discrepancies as string[])
        expect(decodeBytes32String(encodeBytes32String(code))).toBe(code);
    const base = { notice: HASH };
    expect(errorsOf(LC_REFUSAL, { ...base, discrepancies: "\n \n" }).discrepancies.key).toBe("form.badLines");
    expect(errorsOf(LC_REFUSAL, { ...base, discrepancies: "A\nA" }).discrepancies.key).toBe("form.duplicateLine");
    expect(errorsOf(LC_REFUSAL, { ...base, discrepancies: "X".repeat(32) }).discrepancies.key).toBe("form.lineTooLong");
    // 11 CJK characters are 33 UTF-8 bytes: too long for bytes32 although only 11 characters
    expect(errorsOf(LC_REFUSAL, { ...base, discrepancies: "单".repeat(11) }).discrepancies.key).toBe(
      "form.lineTooLong",
    );
    const seventeen = Array.from({ length: 17 }, (_, i) => `D${i}`).join("\n");
    expect(errorsOf(LC_REFUSAL, { ...base, discrepancies: seventeen }).discrepancies.key).toBe("form.badLines");
  });

  it("a demand's extend-or-pay date is optional; a rejection needs its reasons file", () => {
    const demand = parseForm(GUARANTEE_DEMAND, { amount: "10", statement: HASH }, ctx);
    expect(demand.ok && demand.values).toMatchObject({ amount: 1000n, extendTo: undefined });
    expect(errorsOf(GUARANTEE_DEMAND, { amount: "10", statement: HASH, extendTo: day(-1) }).extendTo.key).toBe(
      "form.dateAfterChain",
    );
    expect(parseForm(GUARANTEE_DECISION, initialValues(GUARANTEE_DECISION), ctx)).toMatchObject({
      ok: true,
      values: { decision: "pay" },
    });
    expect(errorsOf(GUARANTEE_DECISION, { decision: "reject" }).reason.key).toBe("form.reasonForReject");
    expect(parseForm(GUARANTEE_DECISION, { decision: "reject", reason: HASH }, ctx).ok).toBe(true);
    expect(errorsOf(GUARANTEE_DECISION, { decision: "ignore" }).decision.key).toBe("form.required");
  });

  it("a credit report needs the key as hex, a severity 1..5 and the evidence file", () => {
    const raw = {
      ...initialValues(CREDIT_REPORT),
      consortiumKey: `0x${"11".repeat(32)}`,
      identifier: "91430100MA4XD07770",
      expiresAt: day(365),
      evidence: HASH,
      details: "overdue 90 days",
    };
    const parsed = parseForm(CREDIT_REPORT, raw, ctx);
    expect(parsed.ok && parsed.values).toMatchObject({ severity: 3, category: "Default", subjectKind: "Company" });
    expect(errorsOf(CREDIT_REPORT, { ...raw, consortiumKey: "secret" }).consortiumKey.key).toBe("form.badHex");
    expect(errorsOf(CREDIT_REPORT, { ...raw, severity: "6" }).severity.key).toBe("form.badInteger");
    expect(errorsOf(CREDIT_REPORT, { ...raw, severity: "0" }).severity.key).toBe("form.badInteger");
    expect(errorsOf(CREDIT_REPORT, { ...raw, severity: "2.5" }).severity.key).toBe("form.badInteger");
    expect(errorsOf(CREDIT_REPORT, { ...raw, identifier: "  " }).identifier.key).toBe("form.required");
  });

  it("the allowance step approves the whole amount only when the allowance is short", () => {
    expect(allowanceShortfall(0n, 500n)).toBe(500n);
    expect(allowanceShortfall(499n, 500n)).toBe(500n);
    expect(allowanceShortfall(500n, 500n)).toBe(0n);
    expect(allowanceShortfall(10_000n, 500n)).toBe(0n);
  });
});

describe("browser-safe bytes (no Node Buffer on the browser entry's envelope path)", () => {
  it("base64 round-trips and only canonical padded base64 passes", () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
    const text = toBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64"));
    expect(fromBase64(text)).toEqual(bytes);
    expect(isCanonicalBase64("QQ==")).toBe(true);
    expect(isCanonicalBase64("QQ")).toBe(false);
    expect(isCanonicalBase64("QR==")).toBe(false);
    expect(isCanonicalBase64("Q Q==")).toBe(false);
    expect(isCanonicalBase64("Q$==")).toBe(false);
  });

  it("the SDK modules the console bundles do not use Buffer", async () => {
    for (const file of ["bytes.ts", "envelope.ts", "subjectKey.ts", "hpke.ts", "gm.ts"]) {
      const source = await readFile(new URL(`../../../packages/sdk/src/${file}`, import.meta.url), "utf8");
      expect(source.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ""), file).not.toMatch(/\bBuffer\./);
    }
  });
});

describe("the applicant's margin and the presentation checks", () => {
  it("takes a margin share of 1 to 10,000 basis points and a presentation period of 1 to 365 days (21 to start)", () => {
    expect(parseForm(LC_MARGIN_SHARE, { shareBps: "1000" }, ctx)).toEqual({ ok: true, values: { shareBps: 1000 } });
    expect(errorsOf(LC_MARGIN_SHARE, { shareBps: "0" }).shareBps?.key).toBe("form.badInteger");
    expect(errorsOf(LC_MARGIN_SHARE, { shareBps: "10001" }).shareBps?.key).toBe("form.badInteger");
    expect(initialValues(LC_PRESENTATION_PERIOD).days).toBe("21");
    expect(parseForm(LC_PRESENTATION_PERIOD, { days: "30" }, ctx)).toEqual({ ok: true, values: { days: 30 } });
    expect(errorsOf(LC_PRESENTATION_PERIOD, { days: "366" }).days?.key).toBe("form.badInteger");
  });

  it("states a shipment date not after the chain's time, or none", () => {
    const start = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
    expect(parseShipmentDate("", NOW, start)).toEqual({});
    expect(parseShipmentDate(day(-3), NOW, start).value).toBe(start(day(-3)));
    expect(parseShipmentDate(day(2), NOW, start).error?.key).toBe("form.shipmentInFuture");
    expect(parseShipmentDate("3 May", NOW, start).error?.key).toBe("form.pickDate");
  });
});
