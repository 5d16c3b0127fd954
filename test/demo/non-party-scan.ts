/**
 * The non-party scan: reads the demo chain as a bank that is party to none of the demo's deals would (every event log,
 * every value ever written to storage, every transaction's calldata of the deployment's contracts) and looks for the
 * demo's deal terms in the clear.
 *
 * Each term is searched in every encoding a reader could recognise: a number as its big-endian bytes (at any byte
 * offset: storage packs fields), a text as its UTF-8 bytes (bytes32 codes, strings) and as the bare keccak-256 of its
 * UTF-8 bytes (a bare hash of a guessable reference is no secret). Keyed hashes (keyedTermHash, subject and document
 * keys) and envelope hashes are what the chain should hold instead.
 */
import { keccak256, toUtf8Bytes, type JsonRpcProvider } from "ethers";
import type { DemoScenarioResult } from "../../src/demo/scenario.js";

/** One value of the demo's deals that a non-party must not read (unless pinned in KNOWN_LEAKS). */
export interface DealTerm {
  /** Stable name, "<application>/<term>". */
  name: string;
  value: bigint | string;
}

/** Where a term was found. */
export type Source = "event" | "storage" | "calldata";

/** A term found in the clear, with where. */
export interface Leak {
  name: string;
  sources: Source[];
}

const yuan = (amount: number): bigint => BigInt(Math.round(amount * 100));

/**
 * Numbers below this are not searched: a 1- or 2-byte value occurs by chance in any hash or address. Small terms
 * (tolerance percent, tenor days, discount basis points) are checked where the contract keeps them, see the test.
 */
export const MIN_SEARCHED_NUMBER = 1n << 16n;

/** Texts shorter than this are not searched (they occur by chance). */
export const MIN_SEARCHED_TEXT = 6;

/**
 * The demo's deal terms (src/demo/scenario.ts), per application. Amounts in minor units. Keep in step with the
 * scenario: a term added there and missing here goes unchecked.
 */
export function demoDealTerms(result: DemoScenarioResult): DealTerm[] {
  const r = result.receivables;
  const f = r.financing;
  const quote = (bank: string) => {
    const found = f.quotes.find((q) => q.bank === bank);
    if (found === undefined) throw new Error(`the demo's financing request has no quote of ${bank}`);
    return found;
  };
  const losing = f.quotes.filter((q) => q.bank !== f.acceptedBank);
  return [
    // credit (the entry's details are sealed; the subject is a keyed subject key)
    { name: "credit/company name", value: "Hunan Xinda Trading" },
    { name: "credit/company uscc", value: "91430100MA4XD0777" },
    { name: "credit/facility", value: "JHB-WCL-2023-0412" },
    { name: "credit/principal", value: "3,500,000.00" },
    { name: "credit/case file", value: "JHB-RISK-2024-118" },
    { name: "credit/consent purpose", value: "HXB-CL-2025-0031" },
    // letters of credit
    { name: "letters-of-credit/amount", value: yuan(1_000_000) },
    { name: "letters-of-credit/amended amount", value: yuan(1_200_000) },
    { name: "letters-of-credit/drawing 1", value: yuan(480_000) },
    { name: "letters-of-credit/drawing 2", value: yuan(720_000) },
    { name: "letters-of-credit/drawing 3", value: yuan(60_000) },
    { name: "letters-of-credit/goods", value: "brake calipers" },
    { name: "letters-of-credit/model", value: "HX-BC220" },
    { name: "letters-of-credit/discrepancy code 1", value: "LATE_SHIPMENT" },
    { name: "letters-of-credit/discrepancy code 2", value: "INSURANCE_AFTER_SHIPMENT" },
    { name: "letters-of-credit/refusal notice", value: "HXB-REF-" },
    { name: "letters-of-credit/invoice reference", value: "JN-INV-2025-001" },
    { name: "letters-of-credit/waybill reference", value: "HT-WB-2025-001" },
    { name: "letters-of-credit/insurance policy", value: "PICC-2025-001" },
    // interbank positions (beside the LCs)
    { name: "interbank/credit line B to A", value: yuan(5_000_000) },
    { name: "interbank/credit line C to B and A to C", value: yuan(3_000_000) },
    { name: "interbank/obligation A to B", value: yuan(800_000) },
    { name: "interbank/obligation B to C", value: yuan(500_000) },
    { name: "interbank/obligation C to A", value: yuan(300_000) },
    { name: "interbank/overnight placement", value: yuan(250_000) },
    { name: "interbank/placement purpose", value: "interbank placement HXB-MFB-0317" },
    { name: "interbank/placement reference", value: "HXB-MFB-0317" },
    { name: "interbank/HVPS reference", value: "HVPS-2025-0320-HXB-000417" },
    // forfaiting
    { name: "forfaiting/discount price", value: yuan(705_600) },
    { name: "forfaiting/asking price", value: yuan(708_000) },
    { name: "forfaiting/quote price", value: result.forfaiting.price },
    { name: "forfaiting/deed reference", value: "MFB-FF-" },
    // guarantees
    { name: "guarantees/amount", value: yuan(200_000) },
    { name: "guarantees/tender reference", value: "NSPC-2025-ZB-017" },
    { name: "guarantees/tender text", value: "NSPC-2025-ZB-017 Berth 4 dredging" },
    { name: "guarantees/guarantee number", value: "JHB-BG-2025-" },
    { name: "guarantees/amendment text", value: "bid validity +30 days" },
    { name: "guarantees/demand text", value: "bidder withdrew its bid" },
    // receivables
    { name: "receivables/face value", value: r.faceValue },
    { name: "receivables/tier 2 value", value: yuan(500_000) },
    { name: "receivables/discount price", value: r.discountPrice },
    { name: "receivables/pledge value", value: yuan(300_000) },
    { name: "receivables/issuance limit", value: r.issuanceLimit },
    { name: "receivables/invoice number", value: r.invoiceNumber },
    { name: "receivables/invoice code", value: "032002500111" },
    { name: "receivables/order item", value: "brake calipers BC-220" },
    // multi-bank financing request (rates are small numbers: see the test and docs/confidentiality.md)
    { name: "financing/value", value: f.value },
    { name: "financing/accepted price", value: f.price },
    { name: "financing/accepted interest", value: f.interest },
    { name: "financing/fee of Huaxin Bank", value: quote("bankA").terms.fee },
    { name: "financing/fee of Minfeng Bank", value: quote("bankB").terms.fee },
    // What a quote not taken would have paid is computed off chain (a call), never in a transaction.
    ...losing.map((q) => ({ name: `financing/price not taken (${q.bank})`, value: q.price })),
  ];
}

