/**
 * Decoding a receipt's events without hashing every event signature per log.
 *
 * ethers finds the event of a log with `Interface.getEvent(topic)`, which walks the interface's events and computes
 * each one's topic hash (a keccak256 of its signature, not cached) until one matches; ethers'
 * `ContractTransactionReceipt.logs` does that for every log on every access, and `Interface.parseLog` again. In the
 * load run (issue 17) that was a fifth of the client's CPU: a receipt's logs were parsed three times (by the client
 * reading its id back, and by each read of `receipt.logs`), each parse hashing most of the ABI's event signatures.
 * Here each interface's events are hashed once (`eventTable`), and a receipt the SDK returns parses its logs once, on
 * first access (`ParsedLogsReceipt`).
 *
 * Browser-safe.
 */
import {
  ContractTransactionReceipt,
  EventLog,
  TransactionReceipt,
  UndecodedEventLog,
  type EventFragment,
  type Interface,
  type Log,
  type Provider,
  type Result,
} from "ethers";

/**
 * An interface's events by topic hash (lower case): for each, the first event in ABI order with it, as
 * `Interface.getEvent(topic)` answers.
 */
const tables = new WeakMap<Interface, Map<string, EventFragment>>();

/** `iface`'s events by topic hash, hashed once per interface. */
export function eventTable(iface: Interface): ReadonlyMap<string, EventFragment> {
  let table = tables.get(iface);
  if (table === undefined) {
    const byTopic = new Map<string, EventFragment>();
    iface.forEachEvent((fragment) => {
      const topic = fragment.topicHash;
      if (!byTopic.has(topic)) byTopic.set(topic, fragment);
    });
    tables.set(iface, byTopic);
    table = byTopic;
  }
  return table;
}

/** What `iface.getEvent(topic)` answers for a log's first topic (null: no event of `iface` has it). */
export function eventOfTopic(iface: Interface, topic: string | undefined): EventFragment | null {
  if (topic === undefined) return null;
  return eventTable(iface).get(topic.toLowerCase()) ?? null;
}

/** The `EventLog` ethers' `ContractTransactionReceipt.logs` makes of `log` (or `UndecodedEventLog`, or `log`). */
function parsed(iface: Interface, log: Log): Log {
  const fragment = eventOfTopic(iface, log.topics[0]);
  if (fragment === null) return log;
  try {
    return new EventLog(log, iface, fragment);
  } catch (error) {
    return new UndecodedEventLog(log, error as Error);
  }
}

const plainLogs = Object.getOwnPropertyDescriptor(TransactionReceipt.prototype, "logs")!.get!;

/**
 * A `ContractTransactionReceipt` whose `logs` are parsed once, on first access, with `eventTable` (ethers' parses them
 * again on every access). The same logs otherwise: `EventLog` for a log of one of the interface's events,
 * `UndecodedEventLog` for one that does not decode, the plain `Log` for any other.
 */
export class ParsedLogsReceipt extends ContractTransactionReceipt {
  readonly #iface: Interface;
  #logs: readonly (EventLog | Log)[] | undefined;

  constructor(iface: Interface, provider: Provider, receipt: TransactionReceipt) {
    super(iface, provider, receipt);
    this.#iface = iface;
  }

  override get logs(): (EventLog | Log)[] {
    this.#logs ??= Object.freeze((plainLogs.call(this) as readonly Log[]).map((log) => parsed(this.#iface, log)));
    return this.#logs as (EventLog | Log)[];
  }
}

/**
 * The arguments of every event `name` of `iface` that the contract at `target` emitted in `logs`, in log order (what
 * `iface.parseLog` finds, without hashing the ABI per log; the arguments an `EventLog` of the same interface already
 * decoded are reused).
 */
export function eventArgsIn(logs: readonly Log[], target: string, iface: Interface, name: string): Result[] {
  const found: Result[] = [];
  const address = target.toLowerCase();
  for (const log of logs) {
    if (log.address.toLowerCase() !== address) continue;
    // As iface.parseLog: the first event with the log's topic; none for an anonymous one.
    const fragment = eventOfTopic(iface, log.topics[0]);
    if (fragment === null || fragment.anonymous || fragment.name !== name) continue;
    if (log instanceof EventLog && log.interface === iface && log.fragment === fragment) found.push(log.args);
    else found.push(iface.decodeEventLog(fragment, log.data, log.topics));
  }
  return found;
}
