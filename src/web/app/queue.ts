/**
 * The work queue: what waits for one member, read from the query API, each item with its deadline and the one
 * transaction that answers it (built by the SDK, signed in the wallet). Kinds: receivables to confirm, discount offers
 * made to a bank and sign-off transfers made to a member (`/receivable-offers?bank=`), letters of credit to advise,
 * advised LCs to acknowledge and LC amendments to accept (beneficiary), presentations to examine, and complying ones to
 * pay (sight LC; paying approves the deposit token first when the allowance is short) or accept (deferred-payment LC)
 * (honouring bank), guarantee applications and demands to decide (guarantor), forfaiting offers to quote on (a link to
 * the offer's quote form: the price is typed there) and sealed quotes to reveal (kept in this browser, in their reveal
 * window), credit disputes to resolve: uphold or withdraw the entry (reporter), data access requests to decide and
 * proposals to vote on.
 */
import type { Consortia } from "@consortia/sdk/client";
import { getAll, type ApiClient } from "./api.js";
import type { MessageKey, Params } from "./i18n.js";
import { keepSealed, loadSealed, revealOpen, storageKey, type KeyValueStorage } from "./sealed.js";
import { allowanceShortfall } from "./allowance.js";

/**
 * Every kind of queue item once: the message naming what waits (its subject) and the action's label. The kind's own
 * name is `queue.kind.<kind>` in both languages; items are made only through `queueItem`, which derives the rest.
 */
export const QUEUE_KINDS = {
  receivable: { subject: "queue.subject.receivable", label: "action.confirm" },
  offer: { subject: "queue.subject.offer", label: "action.acceptDiscount" },
  transfer: { subject: "queue.subject.transfer", label: "action.acceptTransfer" },
  lc: { subject: "queue.subject.lc", label: "action.advise" },
  acknowledge: { subject: "queue.subject.acknowledge", label: "action.acknowledge" },
  amendment: { subject: "queue.subject.amendment", label: "action.acceptAmendment" },
  presentation: { subject: "queue.subject.presentation", label: "action.examine" },
  payment: { subject: "queue.subject.presentation", label: "action.pay" },
  acceptance: { subject: "queue.subject.acceptance", label: "action.acceptPresentation" },
  guarantee: { subject: "queue.subject.guarantee", label: "action.issue" },
  demand: { subject: "queue.subject.demand", label: "action.pay" },
  margin: { subject: "queue.subject.margin", label: "action.lockMargin" },
  release: { subject: "queue.subject.release", label: "action.payForRelease" },
  quoteOpen: { subject: "queue.subject.forfaiting", label: "action.quoteOn" },
  quoteSealed: { subject: "queue.subject.forfaiting", label: "action.commitOn" },
  quote: { subject: "queue.subject.quote", label: "action.reveal" },
  dispute: { subject: "queue.subject.dispute", label: "action.uphold" },
  grant: { subject: "queue.subject.grant", label: "action.grant" },
  proposal: { subject: "queue.subject.proposal", label: "action.vote" },
} as const satisfies Record<string, { subject: MessageKey; label: MessageKey }>;

export type QueueKind = keyof typeof QUEUE_KINDS;

/** Who the queue is for beyond the member: its account (the payer of a payment) and where its sealed quotes are kept. */
export interface QueueWallet {
  account: string;
  chainId: number;
  storage?: KeyValueStorage;
}

/** What the item's button does: an SDK call that resolves with the mined receipt. */
export type QueueAction = (
  consortia: Consortia,
  onSent: (hash: string) => void,
) => Promise<{ blockNumber: number } | null>;

/** One button of an item: its label and the transaction it sends. */
export interface QueueChoice {
  label: MessageKey;
  run: QueueAction;
}

export interface QueueItem {
  /** Stable across refreshes: `<kind>:<id>`. */
  key: string;
  kind: QueueKind;
  subject: { key: MessageKey; params: Params; amounts?: Record<string, string> };
  /** Unix seconds, or null when the step has none. */
  deadline: number | null;
  /** The one click: a transaction, or (a step that needs the user's input, such as a price) a link to its form. */
  action: QueueChoice | { label: MessageKey; to: string };
  /** Other answers to the same step (a disputed entry: uphold it, or withdraw it). */
  more?: QueueChoice[];
}

