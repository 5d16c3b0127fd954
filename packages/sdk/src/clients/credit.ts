/**
 * The shared credit blacklist: report, maintain, dispute and resolve entries against keyed subject keys; logged
 * queries with the customer's consent. Only hashes go on chain: the subject key is derived off chain with the
 * consortium key, and the entry's details travel in an envelope sealed for the readers (always with the regulator).
 *
 * Browser-safe: envelope sealing and opening (which need the Node part of the SDK) are loaded on first use.
 */
import { ZeroHash, type ContractTransactionReceipt } from "ethers";
import { ConsortiumRegistry__factory } from "../typechain/factories/platform/ConsortiumRegistry__factory.js";
import { CreditBlacklist__factory } from "../typechain/factories/credit/CreditBlacklist__factory.js";
import type { CreditBlacklist } from "../typechain/credit/CreditBlacklist.js";
import type { Envelope, EnvelopeAuthority, Reader } from "../envelope.js";
import type { PayloadStore } from "../payloadStore.js";
import { deriveSubjectKey, type SubjectKind as IdentifierKind } from "../subjectKey.js";
import type { Hex } from "../bytes.js";
import { envelopeReadersOf } from "./readers.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";
import { eventArgs as firstEvent } from "./events.js";

export const CREDIT_SUBJECT_KIND = ["None", "Person", "Company"] as const;
export const CREDIT_CATEGORY = [
  "None",
  "Fraud",
  "Default",
  "Overdue",
  "IdentityTheft",
  "MoneyLaundering",
  "JudgmentDebtor",
  "Other",
] as const;
export const CREDIT_ENTRY_STATUS = ["None", "Active", "Disputed", "Revoked", "Withdrawn"] as const;
export const CREDIT_RESOLUTION = ["None", "Upheld", "Withdrawn"] as const;

export type CreditSubjectKind = (typeof CREDIT_SUBJECT_KIND)[number];
export type CreditCategory = (typeof CREDIT_CATEGORY)[number];
export type CreditEntryStatus = (typeof CREDIT_ENTRY_STATUS)[number];
export type CreditResolution = (typeof CREDIT_RESOLUTION)[number];

/** Who the entry is about: a subject key derived already, or an identifier and the consortium key to derive it. */
export type CreditSubject =
  { subjectKey: string } | { identifier: { kind: IdentifierKind; value: string }; consortiumKey: Uint8Array | Hex };

/** An envelope to seal for `readers` (member ids; the regulator members are always added) and store. */
export interface CreditPayload {
  plaintext: Uint8Array;
  readers: number[];
  store: PayloadStore;
}

/** What a report or update states. Dates are unix seconds. */
export interface CreditContent {
  category: CreditCategory;
  severity: number;
  expiresAt: bigint | number;
  evidenceHash: string;
  /**
   * The details (required by the contract): sealed and stored here (only their hashes go on chain), or the hashes of
   * an envelope published otherwise.
   */
  payload: CreditPayload | { payloadHash: string; payloadLocationHash: string };
}

/** An entry as a query page or `entry()` shows it, with enum values named. */
export interface CreditListing {
  number: number;
  reporter: number;
  subjectKind: CreditSubjectKind;
  category: CreditCategory;
  severity: number;
  status: CreditEntryStatus;
  version: number;
  reportedAt: number;
  updatedAt: number;
  expiresAt: number;
}

export interface CreditQueryResult {
  subjectKey: string;
  listings: CreditListing[];
  nextCursor: number;
  /** The logged transaction: file its hash with the customer's credit file. */
  receipt: ContractTransactionReceipt;
  /** What the `SubjectQueried` log says the transaction showed. */
  shown: number;
  /**
   * Whether the log agrees with the answer read just before sending (same count, same next cursor). False only when
   * another transaction changed the subject's entries in between; query again for a consistent page.
   */
  consistent: boolean;
}

export type CreditClient = ReturnType<typeof createCreditClient>;

function indexOf<T extends string>(labels: readonly T[], value: T, what: string): number {
  const index = labels.indexOf(value);
  if (index <= 0) throw new Error(`unknown ${what} "${value}": expected one of ${labels.slice(1).join(", ")}`);
  return index;
}

