import { describe, expect, it } from "vitest";
import { dropFactoryBytecode } from "../vite.config.js";

describe("the console's build", () => {
  const transform = dropFactoryBytecode().transform as (code: string, id: string) => { code: string } | null;
  const factory = [
    'const _abi = [{ type: "function", name: "lockMargin" }] as const;',
    'const _bytecode =\n  "0x6101006040523060805234801561001557600080fd5b50";',
    "export class X__factory { static readonly bytecode = _bytecode; static readonly abi = _abi; }",
  ].join("\n");

  it("drops the creation bytecode of the SDK's typechain factories, keeping their ABI", () => {
    const out = transform(factory, "/repo/packages/sdk/src/typechain/factories/letters-of-credit/X__factory.ts");
    expect(out?.code).toContain('const _bytecode = "0x";');
    expect(out?.code).not.toContain("6101006040");
    expect(out?.code).toContain('name: "lockMargin"');
  });

  it("leaves every other module alone", () => {
    expect(transform(factory, "/repo/src/web/app/queue.ts")).toBeNull();
    expect(transform("export const a = 1;", "/repo/packages/sdk/src/typechain/factories/Y__factory.ts")).toBeNull();
  });
});