/** An item of `kind` for the step `id`: key, subject message and action label from QUEUE_KINDS. */
export function queueItem(
  kind: QueueKind,
  id: string | number,
  subject: { params: Params; amounts?: Record<string, string> },
  deadline: number | null,
  action: QueueAction | { to: string },
  more?: QueueChoice[],
): QueueItem {
  const { subject: key, label } = QUEUE_KINDS[kind];
  return {
    key: `${kind}:${id}`,
    kind,
    subject: { key, ...subject },
    deadline,
    action: typeof action === "function" ? { label, run: action } : { label, to: action.to },
    ...(more === undefined ? {} : { more }),
  };
}

interface Receivable {
  id: string;
  creditor: number;
  faceValue: string;
  maturity: number;
}
interface LetterOfCredit {
  id: string;
  issuingBank: number;
  amount: string;
  expiry: number;
}
interface Guarantee {
  id: string;
  applicant: number;
  amount: string;
  expiry: number;
}
interface GrantNode {
  id: number;
  datasetId: number;
  grantee: number;
  status: string;
  requestedScope: string | null;
  scope: string;
  children: GrantNode[];
}
interface Proposal {
  id: string;
  expiresAt: number;
  approvals: number;
  call: { text: string } | null;
  votes?: { memberId: number }[];
}

interface ReceivableOffer {
  kind: string;
  id: string;
  tokenId: string;
  value: string;
  deadline: number;
}
interface LcRow extends LetterOfCredit {
  state: string;
  deferred?: boolean;
  tenorDays?: number;
  beneficiary: number;
  nominatedBank: number | null;
  pendingAmendment: string | null;
}
interface PresentationRow {
  id: string;
  lcId: string;
  state: string;
  amount: string;
  examinationDeadline: number | null;
  presentedAt: number | null;
}
/** A presentation to honour with its LC's payment terms. */
interface Honourable extends PresentationRow {
  deferred: boolean;
  tenorDays: number;
}
interface Claim {
  guaranteeId: string;
  index: number;
  amount: string;
  examinationDeadline: number;
}
interface ForfaitingOffer {
  id: string;
  seller: number;
  state: string;
  amount: string;
  sealed: boolean;
  quoteDeadline: number;
  revealPeriod: number;
  quotes: { bidder: string; bidderMember: number; price: string | null; state: string }[];
}
interface Margin {
  lcId: string;
  issuingBank: number;
  applicant: number;
  shareBps: number;
  due: string;
}
interface DocumentsHeld {
  presentationId: string;
  lcId: string;
  issuingBank: number;
  state: string;
  amountDue: string;
}
/** A margin to lock, or documents to pay for, on an LC where the member is the applicant. */
interface ApplicantSide {
  margins: (Margin & { expiry: number })[];
  held: DocumentsHeld[];
}
interface CreditEntry {
  subjectKey: string;
  number: number;
}

const DAY = 86_400;
/** How long a grant given from the queue runs (the owner can revoke it any time). */
export const GRANT_DAYS = 90;

/** 32 random bytes as hex: the reference a guarantor gives a guarantee it issues from the queue. */
export function randomReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

const mined = (receipt: { blockNumber: number } | null | undefined) => receipt ?? null;

/**
 * Pays through `spender` after the allowance step: approves the deposit token first when `payer`'s allowance is short.
 */
async function withAllowance<R>(
  c: Consortia,
  payer: string,
  spender: string,
  amount: bigint,
  onSent: (hash: string) => void,
  pay: () => Promise<R>,
): Promise<R> {
  const approve = allowanceShortfall(await c.token.allowance(payer, spender), amount);
  if (approve > 0n) await c.token.approve(spender, approve, { onSent });
  return pay();
}