/**
 * Terms that stay readable on chain, each with why: the contract needs the value (token amounts that move, limits it
 * enforces). The scan test fails when a term outside this list is found and when a listed one is no longer found
 * (then remove it here and from docs/confidentiality.md).
 */
export const KNOWN_LEAKS: Readonly<Record<string, string>> = {
  "letters-of-credit/amount":
    "the LC's amount (and its amendment) is the ceiling the contract enforces on every drawing (UCP 600 art. 30 tolerance)",
  "letters-of-credit/amended amount":
    "the amended ceiling the contract enforces; also the receivable's face value and the LC's drawn total moves tokens",
  "letters-of-credit/drawing 1": "a drawing moves deposit tokens at maturity (Transfer events carry the amount)",
  "letters-of-credit/drawing 2": "a drawing moves deposit tokens at maturity; the forfaited claim's amount",
  "letters-of-credit/drawing 3": "a drawing moves deposit tokens at maturity",
  "interbank/credit line B to A": "the contract refuses an obligation beyond the grantor's credit line",
  "interbank/credit line C to B and A to C":
    "the contract refuses an obligation beyond the grantor's credit line; equal to no moved amount by chance only",
  "interbank/obligation A to B": "obligations are netted and the net positions move deposit tokens",
  "interbank/obligation B to C": "obligations are netted and the net positions move deposit tokens",
  "interbank/obligation C to A":
    "obligations are netted and the net positions move deposit tokens (also the receivable's pledge value)",
  "interbank/overnight placement": "an obligation the contract records and the payment ledger reconciles",
  "forfaiting/discount price":
    "the supplier's discount with its bank is paid in deposit tokens outside the market (a Transfer event)",
  "forfaiting/quote price":
    "the accepted price moves as deposit tokens against the claim (DvP): public however the quote was accepted (the " +
    "demo reveals the one quote it accepts; acceptSealedQuote opens the chosen commitment and reveals no other)",
  "guarantees/amount":
    "the guarantee's amount is what the contract pays out on a complying demand (and counter-demand)",
  "receivables/face value": "the certificate's value: ERC-3525 value moves and is redeemed in deposit tokens",
  "receivables/tier 2 value": "ERC-3525 value moves between holders; the contract checks it against the balance",
  "receivables/discount price": "the discount price moves as deposit tokens against the certificate (DvP)",
  "receivables/pledge value": "the pledged value is locked in the certificate by the contract",
  "receivables/issuance limit": "the limit the issuance-limits register enforces at confirmation",
  "financing/value": "the certificate value financed moves to the bank (ERC-3525 value) at acceptance",
  "financing/accepted price": "the price moves as deposit tokens against the certificate's value (DvP)",
  "financing/accepted interest":
    "the contract computes the price on chain from rate, days and fee and emits the pricing it settled",
  "financing/fee of Huaxin Bank":
    "a quote's terms are on chain once quoted or revealed: the contract computes the price from them at acceptance",
  "financing/fee of Minfeng Bank":
    "a sealed quote is revealed (after quoting closes) to be priced on chain; sealing hides it from the other banks only until then",
};

/**
 * The bytes of `value` searched for, each as lower-case hex without 0x: a number as its minimal big-endian bytes after
 * two zero bytes, a text as UTF-8 and as the keccak-256 of its UTF-8.
 */
