/**
 * An ethers `Interface` that hashes each function and event signature once.
 *
 * ethers computes a function's selector (`FunctionFragment.selector`) and an event's topic (`EventFragment.topicHash`)
 * afresh on every use: formatting the signature and hashing it with a JavaScript keccak256. Encoding a call hashes its
 * selector; decoding a log hashes its topic; finding a log's event (`getEvent(topic)`, which `parseLog` and ethers'
 * `ContractTransactionReceipt.logs` use) hashes the signature of every event it walks past. In the load run (issue 17)
 * that was a quarter of the client's CPU. The same answers here, each hash computed once per fragment (fragments are
 * immutable); the SDK's clients build their contracts over one such interface per ABI (`interfaceOf`).
 *
 * Browser-safe.
 */
import {
  concat,
  Interface,
  isHexString,
  LogDescription,
  type BytesLike,
  type EventFragment,
  type FunctionFragment,
  type InterfaceAbi,
  type Result,
} from "ethers";
import { eventOfTopic } from "./eventLogs.js";

const selectors = new WeakMap<FunctionFragment, string>();
const withTopic = new WeakMap<EventFragment, EventFragment>();

/** `fragment.selector`, hashed once. */
export function selectorOf(fragment: FunctionFragment): string {
  let selector = selectors.get(fragment);
  if (selector === undefined) {
    selector = fragment.selector;
    selectors.set(fragment, selector);
  }
  return selector;
}

/** `fragment` as seen by `decodeEventLog`: the same event, its topic hash computed once. */
function topicCached(fragment: EventFragment): EventFragment {
  let cached = withTopic.get(fragment);
  if (cached === undefined) {
    cached = Object.create(fragment, {
      topicHash: { value: fragment.topicHash, enumerable: true },
    }) as EventFragment;
    withTopic.set(fragment, cached);
  }
  return cached;
}

export class HashedOnceInterface extends Interface {
  /** As ethers' (the first event with that topic for a topic hash), from a table hashed once. */
  override getEvent(key: string, values?: unknown[]): EventFragment | null {
    if (values === undefined && isHexString(key)) return eventOfTopic(this, key);
    return super.getEvent(key, values);
  }

  /** As ethers' (null for a log of no event here, or of an anonymous one). */
  override parseLog(log: { topics: readonly string[]; data: string }): LogDescription | null {
    if (log.topics.length === 0) return super.parseLog(log);
    const fragment = eventOfTopic(this, log.topics[0]);
    if (fragment === null || fragment.anonymous) return null;
    const cached = topicCached(fragment);
    return new LogDescription(fragment, cached.topicHash, super.decodeEventLog(cached, log.data, log.topics));
  }

  override encodeFunctionData(fragment: FunctionFragment | string, values?: readonly unknown[]): string {
    if (typeof fragment === "string") return super.encodeFunctionData(fragment, values);
    return concat([selectorOf(fragment), this._encodeParams(fragment.inputs, values ?? [])]);
  }

  override decodeEventLog(fragment: EventFragment | string, data: BytesLike, topics?: readonly string[]): Result {
    return super.decodeEventLog(typeof fragment === "string" ? fragment : topicCached(fragment), data, topics);
  }
}

const interfaces = new WeakMap<object, HashedOnceInterface>();

/** One `HashedOnceInterface` per ABI object (a TypeChain factory's `abi`): its hashes are shared by every contract. */
export function interfaceOf(abi: InterfaceAbi): HashedOnceInterface {
  if (typeof abi === "string") return new HashedOnceInterface(abi);
  let iface = interfaces.get(abi);
  if (iface === undefined) {
    iface = new HashedOnceInterface(abi);
    interfaces.set(abi, iface);
  }
  return iface;
}
