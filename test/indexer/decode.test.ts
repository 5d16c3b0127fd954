import { expect } from "chai";
import fc from "fast-check";
import { encodeAbiParameters, type AbiEvent, type AbiParameter, type Hex } from "viem";
import { buildTopicMap, decodeLog, decodeWithViem } from "../../src/indexer/decode.js";

const TYPES = [
  "address",
  "bool",
  "uint8",
  "uint48",
  "uint64",
  "uint256",
  "int8",
  "int48",
  "int256",
  "bytes4",
  "bytes20",
  "bytes32",
  "string",
  "bytes",
  "uint256[]",
] as const;

/** A value of `type` for encodeAbiParameters. */
function value(type: (typeof TYPES)[number]): fc.Arbitrary<unknown> {
  const int = (bits: number, signed: boolean) =>
    signed
      ? fc.bigInt(-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n)
      : fc.bigInt(0n, (1n << BigInt(bits)) - 1n);
  const hex = (bytes: number) =>
    fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
  switch (type) {
    case "address":
      return hex(20);
    case "bool":
      return fc.boolean();
    case "string":
      return fc.string();
    case "bytes":
      return fc.uint8Array({ maxLength: 40 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
    case "uint256[]":
      return fc.array(int(256, false), { maxLength: 3 });
    default: {
      const bytes = /^bytes(\d+)$/.exec(type);
      if (bytes !== null) return hex(Number(bytes[1]));
      const [, signed, bits] = /^(u?)int(\d+)$/.exec(type)!;
      const n = Number(bits);
      return int(n, signed === "").map((v) => (n > 48 ? v : Number(v)));
    }
  }
}

describe("indexer: event decoding", () => {
  it("the static fast path decodes every log exactly as viem does (dynamic types fall back to viem)", () => {
    const param = fc.record({ type: fc.constantFrom(...TYPES), indexed: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(param, { minLength: 1, maxLength: 5 }).filter((ps) => ps.filter((p) => p.indexed).length <= 3),
        (params) => {
          const inputs = params.map((p, i) => ({ ...p, name: `a${i}` }));
          const event = { type: "event", name: "E", inputs } as AbiEvent;
          const decoder = buildTopicMap([{ name: "C", address: `0x${"11".repeat(20)}`, abi: [event] }])
            .get(`0x${"11".repeat(20)}`)!
            .values()
            .next().value!;
          fc.assert(
            fc.property(fc.tuple(...inputs.map((p) => value(p.type))), (values) => {
              const topics: Hex[] = [`0x${"00".repeat(32)}`];
              const data: { param: AbiParameter; value: unknown }[] = [];
              inputs.forEach((p, i) => {
                if (!p.indexed) return data.push({ param: { type: p.type, name: p.name }, value: values[i] });
                // Indexed dynamic values are topics of their hash: any 32 bytes stand in for it here.
                const dynamic = /^(string|bytes|tuple)$|\[/.test(p.type);
                topics.push(dynamic ? `0x${"ab".repeat(32)}` : encodeAbiParameters([{ type: p.type }], [values[i]]));
              });
              const encoded = encodeAbiParameters(
                data.map((d) => d.param),
                data.map((d) => d.value),
              );
              expect(decodeLog(decoder, topics, encoded)).to.deep.equal(decodeWithViem(decoder, topics, encoded));
            }),
            { numRuns: 20, seed: 1 },
          );
        },
      ),
      { numRuns: 60, seed: 18 },
    );
  });
});
