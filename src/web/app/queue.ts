/**
 * The work queue: what waits for one member, read from the query API, each item with its deadline and the one
 * transaction that answers it (built by the SDK, signed in the wallet). Kinds: receivables to confirm, discount offers
 * made to a bank and sign-off transfers made to a member (`/receivable-offers?bank=`), letters of credit to advise,
 * advised LCs to acknowledge and LC amendments to accept (beneficiary),
 * presentations to examine and to pay (honouring bank; paying approves the deposit token first when the allowance is
 * short), guarantee applications and demands to decide (guarantor), sealed forfaiting quotes to reveal (kept in this
 * browser, in their reveal window), credit disputes to resolve (reporter), data access requests to decide and
 * proposals to vote on.
 */
import type { Consortia } from "@consortia/sdk/client";
import { getAll, type ApiClient } from "./api.js";
import type { MessageKey, Params } from "./i18n.js";
import { keepSealed, loadSealed, revealOpen, storageKey, type KeyValueStorage } from "./sealed.js";
import { allowanceShortfall } from "./allowance.js";

export type QueueKind =
  | "receivable"
  | "offer"
  | "transfer"
  | "lc"
  | "acknowledge"
  | "amendment"
  | "presentation"
  | "payment"
  | "guarantee"
  | "demand"
  | "quote"
  | "dispute"
  | "grant"
  | "proposal";

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