/** Every item waiting for `memberId`, earliest deadline first (items without one last). */
export async function loadQueue(
  api: ApiClient,
  memberId: number,
  now: number,
  wallet?: QueueWallet,
): Promise<QueueItem[]> {
  const roles = api.get<{ roles: string[] }>(`/members/${memberId}`).then((member) => member.roles);
  const [
    receivables,
    lcs,
    guarantees,
    grants,
    proposals,
    offers,
    transfers,
    beneficiaryLcs,
    presentations,
    demands,
    quotes,
    disputes,
    toQuote,
    applicantSide,
  ] = await Promise.all([
    getAll<Receivable>(api, "/receivables", { obligor: memberId, status: "Registered" }),
    getAll<LetterOfCredit>(api, "/letters-of-credit", { advisingBank: memberId, state: "Issued" }),
    getAll<Guarantee>(api, "/guarantees", { guarantor: memberId, state: "Applied" }),
    grantRequests(api, memberId),
    roles.then((held) => (held.includes("VOTER") ? proposalsToVote(api, memberId, now) : [])),
    getAll<ReceivableOffer>(api, "/receivable-offers", {
      bank: memberId,
      kind: "discount",
      status: "Pending",
      sort: "deadline",
    }),
    getAll<ReceivableOffer>(api, "/receivable-offers", {
      bank: memberId,
      kind: "transfer",
      status: "Pending",
      sort: "deadline",
    }),
    getAll<LcRow>(api, "/letters-of-credit", { beneficiary: memberId }),
    presentationsToHonour(api, memberId),
    demandsToDecide(api, memberId),
    wallet === undefined ? Promise.resolve([]) : quotesToReveal(api, wallet, now),
    getAll<CreditEntry>(api, "/credit/entries", { reporter: memberId, status: "Disputed" }),
    roles.then((held) => (held.includes("FORFAITER") ? offersToQuote(api, memberId, now) : [])),
    applicantSteps(api, memberId, now),
  ]);
  const payer = wallet?.account;
  // LCs where this member is the beneficiary: advised ones to acknowledge, pending amendments to accept
  const amendments = beneficiaryLcs.filter((lc) => lc.pendingAmendment !== null);
  const toAcknowledge = beneficiaryLcs.filter((lc) => lc.state === "Advised" && lc.expiry > now);
  const items: QueueItem[] = [
    ...offers
      .filter((o) => o.deadline > now)
      .map((o) =>
        queueItem(
          "offer",
          o.id,
          { params: { id: o.id, token: o.tokenId }, amounts: { amount: o.value } },
          o.deadline,
          async (c, onSent) => mined((await c.receivables.acceptDiscount(BigInt(o.id), undefined, { onSent })).receipt),
        ),
      ),
    ...transfers
      .filter((o) => o.deadline > now)
      .map((o) =>
        queueItem(
          "transfer",
          o.id,
          { params: { id: o.id, token: o.tokenId }, amounts: { amount: o.value } },
          o.deadline,
          async (c, onSent) => mined((await c.receivables.acceptTransfer(BigInt(o.id), { onSent })).receipt),
        ),
      ),
    ...toAcknowledge.map((lc) =>
      queueItem(
        "acknowledge",
        lc.id,
        { params: { id: lc.id, issuer: lc.issuingBank }, amounts: { amount: lc.amount } },
        lc.expiry,
        async (c, onSent) => mined(await c.lettersOfCredit.acknowledge(BigInt(lc.id), { onSent })),
      ),
    ),
    ...amendments.map((lc) =>
      queueItem(
        "amendment",
        lc.id,
        { params: { id: lc.id }, amounts: { amount: lc.amount } },
        lc.expiry,
        async (c, onSent) => mined(await c.lettersOfCredit.acceptAmendment(BigInt(lc.id), undefined, { onSent })),
      ),
    ),
    ...presentations.map((p) => {
      const subject = { params: { id: p.id, lc: p.lcId }, amounts: { amount: p.amount } };
      if (p.state === "Presented")
        return queueItem("presentation", p.id, subject, p.examinationDeadline, async (c, onSent) =>
          mined((await c.lettersOfCredit.examine(BigInt(p.id), [], { onSent })).receipt),
        );
      // A deferred-payment LC's complying presentation is accepted (a claim maturing at the end of the tenor, which
      // the forfaiting market can trade), not paid now.
      if (p.deferred) {
        const maturity = (p.presentedAt ?? now) + p.tenorDays * DAY;
        return queueItem(
          "acceptance",
          p.id,
          { ...subject, params: { ...subject.params, maturity } },
          p.examinationDeadline,
          async (c, onSent) => mined(await c.lettersOfCredit.accept(BigInt(p.id), maturity, { onSent })),
        );
      }
      return queueItem("payment", p.id, subject, p.examinationDeadline, async (c, onSent) =>
        mined(
          await withAllowance(c, payer ?? "", c.lettersOfCredit.address, BigInt(p.amount), onSent, () =>
            c.lettersOfCredit.pay(BigInt(p.id), undefined, { onSent }),
          ),
        ),
      );
    }),
    ...demands.map((d) =>
      queueItem(
        "demand",
        `${d.guaranteeId}:${d.index}`,
        { params: { id: d.guaranteeId, index: d.index }, amounts: { amount: d.amount } },
        d.examinationDeadline,
        async (c, onSent) =>
          mined(
            await withAllowance(c, payer ?? "", c.guarantees.address, BigInt(d.amount), onSent, () =>
              c.guarantees.payClaim(BigInt(d.guaranteeId), BigInt(d.index), undefined, { onSent }),
            ),
          ),
      ),
    ),
    // The applicant locks the margin its issuing bank asks for (approving the deposit token for it first), before the
    // LC expires; and pays for the release of documents the bank holds for it (付款赎单).
    ...applicantSide.margins.map((m) =>
      queueItem(
        "margin",
        m.lcId,
        { params: { lc: m.lcId, issuer: m.issuingBank, share: m.shareBps / 100 }, amounts: { amount: m.due } },
        m.expiry,
        async (c, onSent) => mined((await c.lcApplicant.lockMargin(BigInt(m.lcId), BigInt(m.due), { onSent })).receipt),
      ),
    ),
    ...applicantSide.held.map((d) =>
      queueItem(
        "release",
        d.presentationId,
        { params: { id: d.presentationId, lc: d.lcId, issuer: d.issuingBank }, amounts: { amount: d.amountDue } },
        null,
        async (c, onSent) =>
          mined((await c.lcApplicant.payForRelease(BigInt(d.presentationId), BigInt(d.amountDue), { onSent })).receipt),
      ),
    ),
    ...toQuote.map((o) =>
      queueItem(
        o.sealed ? "quoteSealed" : "quoteOpen",
        o.id,
        { params: { id: o.id, seller: o.seller }, amounts: { amount: o.amount } },
        o.quoteDeadline,
        {
          to: `/forfaiting?offer=${o.id}`,
        },
      ),
    ),
    ...quotes.map(({ offer, record }) =>
      queueItem(
        "quote",
        offer.id,
        { params: { id: offer.id }, amounts: {} },
        offer.quoteDeadline + offer.revealPeriod,
        async (c, onSent) => {
          const receipt = await c.forfaiting.revealQuote(BigInt(offer.id), BigInt(record.price), record.salt, {
            onSent,
          });
          if (wallet?.storage !== undefined)
            keepSealed(wallet.storage, storageKey(wallet.chainId, wallet.account), { ...record, revealed: true });
          return mined(receipt);
        },
      ),
    ),
    // The reporter answers a dispute either way: upholds the entry (Active again) or withdraws it (final).
    ...disputes.map((e) =>
      queueItem(
        "dispute",
        `${e.subjectKey}:${e.number}`,
        { params: { key: `${e.subjectKey.slice(0, 10)}…`, number: e.number } },
        null,
        async (c, onSent) => mined(await c.credit.resolve(e.subjectKey, e.number, "Upheld", undefined, { onSent })),
        [
          {
            label: "action.withdrawEntry",
            run: async (c, onSent) =>
              mined(await c.credit.resolve(e.subjectKey, e.number, "Withdrawn", undefined, { onSent })),
          },
        ],
      ),
    ),
    ...receivables.map((r) =>
      queueItem(
        "receivable",
        r.id,
        { params: { id: r.id, creditor: r.creditor }, amounts: { amount: r.faceValue } },
        r.maturity,
        async (c, onSent) => mined((await c.receivables.confirm(BigInt(r.id), { onSent })).receipt),
      ),
    ),
    ...lcs.map((lc) =>
      queueItem(
        "lc",
        lc.id,
        { params: { id: lc.id, issuer: lc.issuingBank }, amounts: { amount: lc.amount } },
        lc.expiry,
        async (c, onSent) => mined(await c.lettersOfCredit.advise(BigInt(lc.id), { onSent })),
      ),
    ),
    ...guarantees.map((g) =>
      queueItem(
        "guarantee",
        g.id,
        { params: { id: g.id, applicant: g.applicant }, amounts: { amount: g.amount } },
        g.expiry,
        async (c, onSent) => mined(await c.guarantees.issue(BigInt(g.id), randomReference(), { onSent })),
      ),
    ),
    // The owner grants the requested scope for GRANT_DAYS, either not letting the grantee delegate it or letting it.
    ...grants.map((grant) => {
      const grantIt =
        (mayDelegate: boolean): QueueAction =>
        async (c, onSent) =>
          mined(
            await c.dataSharing.grantAccess(
              BigInt(grant.id),
              { scope: BigInt(grant.requestedScope ?? grant.scope), expiresAt: now + GRANT_DAYS * DAY, mayDelegate },
              { onSent },
            ),
          );
      return queueItem(
        "grant",
        grant.id,
        { params: { id: grant.id, grantee: grant.grantee, dataset: grant.datasetId } },
        null,
        grantIt(false),
        [{ label: "action.grantDelegable", run: grantIt(true) }],
      );
    }),
    ...proposals.map((p) =>
      queueItem(
        "proposal",
        p.id,
        { params: { id: p.id, call: p.call?.text ?? "?", approvals: p.approvals } },
        p.expiresAt,
        async (c, onSent) => mined(await c.registry.approve(BigInt(p.id), { onSent })),
      ),
    ),
  ];
  return sortQueue(items);
}

