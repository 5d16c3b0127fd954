import { implementationOf } from "../../helpers/upgradeable.js";
import type { Entry } from "./types.js";

/** What each contract's `initialize` takes, for the row that shows nobody can run it again. */
const INITIALIZE: Partial<Record<Entry["contract"], { signature: string; args: unknown[] }>> = {
  token: { signature: "initialize(string,string,uint8)", args: ["Other", "OTH", 0] },
  forfaiting: { signature: "initialize(address[])", args: [[]] },
  calendar: { signature: "initialize(int32)", args: [0] },
  letterOfCredit: { signature: "initialize(address)", args: ["0x000000000000000000000000000000000000dEaD"] },
};

/**
 * Two rows for every suite proxy: `upgradeToAndCall`, which only an executed proposal may call (the row upgrades to
 * the implementation the proxy runs now, so a success changes nothing else), and `initialize`, which nobody may call
 * once the proxy's constructor ran it.
 */
export function upgradeEntries(contracts: Entry["contract"][]): Entry[] {
  return contracts.flatMap((contract): Entry[] => [
    {
      contract,
      signature: "upgradeToAndCall(address,bytes)",
      rule: "Governance (a passed proposal): upgrade to an implementation bound to the same registry",
      party: { kind: "governance" },
      setup: async (ctx) => ({
        args: [await implementationOf(ctx.connection.ethers.provider, ctx.suite[contract]), "0x"],
      }),
    },
    {
      contract,
      signature: INITIALIZE[contract]?.signature ?? "initialize()",
      rule: "No one: the proxy's constructor ran it",
      party: { kind: "nobody" },
      setup: async () => ({ args: INITIALIZE[contract]?.args ?? [] }),
    },
  ]);
}
