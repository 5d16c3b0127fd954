/**
 * The work queue: what waits for one member, read from the query API, each item with its deadline and the one
 * transaction that answers it (built by the SDK, signed in the wallet). Kinds the API can answer today: receivables
 * to confirm, letters of credit to advise, guarantee applications to decide, data access requests to decide and
 * proposals to vote on.
 */
import type { Consortia } from "@consortia/sdk/client";
import { getAll, type ApiClient } from "./api.js";
import type { MessageKey, Params } from "./i18n.js";

export type QueueKind = "receivable" | "lc" | "guarantee" | "grant" | "proposal";

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

const DAY = 86_400;
/** How long a grant given from the queue runs (the owner can revoke it any time). */
export const GRANT_DAYS = 90;

/** 32 random bytes as hex: the reference a guarantor gives a guarantee it issues from the queue. */
export function randomReference(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

const mined = (receipt: { blockNumber: number } | null | undefined) => receipt ?? null;

/** Every item waiting for `memberId`, earliest deadline first (items without one last). */
export async function loadQueue(api: ApiClient, memberId: number, now: number): Promise<QueueItem[]> {
  const [receivables, lcs, guarantees, grants, proposals] = await Promise.all([
    getAll<Receivable>(api, "/receivables", { obligor: memberId, status: "Registered" }),
    getAll<LetterOfCredit>(api, "/letters-of-credit", { advisingBank: memberId, state: "Issued" }),
    getAll<Guarantee>(api, "/guarantees", { guarantor: memberId, state: "Applied" }),
    grantRequests(api, memberId),
    proposalsToVote(api, memberId, now),
  ]);
  const items: QueueItem[] = [
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