/** Earliest deadline first; items without a deadline after those with one; then by key. */
export function sortQueue(items: QueueItem[]): QueueItem[] {
  return [...items].sort((a, b) => {
    if (a.deadline !== b.deadline) {
      if (a.deadline === null) return 1;
      if (b.deadline === null) return -1;
      return a.deadline - b.deadline;
    }
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

/**
 * Presentations to examine (Presented) or to pay or accept (Compliant: accept under a deferred-payment LC, pay under a
 * sight one) where `memberId` is the honouring bank.
 */
async function presentationsToHonour(api: ApiClient, memberId: number): Promise<Honourable[]> {
  const [issued, nominated] = await Promise.all([
    getAll<LcRow>(api, "/letters-of-credit", { issuingBank: memberId }),
    getAll<LcRow>(api, "/letters-of-credit", { nominatedBank: memberId }),
  ]);
  const honouring = new Map(
    [...issued, ...nominated]
      .filter((lc) => (lc.nominatedBank ?? lc.issuingBank) === memberId)
      .map((lc) => [lc.id, lc] as const),
  );
  if (honouring.size === 0) return [];
  const [presented, compliant] = await Promise.all([
    getAll<PresentationRow>(api, "/lc-presentations", { state: "Presented", sort: "deadline" }),
    getAll<PresentationRow>(api, "/lc-presentations", { state: "Compliant", sort: "deadline" }),
  ]);
  return [...presented, ...compliant].flatMap((p) => {
    const lc = honouring.get(p.lcId);
    return lc === undefined ? [] : [{ ...p, deferred: lc.deferred === true, tenorDays: lc.tenorDays ?? 0 }];
  });
}

/**
 * Open forfaiting offers of other members still taking quotes, on which `memberId` (a FORFAITER) has no quote yet: the
 * item links to the offer's quote form (a price to type: openly, or sealed with the salt kept by the browser). Two
 * requests whatever the number of offers: the open offers, and the member's own quotes on open offers
 * (`/forfaiting/quotes?bidder=&offerState=Open`).
 */
async function offersToQuote(api: ApiClient, memberId: number, now: number): Promise<ForfaitingOffer[]> {
  const [offers, mine] = await Promise.all([
    getAll<ForfaitingOffer>(api, "/forfaiting/offers", { state: "Open" }),
    getAll<{ offerId: string }>(api, "/forfaiting/quotes", { bidder: memberId, offerState: "Open" }),
  ]);
  const quoted = new Set(mine.map((q) => q.offerId));
  return offers.filter((o) => o.seller !== memberId && o.quoteDeadline >= now && !quoted.has(o.id));
}

/** LC states in which an applicant may still lock margin (the LC can still be drawn). */
const MARGIN_LC_STATES = new Set(["Applied", "Issued", "Advised", "Acknowledged"]);

/**
 * Where `memberId` is an LC's applicant: margin due (the share its issuing bank set, not yet locked) on an LC that is
 * still open and not expired, and documents held for it with a reimbursement still due.
 */
async function applicantSteps(api: ApiClient, memberId: number, now: number): Promise<ApplicantSide> {
  const [lcs, margins, held] = await Promise.all([
    getAll<LcRow & { applicant: number }>(api, "/letters-of-credit", { applicant: memberId }),
    getAll<Margin>(api, "/lc-margins", { applicant: memberId }),
    getAll<DocumentsHeld>(api, "/lc-documents-held", {}),
  ]);
  const mine = new Map(lcs.filter((lc) => lc.applicant === memberId).map((lc) => [lc.id, lc] as const));
  return {
    margins: margins.flatMap((m) => {
      const lc = mine.get(m.lcId);
      return lc !== undefined && BigInt(m.due) > 0n && MARGIN_LC_STATES.has(lc.state) && lc.expiry > now
        ? [{ ...m, expiry: lc.expiry }]
        : [];
    }),
    held: held.filter(
      (d) =>
        mine.has(d.lcId) && (d.state === "Held" || d.state === "ReleasedOnTrustReceipt") && BigInt(d.amountDue) > 0n,
    ),
  };
}

/** Demands under examination on guarantees `memberId` gave. */
async function demandsToDecide(api: ApiClient, memberId: number): Promise<Claim[]> {
  const given = await getAll<Guarantee & { state: string }>(api, "/guarantees", { guarantor: memberId });
  const open = given.filter((g) => g.state === "Issued" || g.state === "Claimed");
  const claims = await Promise.all(
    open.map((g) => getAll<Claim>(api, `/guarantees/${g.id}/claims`, { state: "Presented" })),
  );
  return claims.flat();
}

/** Sealed quotes this browser keeps for the wallet's account, not revealed yet, whose offer's reveal window is open. */
async function quotesToReveal(
  api: ApiClient,
  wallet: QueueWallet,
  now: number,
): Promise<{ offer: ForfaitingOffer; record: ReturnType<typeof loadSealed>[number] }[]> {
  if (wallet.storage === undefined) return [];
  const kept = loadSealed(wallet.storage, storageKey(wallet.chainId, wallet.account)).filter(
    (r) => r.revealed !== true,
  );
  const found = await Promise.all(
    kept.map(async (record) => {
      const offer = await api.get<ForfaitingOffer>(`/forfaiting/offers/${record.offerId}`).catch(() => undefined);
      const quote = offer?.quotes.find((q) => q.bidder.toLowerCase() === wallet.account.toLowerCase());
      return offer !== undefined && offer.sealed && revealOpen(offer, now) && quote?.state === "Committed"
        ? [{ offer, record }]
        : [];
    }),
  );
  return found.flat();
}

/** Requests waiting on the datasets `memberId` owns. */
async function grantRequests(api: ApiClient, memberId: number): Promise<GrantNode[]> {
  const datasets = await getAll<{ id: number }>(api, "/datasets", { owner: memberId, status: "Active" });
  const trees = await Promise.all(datasets.map((d) => api.get<{ roots: GrantNode[] }>(`/datasets/${d.id}/grants`)));
  const flat: GrantNode[] = [];
  const walk = (nodes: GrantNode[]) => {
    for (const node of nodes) {
      flat.push(node);
      walk(node.children);
    }
  };
  trees.forEach((tree) => walk(tree.roots));
  return flat.filter((grant) => grant.status === "Requested");
}

/** Open proposals (pending, not expired) this member (a VOTER) has not approved yet. */
async function proposalsToVote(api: ApiClient, memberId: number, now: number): Promise<Proposal[]> {
  const pending = (await getAll<Proposal>(api, "/proposals", { status: "Pending" })).filter((p) => p.expiresAt > now);
  const details = await Promise.all(pending.map((p) => api.get<Proposal>(`/proposals/${p.id}`)));
  return details.filter((p) => !(p.votes ?? []).some((vote) => vote.memberId === memberId));
}
