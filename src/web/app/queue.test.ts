import { describe, expect, it } from "vitest";
import { loadQueue, randomReference, sortQueue, type QueueItem } from "./queue.js";

const item = (key: string, deadline: number | null): QueueItem => ({
  key,
  kind: "receivable",
  subject: { key: "queue.subject.receivable", params: {} },
  deadline,
  action: { label: "action.confirm", run: async () => null },
});

describe("work queue", () => {
  it("puts the earliest deadline first and items without one last", () => {
    const sorted = sortQueue([item("a", null), item("b", 30), item("c", 10), item("d", 30)]);
    expect(sorted.map((entry) => entry.key)).toEqual(["c", "b", "d", "a"]);
  });

  it("makes 32-byte random references", () => {
    const one = randomReference();
    expect(one).toMatch(/^0x[0-9a-f]{64}$/);
    expect(randomReference()).not.toBe(one);
  });
});

describe("work queue kinds read from the API", () => {
  const NOW = 1_800_000_000;
  const page = (items: unknown[]) => ({ items, nextCursor: null });
  /** A fake API answering by path and query: what a bank (member 2) has waiting. */
  const api = {
    baseUrl: "",
    setSigner: () => undefined,
    session: () => undefined,
    streamUrl: () => "",
    async get<T>(path: string, query: Record<string, unknown> = {}): Promise<T> {
      const q = JSON.stringify({ ...query, limit: undefined, cursor: undefined });
      const answers: Record<string, unknown> = {
        "/members/2": { roles: [] },
        "/receivable-offers": page(
          q.includes('"transfer"')
            ? [{ kind: "transfer", id: "9", tokenId: "90", value: "250", deadline: NOW + 60 }]
            : [
                { kind: "discount", id: "7", tokenId: "70", value: "500", deadline: NOW + 100 },
                { kind: "discount", id: "8", tokenId: "80", value: "500", deadline: NOW - 1 },
              ],
        ),
        "/letters-of-credit": page(
          q.includes('"beneficiary"')
            ? [
                {
                  id: "3",
                  state: "Acknowledged",
                  amount: "900",
                  expiry: NOW + 50,
                  pendingAmendment: "0xab",
                  issuingBank: 1,
                },
                { id: "10", state: "Advised", amount: "800", expiry: NOW + 70, pendingAmendment: null, issuingBank: 1 },
                { id: "11", state: "Advised", amount: "800", expiry: NOW - 1, pendingAmendment: null, issuingBank: 1 },
              ]
            : q.includes('"issuingBank"')
              ? [
                  { id: "4", issuingBank: 2, nominatedBank: null, pendingAmendment: null },
                  { id: "5", issuingBank: 2, nominatedBank: 9, pendingAmendment: null },
                ]
              : [],
        ),
        "/lc-presentations": page(
          q.includes("Presented")
            ? [
                { id: "41", lcId: "4", state: "Presented", amount: "10", examinationDeadline: NOW + 10 },
                { id: "51", lcId: "5", state: "Presented", amount: "10", examinationDeadline: NOW + 5 },
              ]
            : [{ id: "42", lcId: "4", state: "Compliant", amount: "10", examinationDeadline: NOW + 20 }],
        ),
        "/guarantees": page(q.includes("Applied") ? [] : [{ id: "6", state: "Claimed" }]),
        "/guarantees/6/claims": page([{ guaranteeId: "6", index: 0, amount: "30", examinationDeadline: NOW + 30 }]),
        "/credit/entries": page([{ subjectKey: `0x${"cd".repeat(32)}`, number: 1 }]),
        "/receivables": page([]),
        "/datasets": page([]),
      };
      if (!(path in answers)) throw new Error(`unexpected ${path}`);
      return answers[path] as T;
    },
  };

  it("lists offers, sign-off transfers, LCs to acknowledge, amendments, presentations to examine and pay, demands and disputes, each with its deadline", async () => {
    const items = await loadQueue(api, 2, NOW);
    expect(items.map((i) => [i.key, i.deadline])).toEqual([
      ["presentation:41", NOW + 10],
      ["payment:42", NOW + 20],
      ["demand:6:0", NOW + 30],
      ["amendment:3", NOW + 50],
      ["transfer:9", NOW + 60],
      ["acknowledge:10", NOW + 70],
      ["offer:7", NOW + 100],
      [`dispute:0x${"cd".repeat(32)}:1`, null],
    ]);
    // presentation 51 is under LC 5, whose honouring bank is the nominated bank 9; offer 8's deadline passed; LC 11
    // expired before it was acknowledged
  });
});