export interface QueueItem {
  /** Stable across refreshes: `<kind>:<id>`. */
  key: string;
  kind: QueueKind;
  subject: { key: MessageKey; params: Params; amounts?: Record<string, string> };
  /** Unix seconds, or null when the step has none. */
  deadline: number | null;
  action: { label: MessageKey; run: QueueAction };
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
}
interface Claim {
  guaranteeId: string;
  index: number;
  amount: string;
  examinationDeadline: number;
}
interface ForfaitingOffer {
  id: string;
  sealed: boolean;
  quoteDeadline: number;
  revealPeriod: number;
  quotes: { bidder: string; price: string | null; state: string }[];
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
  ] = await Promise.all([
    getAll<Receivable>(api, "/receivables", { obligor: memberId, status: "Registered" }),
    getAll<LetterOfCredit>(api, "/letters-of-credit", { advisingBank: memberId, state: "Issued" }),
    getAll<Guarantee>(api, "/guarantees", { guarantor: memberId, state: "Applied" }),
    grantRequests(api, memberId),
    proposalsToVote(api, memberId, now),
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
  ]);
  const payer = wallet?.account;
  // LCs where this member is the beneficiary: advised ones to acknowledge, pending amendments to accept
  const amendments = beneficiaryLcs.filter((lc) => lc.pendingAmendment !== null);
  const toAcknowledge = beneficiaryLcs.filter((lc) => lc.state === "Advised" && lc.expiry > now);
  const items: QueueItem[] = [
    ...offers
      .filter((o) => o.deadline > now)
      .map((o): QueueItem => ({
        key: `offer:${o.id}`,
        kind: "offer",
        subject: { key: "queue.subject.offer", params: { id: o.id, token: o.tokenId }, amounts: { amount: o.value } },
        deadline: o.deadline,
        action: {
          label: "action.acceptDiscount",
          run: async (c, onSent) =>
            mined((await c.receivables.acceptDiscount(BigInt(o.id), undefined, { onSent })).receipt),
        },
      })),
    ...transfers
      .filter((o) => o.deadline > now)
      .map((o): QueueItem => ({
        key: `transfer:${o.id}`,
        kind: "transfer",
        subject: {
          key: "queue.subject.transfer",
          params: { id: o.id, token: o.tokenId },
          amounts: { amount: o.value },
        },
        deadline: o.deadline,
        action: {
          label: "action.acceptTransfer",
          run: async (c, onSent) => mined((await c.receivables.acceptTransfer(BigInt(o.id), { onSent })).receipt),
        },
      })),
    ...toAcknowledge.map((lc): QueueItem => ({
      key: `acknowledge:${lc.id}`,
      kind: "acknowledge",
      subject: {
        key: "queue.subject.acknowledge",
        params: { id: lc.id, issuer: lc.issuingBank },
        amounts: { amount: lc.amount },
      },
      deadline: lc.expiry,
      action: {
        label: "action.acknowledge",
        run: async (c, onSent) => mined(await c.lettersOfCredit.acknowledge(BigInt(lc.id), { onSent })),
      },
    })),
    ...amendments.map((lc): QueueItem => ({
      key: `amendment:${lc.id}`,
      kind: "amendment",
      subject: { key: "queue.subject.amendment", params: { id: lc.id }, amounts: { amount: lc.amount } },
      deadline: lc.expiry,
      action: {
        label: "action.acceptAmendment",
        run: async (c, onSent) => mined(await c.lettersOfCredit.acceptAmendment(BigInt(lc.id), undefined, { onSent })),
      },
    })),
    ...presentations.map((p): QueueItem => {
      const examine = p.state === "Presented";
      return {
        key: `${examine ? "presentation" : "payment"}:${p.id}`,
        kind: examine ? "presentation" : "payment",
        subject: { key: "queue.subject.presentation", params: { id: p.id, lc: p.lcId }, amounts: { amount: p.amount } },
        deadline: p.examinationDeadline,
        action: examine
          ? {
              label: "action.examine",
              run: async (c, onSent) => mined((await c.lettersOfCredit.examine(BigInt(p.id), [], { onSent })).receipt),
            }
          : {
              label: "action.pay",
              run: async (c, onSent) =>
                mined(
                  await withAllowance(c, payer ?? "", c.lettersOfCredit.address, BigInt(p.amount), onSent, () =>
                    c.lettersOfCredit.pay(BigInt(p.id), undefined, { onSent }),
                  ),
                ),
            },
      };
    }),
    ...demands.map((d): QueueItem => ({
      key: `demand:${d.guaranteeId}:${d.index}`,
      kind: "demand",
      subject: {
        key: "queue.subject.demand",
        params: { id: d.guaranteeId, index: d.index },
        amounts: { amount: d.amount },
      },
      deadline: d.examinationDeadline,
      action: {
        label: "action.pay",
        run: async (c, onSent) =>
          mined(
            await withAllowance(c, payer ?? "", c.guarantees.address, BigInt(d.amount), onSent, () =>
              c.guarantees.payClaim(BigInt(d.guaranteeId), BigInt(d.index), undefined, { onSent }),
            ),
          ),
      },
    })),
    ...quotes.map(({ offer, record }): QueueItem => ({
      key: `quote:${offer.id}`,
      kind: "quote",
      subject: { key: "queue.subject.quote", params: { id: offer.id }, amounts: {} },
      deadline: offer.quoteDeadline + offer.revealPeriod,
      action: {
        label: "action.reveal",
        run: async (c, onSent) => {
          const receipt = await c.forfaiting.revealQuote(BigInt(offer.id), BigInt(record.price), record.salt, {
            onSent,
          });
          if (wallet?.storage !== undefined)
            keepSealed(wallet.storage, storageKey(wallet.chainId, wallet.account), { ...record, revealed: true });
          return mined(receipt);
        },
      },
    })),
    ...disputes.map((e): QueueItem => ({
      key: `dispute:${e.subjectKey}:${e.number}`,
      kind: "dispute",
      subject: { key: "queue.subject.dispute", params: { key: `${e.subjectKey.slice(0, 10)}…`, number: e.number } },
      deadline: null,
      action: {
        label: "action.uphold",
        run: async (c, onSent) =>
          mined(await c.credit.resolve(e.subjectKey, e.number, "Upheld", undefined, { onSent })),
      },
    })),
    ...receivables.map((r): QueueItem => ({
      key: `receivable:${r.id}`,
      kind: "receivable",
      subject: {
        key: "queue.subject.receivable",
        params: { id: r.id, creditor: r.creditor },
        amounts: { amount: r.faceValue },
      },
      deadline: r.maturity,
      action: {
        label: "action.confirm",
        run: async (c, onSent) => mined((await c.receivables.confirm(BigInt(r.id), { onSent })).receipt),
      },
    })),
    ...lcs.map((lc): QueueItem => ({
      key: `lc:${lc.id}`,
      kind: "lc",
      subject: {
        key: "queue.subject.lc",
        params: { id: lc.id, issuer: lc.issuingBank },
        amounts: { amount: lc.amount },
      },
      deadline: lc.expiry,
      action: {
        label: "action.advise",
        run: async (c, onSent) => mined(await c.lettersOfCredit.advise(BigInt(lc.id), { onSent })),
      },
    })),
    ...guarantees.map((g): QueueItem => ({
      key: `guarantee:${g.id}`,
      kind: "guarantee",
      subject: {
        key: "queue.subject.guarantee",
        params: { id: g.id, applicant: g.applicant },
        amounts: { amount: g.amount },
      },
      deadline: g.expiry,
      action: {
        label: "action.issue",
        run: async (c, onSent) => mined(await c.guarantees.issue(BigInt(g.id), randomReference(), { onSent })),
      },
    })),
    ...grants.map((grant): QueueItem => ({
      key: `grant:${grant.id}`,
      kind: "grant",
      subject: {
        key: "queue.subject.grant",
        params: { id: grant.id, grantee: grant.grantee, dataset: grant.datasetId },
      },
      deadline: null,
      action: {
        label: "action.grant",
        run: async (c, onSent) =>
          mined(
            await c.dataSharing.grantAccess(
              BigInt(grant.id),
              { scope: BigInt(grant.requestedScope ?? grant.scope), expiresAt: now + GRANT_DAYS * DAY },
              { onSent },
            ),
          ),
      },
    })),
    ...proposals.map((p): QueueItem => ({
      key: `proposal:${p.id}`,
      kind: "proposal",
      subject: {
        key: "queue.subject.proposal",
        params: { id: p.id, call: p.call?.text ?? "?", approvals: p.approvals },
      },
      deadline: p.expiresAt,
      action: {
        label: "action.vote",
        run: async (c, onSent) => mined(await c.registry.approve(BigInt(p.id), { onSent })),
      },
    })),
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

/** Presentations to examine (Presented) or pay (Compliant) where `memberId` is the honouring bank. */
async function presentationsToHonour(api: ApiClient, memberId: number): Promise<PresentationRow[]> {
  const [issued, nominated] = await Promise.all([
    getAll<LcRow>(api, "/letters-of-credit", { issuingBank: memberId }),
    getAll<LcRow>(api, "/letters-of-credit", { nominatedBank: memberId }),
  ]);
  const honouring = new Set(
    [...issued, ...nominated].filter((lc) => (lc.nominatedBank ?? lc.issuingBank) === memberId).map((lc) => lc.id),
  );
  if (honouring.size === 0) return [];
  const [presented, compliant] = await Promise.all([
    getAll<PresentationRow>(api, "/lc-presentations", { state: "Presented", sort: "deadline" }),
    getAll<PresentationRow>(api, "/lc-presentations", { state: "Compliant", sort: "deadline" }),
  ]);
  return [...presented, ...compliant].filter((p) => honouring.has(p.lcId));
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

/** Open proposals (pending, not expired) this member has not approved yet; nothing for a member without VOTER. */
async function proposalsToVote(api: ApiClient, memberId: number, now: number): Promise<Proposal[]> {
  const member = await api.get<{ roles: string[] }>(`/members/${memberId}`);
  if (!member.roles.includes("VOTER")) return [];
  const pending = (await getAll<Proposal>(api, "/proposals", { status: "Pending" })).filter((p) => p.expiresAt > now);
  const details = await Promise.all(pending.map((p) => api.get<Proposal>(`/proposals/${p.id}`)));
  return details.filter((p) => !(p.votes ?? []).some((vote) => vote.memberId === memberId));
}
