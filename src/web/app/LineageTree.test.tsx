import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ApiClient } from "./api.js";
import type { ConsoleConfig } from "./config.js";
import { AppContext } from "./context.js";
import { I18nContext, translate } from "./i18n.js";
import { LineageTree } from "./LineageTree.js";
import type { LineageCertificate } from "./tree.js";

const config = {
  apiUrl: "/api",
  deployment: { chainId: 1337, deploymentBlock: 0, contracts: {} },
  token: { decimals: 2, symbol: "dCNY", currency: "CNY" },
} as unknown as ConsoleConfig;

const cert = (tokenId: number, parentId: number | null, tier: number): LineageCertificate => ({
  tokenId: String(tokenId),
  parentId: parentId === null ? null : String(parentId),
  tier,
  holder: `0x${String(tokenId).padStart(40, "0")}`,
  holderMember: tokenId === 1 ? 7 : null,
  value: "12345",
  locked: tokenId === 2 ? "100" : "0",
  redeemedValue: null,
  status: "Live",
});

function render(certificates: LineageCertificate[], language: "en" | "zh" = "en"): string {
  return renderToString(
    <I18nContext.Provider
      value={{
        language,
        tag: language === "en" ? "en" : "zh-CN",
        setLanguage: () => undefined,
        t: (key, params) => translate(language, key, params),
      }}
    >
      <AppContext.Provider value={{ config, api: {} as ApiClient, session: undefined, setSession: () => undefined }}>
        <LineageTree
          certificates={certificates}
          encumbrances={new Map([["2", { financed: 0n, pledged: 5000n }]])}
          nameOf={(id) => (id === 7 ? "Supplier One" : undefined)}
          selected="2"
          onSelect={() => undefined}
          label="Certificates of receivable #1"
        />
      </AppContext.Provider>
    </I18nContext.Provider>,
  );
}

describe("<LineageTree>", () => {
  it("draws a tree with levels, connector lines, holders and amounts with the token's decimals", () => {
    const html = render([cert(1, null, 0), cert(2, 1, 1), cert(3, 1, 1), cert(4, 2, 2)]);
    expect(html).toContain('role="tree"');
    expect(html).toContain('aria-label="Certificates of receivable #1"');
    expect(html.match(/role="treeitem"/g)).toHaveLength(4);
    expect(html).toContain('aria-level="3"');
    expect(html).toContain("├─ ");
    expect(html).toContain("└─ ");
    expect(html).toContain("Supplier One");
    expect(html).toContain("CNY 123.45");
    expect(html).toContain("CNY 50.00"); // pledged on certificate 2
    expect(html).toMatch(/aria-selected="true"[^>]*data-token="2"/);
  });

  it("puts only the rows of the viewport in the page for 1,000 certificates", () => {
    const many = [cert(1, null, 0), ...Array.from({ length: 999 }, (_, i) => cert(i + 2, 1, 1))];
    const html = render(many);
    const drawn = html.match(/role="treeitem"/g)?.length ?? 0;
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(40);
    expect(html).toContain('data-rows="1000"');
    expect(html).toContain("1000 certificates, 1000 shown");
  });

  it("speaks Chinese", () => {
    const html = render([cert(1, null, 0)], "zh");
    expect(html).toContain("全部展开");
    expect(html).toContain("第 0 级");
  });
});
