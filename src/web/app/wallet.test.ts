import { describe, expect, it } from "vitest";
import type { ConsoleConfig } from "./config.js";
import { translate } from "./i18n.js";
import { checkDemoChain, WalletError } from "./wallet.js";

const config = (chainId: number, demoChainId?: number): ConsoleConfig => ({
  apiUrl: "/api",
  rpcUrl: "/rpc",
  deployment: { chainId, deploymentBlock: 0, contracts: {} } as unknown as ConsoleConfig["deployment"],
  token: { decimals: 2, symbol: "CNY", currency: "CNY" },
  demo: demoChainId === undefined ? undefined : { chainId: demoChainId, members: [] },
});

describe("demo wallet", () => {
  it("signs on the local demo chain", () => {
    expect(() => checkDemoChain(config(1337, 1337), 1337)).not.toThrow();
  });

  it("refuses any other chain, a deployment of another chain, or a console without the demo", () => {
    for (const [c, actual] of [
      [config(1337, 1337), 2024],
      [config(2024, 1337), 1337],
      [config(1337), 1337],
    ] as const) {
      let error: unknown;
      try {
        checkDemoChain(c, actual);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WalletError);
      expect((error as WalletError).key).toBe("wallet.demoRefused");
    }
    const error = new WalletError("wallet.demoRefused", { expected: 1337, actual: 2024 });
    expect(translate("en", error.key, error.params)).toBe(
      "The demo wallet only works on the local demo chain 1337; this chain is 2024.",
    );
  });
});