type RawListing = Awaited<ReturnType<CreditBlacklist["query"]["staticCall"]>>[0][number];

function listingOf(raw: RawListing): CreditListing {
  return {
    number: Number(raw.number),
    reporter: Number(raw.reporter),
    subjectKind: CREDIT_SUBJECT_KIND[Number(raw.subjectKind)],
    category: CREDIT_CATEGORY[Number(raw.category)],
    severity: Number(raw.severity),
    status: CREDIT_ENTRY_STATUS[Number(raw.status)],
    version: Number(raw.version),
    reportedAt: Number(raw.reportedAt),
    updatedAt: Number(raw.updatedAt),
    expiresAt: Number(raw.expiresAt),
  };
}

// Loaded on first use (a front-end bundler puts the envelope module, about 75 KB gzip, in a chunk of its own); the
// literal specifier lets the bundler follow it.
const loadEnvelope = (): Promise<typeof import("../envelope.js")> => import("../envelope.js");

/** The associated data every credit envelope is bound to: the subject it is about. */
export function creditEnvelopeAad(subjectKey: string): Uint8Array {
  return new TextEncoder().encode(`credit:${subjectKey.toLowerCase()}`);
}

function createCreditClient(context: ClientContext) {
  const contract: CreditBlacklist = context.connect("CreditBlacklist", CreditBlacklist__factory);
  const registry = context.connect("ConsortiumRegistry", ConsortiumRegistry__factory);

  const subjectKeyOf = (subject: CreditSubject): string =>
    "subjectKey" in subject
      ? subject.subjectKey.toLowerCase()
      : deriveSubjectKey({
          consortiumKey: subject.consortiumKey,
          kind: subject.identifier.kind,
          value: subject.identifier.value,
        });

  /** Envelope readers for member ids plus every active regulator (always readers of a credit envelope). */
  const readers = (memberIds: number[]): Promise<Reader[]> => envelopeReadersOf(registry, memberIds);

  /** Seals `payload` for its readers and the regulators, stores it, and returns the hashes to put on chain. */
  async function sealPayload(subjectKey: string, payload: CreditPayload) {
    const { sealEnvelope, envelopeHash } = await loadEnvelope();
    const { envelope, dataKey } = await sealEnvelope({
      plaintext: payload.plaintext,
      recipients: await readers(payload.readers),
      associatedData: creditEnvelopeAad(subjectKey),
      // The consortium's suite, chosen at deployment: members' registry keys are keys of that suite.
      suite: context.deployment.envelopeSuite ?? "standard",
    });
    const payloadLocationHash = await payload.store.put(new TextEncoder().encode(JSON.stringify(envelope)));
    // The data key lets the reporter grant further readers later (`grantReader`); keep it secret or drop it.
    return { envelope, dataKey, payloadHash: envelopeHash(envelope), payloadLocationHash };
  }

  async function contentOf(subjectKey: string, content: CreditContent) {
    const sealed: { envelope?: Envelope; dataKey?: Uint8Array; payloadHash: string; payloadLocationHash: string } =
      "store" in content.payload ? await sealPayload(subjectKey, content.payload) : content.payload;
    return {
      sealed,
      struct: {
        category: indexOf(CREDIT_CATEGORY, content.category, "category"),
        severity: content.severity,
        expiresAt: BigInt(content.expiresAt),
        evidenceHash: content.evidenceHash,
        payloadHash: sealed.payloadHash,
        payloadLocationHash: sealed.payloadLocationHash,
      },
    };
  }

  function eventArgs(receipt: ContractTransactionReceipt, name: string) {
    return firstEvent(receipt, String(contract.target), contract.interface, name);
  }

  /** The hashes a version of an entry put on chain (from its `EntryReported` or `EntryUpdated` event). */
  async function versionHashes(subjectKey: string, number: number, version?: number) {
    const wanted = version ?? Number((await contract.entry(subjectKey, number)).version);
    if (wanted === 1) {
      const [event] = await contract.queryFilter(contract.filters.EntryReported(subjectKey, number));
      if (event === undefined) throw new Error(`no report of entry ${number} of ${subjectKey}`);
      return { version: 1, ...pickHashes(event.args) };
    }
    const events = await contract.queryFilter(contract.filters.EntryUpdated(subjectKey, number));
    const event = events.find((candidate) => Number(candidate.args.version) === wanted);
    if (event === undefined) throw new Error(`no version ${wanted} of entry ${number} of ${subjectKey}`);
    return { version: wanted, ...pickHashes(event.args) };
  }

  const pickHashes = (args: { evidenceHash: string; payloadHash: string; payloadLocationHash: string }) => ({
    evidenceHash: args.evidenceHash,
    payloadHash: args.payloadHash,
    payloadLocationHash: args.payloadLocationHash,
  });

  return {
    contract,
    address: context.address("CreditBlacklist"),
    /** The subject key of a subject (derives it from an identifier and the consortium key). */
    subjectKey: subjectKeyOf,
    /** Envelope readers for member ids, plus every active regulator (registry encryption keys). */
    readers,
    /**
     * Reports a new entry. With `content.payload` as `{ plaintext, readers, store }` the details are sealed for the
     * readers and the regulators, stored, and only the envelope's hash and store address go on chain.
     */
    async report(
      subject: CreditSubject,
      subjectKind: CreditSubjectKind,
      content: CreditContent,
      options?: SendOptions,
    ) {
      const subjectKey = subjectKeyOf(subject);
      const kind = indexOf(CREDIT_SUBJECT_KIND, subjectKind, "subject kind");
      const { sealed, struct } = await contentOf(subjectKey, content);
      const receipt = await context.send(contract, () => contract.report(subjectKey, kind, struct), options);
      const number = Number(eventArgs(receipt, "EntryReported").number);
      return { subjectKey, number, receipt, ...sealed };
    },
    /** Records a new version of an Active entry (its reporter only). */
    async update(subjectKey: string, number: number, content: CreditContent, options?: SendOptions) {
      const { sealed, struct } = await contentOf(subjectKey, content);
      const receipt = await context.send(contract, () => contract.update(subjectKey, number, struct), options);
      const version = Number(eventArgs(receipt, "EntryUpdated").version);
      return { subjectKey, number, version, receipt, ...sealed };
    },
    revoke: (subjectKey: string, number: number, reasonHash: string = ZeroHash, options?: SendOptions) =>
      context.send(contract, () => contract.revoke(subjectKey, number, reasonHash), options),
    dispute: (subjectKey: string, number: number, reasonHash: string, options?: SendOptions) =>
      context.send(contract, () => contract.dispute(subjectKey, number, reasonHash), options),
    /** Resolves an open dispute: Upheld (Active again) or Withdrawn (final). Reporter, auditor or governance. */
    resolve: (
      subjectKey: string,
      number: number,
      resolution: Exclude<CreditResolution, "None">,
      resolutionHash: string = ZeroHash,
      options?: SendOptions,
    ) =>
      context.send(
        contract,
        () =>
          contract.resolveDispute(
            subjectKey,
            number,
            indexOf(CREDIT_RESOLUTION, resolution, "resolution"),
            resolutionHash,
          ),
        options,
      ),
    /**
     * A logged query: reads the page with a `staticCall`, then sends the same call, which logs `SubjectQueried`
     * (the compliant record: keep `receipt.hash` with the customer's credit file). `consistent` tells whether the log
     * agrees with the page read (it does unless the subject changed in between).
     */
    async query(
      subjectKey: string,
      consentHash: string,
      page: { cursor?: number; limit?: number } = {},
      options?: SendOptions,
    ): Promise<CreditQueryResult> {
      const cursor = page.cursor ?? 0;
      const limit = page.limit ?? Number(await contract.MAX_QUERY_LIMIT());
      let answer: Awaited<ReturnType<CreditBlacklist["query"]["staticCall"]>>;
      try {
        answer = await contract.query.staticCall(subjectKey, consentHash, cursor, limit);
      } catch (error) {
        throw context.decode(error, String(contract.target));
      }
      const receipt = await context.send(
        contract,
        () => contract.query(subjectKey, consentHash, cursor, limit),
        options,
      );
      const logged = eventArgs(receipt, "SubjectQueried");
      const listings = answer[0].map(listingOf);
      const nextCursor = Number(answer[1]);
      const shown = Number(logged.shown);
      return {
        subjectKey,
        listings,
        nextCursor,
        receipt,
        shown,
        consistent: shown === listings.length && Number(logged.nextCursor) === nextCursor,
      };
    },
    /** Every page of a logged query (one transaction per page). */
    async queryAll(subjectKey: string, consentHash: string, options?: SendOptions) {
      const pages: CreditQueryResult[] = [];
      let cursor = 0;
      do {
        const page = await this.query(subjectKey, consentHash, { cursor }, options);
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor !== 0);
      return { listings: pages.flatMap((page) => page.listings), pages };
    },
    /** An entry's record (reporter maintenance, indexers); not a compliant customer check. */
    async entry(subjectKey: string, number: number): Promise<CreditListing & { count: number }> {
      const raw = await contract.entry(subjectKey, number);
      const listing = listingOf({
        number: BigInt(number),
        reporter: raw.reporter,
        subjectKind: raw.subjectKind,
        category: raw.category,
        severity: raw.severity,
        status: raw.status,
        version: raw.version,
        reportedAt: raw.reportedAt,
        updatedAt: raw.updatedAt,
        expiresAt: raw.expiresAt,
      } as unknown as RawListing);
      return { ...listing, count: Number(raw.count) };
    },
    versionHashes,
    /** Fetches and opens the envelope of an entry's version (default: the current one) as one of its readers. */
    async openPayload(
      subjectKey: string,
      number: number,
      reader: EnvelopeAuthority,
      store: PayloadStore,
      version?: number,
    ): Promise<Uint8Array> {
      const hashes = await versionHashes(subjectKey, number, version);
      if (hashes.payloadHash === ZeroHash) throw new Error(`entry ${number} of ${subjectKey} has no payload`);
      const { openEnvelope, parseEnvelope } = await loadEnvelope();
      const bytes = await store.get(hashes.payloadLocationHash as Hex);
      const envelope = parseEnvelope(JSON.parse(new TextDecoder().decode(bytes)));
      const aad = `0x${[...creditEnvelopeAad(subjectKey)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
      if (envelope.aad.toLowerCase() !== aad) throw new Error(`the envelope is not bound to subject ${subjectKey}`);
      return openEnvelope(envelope, reader, { expectedHash: hashes.payloadHash as Hex });
    },
    maxSeverity: async () => Number(await contract.MAX_SEVERITY()),
    maxQueryLimit: async () => Number(await contract.MAX_QUERY_LIMIT()),
  };
}

export default defineClient({
  contracts: { CreditBlacklist: CreditBlacklist__factory },
  enums: {
    "ICreditBlacklist.SubjectKind": CREDIT_SUBJECT_KIND,
    "ICreditBlacklist.Category": CREDIT_CATEGORY,
    "ICreditBlacklist.EntryStatus": CREDIT_ENTRY_STATUS,
    "ICreditBlacklist.Resolution": CREDIT_RESOLUTION,
  },
  messages: {
    UnknownEntry: (p) => `no entry ${p.number} of subject ${p.subjectKey}`,
    NotReporter: (p) => `member ${p.memberId} is not the reporter (member ${p.reporter}) of entry ${p.number}`,
    EntryWrongStatus: (p) => `entry ${p.number} is ${p.current}, expected ${p.expected}`,
    EntryExpired: (p) => `entry ${p.number} expired at ${p.expiresAt}`,
    OwnEntry: (p) => `member ${p.memberId} reported entry ${p.number} itself: update or revoke it instead`,
    NotResolver: (p) =>
      `${p.caller} may not resolve the dispute of entry ${p.number} (reporter, auditor or governance)`,
    SubjectKindMismatch: (p) => `the subject is listed as ${p.listed}, not ${p.given}`,
    InvalidExpiry: (p) => `expiry ${p.expiresAt} is outside ${p.earliest}..${p.latest}`,
    InvalidSeverity: (p) => `severity ${p.severity} is out of range`,
    ConsentRequired: () => "a query needs the customer's consent hash",
    InvalidCursor: (p) => `cursor ${p.cursor} is beyond the subject's ${p.count} entries`,
    InvalidLimit: (p) => `page limit ${p.limit} is not 1..${p.max}`,
  },
  create: createCreditClient,
});