export function encodings(value: bigint | string): string[] {
  if (typeof value === "bigint") {
    if (value < MIN_SEARCHED_NUMBER) throw new Error(`${value} is too small to search without false positives`);
    // Two zero bytes before it: amounts are uint64 and wider, so a field holding one has them (and a random word
    // matching by chance becomes 65,536 times less likely).
    const hex = value.toString(16);
    return [`0000${hex.length % 2 === 0 ? hex : `0${hex}`}`];
  }
  if (value.length < MIN_SEARCHED_TEXT) throw new Error(`"${value}" is too short to search without false positives`);
  const utf8 = Buffer.from(toUtf8Bytes(value)).toString("hex");
  return [utf8, keccak256(toUtf8Bytes(value)).slice(2)];
}

/** Whether `hex` (no 0x) contains `needle` at a byte boundary. */
function containsAtByte(hex: string, needle: string): boolean {
  for (let at = hex.indexOf(needle); at >= 0; at = hex.indexOf(needle, at + 1)) {
    if (at % 2 === 0) return true;
  }
  return false;
}

/** What a member's node holds of the deployment's contracts, as hex blobs per source. */
export interface ChainCopy {
  event: string[];
  storage: string[];
  calldata: string[];
  transactions: number;
  /** Transactions whose storage was read (traced). */
  traced: number;
  /** Storage words seen (slot and value pairs, per transaction). */
  storageWrites: number;
}

type StructLog = { op: string; storage?: Record<string, string> };

/**
 * Reads blocks `fromBlock`..`toBlock` as any member can: every log of `addresses` and every transaction's calldata;
 * and for every transaction sent to one of `traced`, every storage word its execution touched in any contract (the
 * slots and values of `debug_traceTransaction`'s storage view, written and read). Tracing is the slow part (about
 * 2,500 steps a transaction), so it is limited to the deal applications' transactions.
 */
export async function readChain(
  provider: JsonRpcProvider,
  addresses: string[],
  traced: string[],
  fromBlock: number,
  toBlock: number,
): Promise<ChainCopy> {
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const tracedSet = new Set(traced.map((a) => a.toLowerCase()));
  const copy: ChainCopy = { event: [], storage: [], calldata: [], transactions: 0, traced: 0, storageWrites: 0 };
  const logs = await provider.send("eth_getLogs", [
    { fromBlock: `0x${fromBlock.toString(16)}`, toBlock: `0x${toBlock.toString(16)}` },
  ]);
  for (const log of logs as { address: string; topics: string[]; data: string }[]) {
    if (!wanted.has(log.address.toLowerCase())) continue;
    copy.event.push([...log.topics, log.data].map((part) => part.slice(2)).join(""));
  }
  const hashes: string[] = [];
  for (let number = fromBlock; number <= toBlock; number++) {
    const block = (await provider.send("eth_getBlockByNumber", [`0x${number.toString(16)}`, true])) as {
      transactions: { hash: string; to: string | null; input: string }[];
    };
    for (const tx of block.transactions) {
      copy.calldata.push(tx.input.slice(2));
      copy.transactions += 1;
      if (tx.to !== null && tracedSet.has(tx.to.toLowerCase())) hashes.push(tx.hash);
    }
  }
  for (const hash of hashes) {
    const trace = (await provider.send("debug_traceTransaction", [
      hash,
      { disableStack: true, disableMemory: true, enableMemory: false, enableReturnData: false },
    ])) as { structLogs: StructLog[] };
    const slots = new Map<string, string>();
    for (const step of trace.structLogs) {
      if (step.storage === undefined || (step.op !== "SSTORE" && step.op !== "SLOAD")) continue;
      for (const [key, value] of Object.entries(step.storage)) slots.set(`${key}:${value}`, value);
    }
    copy.storageWrites += slots.size;
    // The words of one transaction in slot order as one blob: a long string's chunks sit in consecutive slots, so it
    // is found across words; the slots' keys apart (a mapping keyed by a bare hash of a term would show there).
    const entries = [...slots.keys()].sort();
    const word = (item: string): string => item.replace(/^0x/, "").padStart(64, "0");
    copy.storage.push(
      entries.map((entry) => word(entry.split(":")[1])).join(""),
      entries.map((entry) => word(entry.split(":")[0])).join(""),
    );
  }
  copy.traced = hashes.length;
  return copy;
}

/** Every term found in the copy, with the sources it was found in. */
export function scan(copy: ChainCopy, terms: DealTerm[]): Leak[] {
  const leaks: Leak[] = [];
  for (const term of terms) {
    const needles = encodings(term.value);
    const sources = (["event", "storage", "calldata"] as const).filter((source) =>
      copy[source].some((blob) => needles.some((needle) => containsAtByte(blob, needle))),
    );
    if (sources.length > 0) leaks.push({ name: term.name, sources });
  }
  return leaks;
}
