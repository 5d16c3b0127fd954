import { describe, expect, it } from "vitest";
import {
  DICTIONARIES,
  en,
  LANGUAGES,
  placeholders,
  preferredLanguage,
  translate,
  zh,
  type MessageKey,
} from "./i18n.js";

const keys = Object.keys(en) as MessageKey[];

describe("i18n", () => {
  it("has every key in both languages, none empty, and no key only in one", () => {
    for (const language of Object.keys(LANGUAGES) as (keyof typeof LANGUAGES)[]) {
      const dictionary = DICTIONARIES[language];
      expect(Object.keys(dictionary).sort(), language).toEqual([...keys].sort());
      for (const key of keys) expect(dictionary[key].trim(), `${language} ${key}`).not.toBe("");
    }
  });

  it("uses the same placeholders in both languages", () => {
    for (const key of keys) expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
  });

  it("translates the Chinese side (not a copy of the English)", () => {
    const same = keys.filter((key) => zh[key] === en[key]);
    expect(same).toEqual([]);
  });

  it("fills placeholders and leaves unknown ones as written", () => {
    expect(translate("en", "tx.mined", { block: 12 })).toBe("Mined in block 12");
    expect(translate("zh", "tx.mined", { block: 12 })).toBe("已上链，区块 12");
    expect(translate("en", "tx.mined")).toBe("Mined in block {block}");
  });

  it("picks Chinese for zh-* browsers and English for en-*", () => {
    expect(preferredLanguage(["zh-TW", "en"])).toBe("zh");
    expect(preferredLanguage(["en-GB", "zh-CN"])).toBe("en");
    expect(preferredLanguage(["fr"])).toBe("zh");
  });
});
