import { expect } from "chai";
import {
  ContractTransactionReceipt,
  EventFragment,
  EventLog,
  FunctionFragment,
  Interface,
  JsonRpcProvider,
  TransactionReceipt,
  UndecodedEventLog,
  type Log,
} from "ethers";
import { HashedOnceInterface, interfaceOf } from "../../packages/sdk/src/abi.js";
import { eventArgsIn, ParsedLogsReceipt } from "../../packages/sdk/src/eventLogs.js";
import { eventsOf } from "../../packages/sdk/src/clients/events.js";

const ABI = [
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event Note(uint256 value)",
  "event Note(string indexed label, uint256 value)",
  { type: "event", name: "Anon", anonymous: true, inputs: [{ name: "a", type: "uint256", indexed: true }] },
  "event Other(bytes32 id)",
  "function f(uint256 a, address b)",
  "function g(string s, (uint256 x, bytes32[] y) t)",
];
const TARGET = "0x" + "ab".repeat(20);
const ELSEWHERE = "0x" + "22".repeat(20);
const A = "0x" + "aa".repeat(20);
const B = "0x" + "bb".repeat(20);

/** Counts keccak256 hashes of signatures: ethers' `topicHash` and `selector` getters, spied on. */
function countHashes(): { count: () => number; restore: () => void } {
  let n = 0;
  const topic = Object.getOwnPropertyDescriptor(EventFragment.prototype, "topicHash")!;
  const selector = Object.getOwnPropertyDescriptor(FunctionFragment.prototype, "selector")!;
  Object.defineProperty(EventFragment.prototype, "topicHash", {
    ...topic,
    get(this: EventFragment) {
      n++;
      return topic.get!.call(this) as string;
    },
  });
  Object.defineProperty(FunctionFragment.prototype, "selector", {
    ...selector,
    get(this: FunctionFragment) {
      n++;
      return selector.get!.call(this) as string;
    },
  });
  return {
    count: () => n,
    restore: () => {
      Object.defineProperty(EventFragment.prototype, "topicHash", topic);
      Object.defineProperty(FunctionFragment.prototype, "selector", selector);
    },
  };
}

function receiptWith(logs: { address: string; topics: string[]; data: string }[], provider: JsonRpcProvider) {
  return new TransactionReceipt(
    {
      to: TARGET,
      from: A,
      contractAddress: null,
      hash: "0x" + "01".repeat(32),
      index: 0,
      blockHash: "0x" + "02".repeat(32),
      blockNumber: 7,
      logsBloom: "0x" + "00".repeat(256),
      gasUsed: 21_000n,
      blobGasUsed: null,
      cumulativeGasUsed: 21_000n,
      gasPrice: 0n,
      blobGasPrice: null,
      type: 0,
      status: 1,
      root: null,
      logs: logs.map((log, index) => ({
        ...log,
        transactionHash: "0x" + "01".repeat(32),
        blockHash: "0x" + "02".repeat(32),
        blockNumber: 7,
        removed: false,
        index,
        transactionIndex: 0,
      })),
    },
    provider,
  );
}

/**
 * The SDK's interface and receipts hash each signature once (issue 17: hashing every event signature per log was a
 * fifth of the load run's client CPU), and answer what ethers' do.
 */
describe("sdk/abi HashedOnceInterface and sdk/eventLogs ParsedLogsReceipt", () => {
  const plain = new Interface(ABI);
  const provider = new JsonRpcProvider("http://127.0.0.1:1", 1337, { staticNetwork: true });
  after(() => provider.destroy());

  const transfer = plain.encodeEventLog("Transfer", [A, B, 5n]);
  const noteA = plain.encodeEventLog(plain.getEvent("Note(uint256)")!, [9n]);
  const noteB = plain.encodeEventLog(plain.getEvent("Note(string,uint256)")!, ["x", 3n]);
  const anon = plain.encodeEventLog("Anon", [1n]);
  const rawLogs = [
    { address: TARGET, ...transfer },
    { address: TARGET, ...noteA },
    { address: ELSEWHERE, ...transfer }, // another contract
    { address: TARGET, ...noteB },
    { address: TARGET, ...anon },
    { address: TARGET, topics: ["0x" + "ee".repeat(32)], data: "0x" }, // not in the ABI
    { address: TARGET, topics: plain.encodeEventLog("Other", ["0x" + "33".repeat(32)]).topics, data: "0x12" }, // malformed
    { address: TARGET.toUpperCase().replace("0X", "0x"), ...transfer },
  ];

  it("answers as ethers' Interface: getEvent by topic, parseLog, decodeEventLog, encodeFunctionData", () => {
    const fast = new HashedOnceInterface(ABI);
    for (const log of rawLogs) {
      const topic = log.topics[0];
      expect(fast.getEvent(topic)?.format("full") ?? null).to.equal(plain.getEvent(topic)?.format("full") ?? null);
      expect(fast.getEvent(topic.toUpperCase().replace("0X", "0x"))?.name ?? null).to.equal(
        plain.getEvent(topic)?.name ?? null,
      );
      let theirs: unknown;
      let ours: unknown;
      try {
        theirs = plain.parseLog(log)?.args.toArray(true);
      } catch (error) {
        theirs = (error as Error).message;
      }
      try {
        ours = fast.parseLog(log)?.args.toArray(true);
      } catch (error) {
        ours = (error as Error).message;
      }
      expect(ours).to.deep.equal(theirs);
    }
    expect(fast.getEvent("Transfer")?.name).to.equal("Transfer");
    expect(fast.getEvent("0x1234")).to.equal(null);
    expect(() => fast.decodeEventLog(fast.getEvent("Transfer")!, noteA.data, noteA.topics)).to.throw(/topic mismatch/);
    const f = fast.getFunction("f")!;
    expect(fast.encodeFunctionData(f, [7n, A])).to.equal(plain.encodeFunctionData("f", [7n, A]));
    expect(fast.encodeFunctionData("f", [7n, A])).to.equal(plain.encodeFunctionData("f", [7n, A]));
    const g = fast.getFunction("g")!;
    const t = { x: 1n, y: ["0x" + "44".repeat(32)] };
    expect(fast.encodeFunctionData(g, ["s", t])).to.equal(plain.encodeFunctionData("g", ["s", t]));
    expect(interfaceOf(ABI)).to.equal(interfaceOf(ABI)); // one per ABI object
  });

  it("hashes each signature once: none after the first use, where ethers' Interface hashes per call and log", () => {
    const fast = new HashedOnceInterface(ABI);
    const f = fast.getFunction("f")!;
    const transferFragment = fast.getEvent("Transfer")!;
    const use = (iface: Interface, fn = f, ev = transferFragment) => {
      for (let i = 0; i < 10; i++) {
        for (const log of rawLogs.slice(0, 4)) iface.parseLog(log);
        iface.encodeFunctionData(fn, [BigInt(i), A]);
        iface.decodeEventLog(ev, transfer.data, transfer.topics);
      }
    };
    use(fast); // warm
    const spy = countHashes();
    try {
      use(fast);
      expect(spy.count(), "hashes by the SDK's interface after warming").to.equal(0);
      use(plain, plain.getFunction("f")!, plain.getEvent("Transfer")!);
      expect(spy.count(), "ethers' interface").to.be.greaterThan(50);
    } finally {
      spy.restore();
    }
  });

  it("a receipt's logs are parsed once, as ethers' ContractTransactionReceipt parses them on every access", () => {
    const fast = new HashedOnceInterface(ABI);
    const raw = receiptWith(rawLogs, provider);
    const ours = new ParsedLogsReceipt(fast, provider, raw);
    const theirs = new ContractTransactionReceipt(plain, provider, raw);
    const logs = ours.logs;
    expect(ours.logs).to.equal(logs); // the same array: parsed once
    expect(Object.isFrozen(logs)).to.equal(true);
    const shape = (log: Log) =>
      log instanceof EventLog
        ? ["event", log.eventName, log.args.toArray(true), log.address, log.index]
        : log instanceof UndecodedEventLog
          ? ["undecoded", log.address, log.index]
          : ["log", log.address, log.index];
    expect(logs.map(shape)).to.deep.equal(theirs.logs.map(shape));
    expect(logs.map((log) => log.constructor.name)).to.deep.equal([
      "EventLog",
      "EventLog",
      "EventLog",
      "EventLog",
      "Log", // anonymous: its first topic is its indexed value
      "Log",
      "UndecodedEventLog",
      "EventLog",
    ]);
    expect(ours.hash).to.equal(raw.hash);
    expect(ours.status).to.equal(1);
  });

  it("eventsOf: the events of that name from that contract, in log order, as parseLog finds them", () => {
    const fast = new HashedOnceInterface(ABI);
    const raw = receiptWith(rawLogs, provider);
    const parsedOnce = new ParsedLogsReceipt(fast, provider, raw);
    const ethersReceipt = new ContractTransactionReceipt(plain, provider, raw);
    const reference = (name: string) =>
      rawLogs
        .filter((log) => log.address.toLowerCase() === TARGET)
        .map((log) => {
          try {
            return plain.parseLog(log);
          } catch {
            return null;
          }
        })
        .filter((parsed) => parsed?.name === name)
        .map((parsed) => parsed!.args.toArray(true));
    for (const receipt of [parsedOnce, ethersReceipt]) {
      for (const iface of [fast, plain]) {
        const of = (name: string) => eventsOf(receipt, TARGET, iface, name).map((r) => r.toArray(true));
        expect(of("Transfer")).to.deep.equal(reference("Transfer")).and.to.have.length(2);
        expect(of("Note")).to.deep.equal(reference("Note")).and.to.have.length(2); // both overloads
        expect(of("Anon")).to.deep.equal([]); // anonymous: parseLog finds none
        expect(of("Missing")).to.deep.equal([]);
      }
    }
    // A log ethers could not decode is an error for whoever asks for that event, as parseLog's.
    expect(() => eventArgsIn(parsedOnce.logs, TARGET, fast, "Other")).to.throw();
    // The arguments an EventLog of the same interface decoded are reused, not decoded again.
    const [first] = eventArgsIn(parsedOnce.logs, TARGET, fast, "Transfer");
    expect(first).to.equal((parsedOnce.logs[0] as EventLog).args);
  });
});
