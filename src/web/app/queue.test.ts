import { describe, expect, it } from "vitest";
import type { Consortia } from "@consortia/sdk/client";
import { en, zh, type MessageKey } from "./i18n.js";
import { loadQueue, QUEUE_KINDS, queueItem, randomReference, sortQueue, type QueueItem } from "./queue.js";

const item = (key: string, deadline: number | null): QueueItem => ({
  key,
  kind: "receivable",
  subject: { key: "queue.subject.receivable", params: {} },
  deadline,
  action: { label: "action.confirm", run: async () => null },
});

const page = (items: unknown[]) => ({ items, nextCursor: null });

/** A fake API client: `answer` builds, from a GET's query (as JSON, without paging), its answers by path. */
const fakeApi = (answer: (q: string) => Record<string, unknown>) => ({
  baseUrl: "",
  setSigner: () => undefined,
  session: () => undefined,
  streamUrl: () => "",
  async get<T>(path: string, query: Record<string, unknown> = {}): Promise<T> {
    const q = JSON.stringify({ ...query, limit: undefined, cursor: undefined });
    const answers = answer(q);
    if (!(path in answers)) throw new Error(`unexpected ${path}`);
    return answers[path] as T;
  },
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
  /** A fake API answering by path and query: what a bank (member 2) has waiting. */
  const api = fakeApi((q) => {
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
      "/lc-margins": page([]),
      "/lc-documents-held": page([]),
    };
    return answers;
  });

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

describe("work queue: the LC applicant's margin and documents", () => {
  const NOW = 1_800_000_000;
  /** An enterprise (member 4), applicant of LCs 20 (margin due), 21 (covered), 22 (expired), 23 (closed). */
  const api = fakeApi((q) => ({
    "/members/4": { roles: [] },
    "/receivables": page([]),
    "/letters-of-credit": page(
      q.includes('"applicant":4')
        ? [
            { id: "20", state: "Issued", applicant: 4, issuingBank: 2, expiry: NOW + 500 },
            { id: "21", state: "Advised", applicant: 4, issuingBank: 2, expiry: NOW + 500 },
            { id: "22", state: "Issued", applicant: 4, issuingBank: 2, expiry: NOW - 1 },
            { id: "23", state: "FullyDrawn", applicant: 4, issuingBank: 2, expiry: NOW + 500 },
          ]
        : [],
    ),
    "/guarantees": page([]),
    "/datasets": page([]),
    "/receivable-offers": page([]),
    "/credit/entries": page([]),
    "/lc-margins": page(
      ["20", "21", "22", "23"].map((lcId) => ({
        lcId,
        issuingBank: 2,
        applicant: 4,
        shareBps: 1000,
        due: lcId === "21" ? "0" : "4000",
      })),
    ),
    // what the API shows member 4: its own documents held, and (were it a bank) others' — only its LCs count
    "/lc-documents-held": page([
      { presentationId: "1310720", lcId: "20", issuingBank: 2, state: "Held", amountDue: "600" },
      { presentationId: "1310721", lcId: "20", issuingBank: 2, state: "Settled", amountDue: "0" },
      { presentationId: "1376256", lcId: "21", issuingBank: 2, state: "ReleasedOnTrustReceipt", amountDue: "50" },
      { presentationId: "9", lcId: "99", issuingBank: 4, state: "Held", amountDue: "70" },
    ]),
  }));

  it("asks the applicant to lock the margin due before the LC expires, and to pay for documents held for it", async () => {
    const items = await loadQueue(api, 4, NOW);
    expect(items.map((i) => [i.key, i.deadline, i.action.label])).toEqual([
      ["margin:20", NOW + 500, "action.lockMargin"],
      ["release:1310720", null, "action.payForRelease"],
      ["release:1376256", null, "action.payForRelease"],
    ]);
    expect(items[0].subject).toEqual({
      key: "queue.subject.margin",
      params: { lc: "20", issuer: 2, share: 10 },
      amounts: { amount: "4000" },
    });
    const calls: unknown[][] = [];
    const receipt = { blockNumber: 5 };
    const consortia = {
      lcApplicant: {
        lockMargin: async (...args: unknown[]) => (calls.push(["lockMargin", ...args.slice(0, 2)]), { receipt }),
        payForRelease: async (...args: unknown[]) => (calls.push(["payForRelease", ...args.slice(0, 2)]), { receipt }),
      },
    } as unknown as Consortia;
    for (const item of items) if (!("to" in item.action)) await item.action.run(consortia, () => undefined);
    expect(calls).toEqual([
      ["lockMargin", 20n, 4000n],
      ["payForRelease", 1310720n, 600n],
      ["payForRelease", 1376256n, 50n],
    ]);
  });
});

describe("work queue kinds declared once", () => {
  it("names every kind, its subject and its action in both languages", () => {
    for (const [kind, { subject, label }] of Object.entries(QUEUE_KINDS)) {
      for (const dictionary of [en, zh]) {
        expect(dictionary[`queue.kind.${kind}` as MessageKey], kind).toBeTruthy();
        expect(dictionary[subject], subject).toBeTruthy();
        expect(dictionary[label], label).toBeTruthy();
      }
    }
  });

  it("derives the key, subject and label from the kind", () => {
    const made = queueItem("acceptance", "42", { params: { id: "42" } }, 7, async () => null);
    expect(made.key).toBe("acceptance:42");
    expect(made.subject.key).toBe("queue.subject.acceptance");
    expect(made.action.label).toBe("action.acceptPresentation");
    expect(queueItem("quoteOpen", "5", { params: {} }, null, { to: "/forfaiting?offer=5" }).action).toEqual({
      label: "action.quoteOn",
      to: "/forfaiting?offer=5",
    });
  });
});

describe("work queue: acceptances, forfaiting offers to quote on, disputes to withdraw", () => {
  const NOW = 1_800_000_000;
  const DAY = 86_400;
  const account = `0x${"b2".repeat(20)}`;
  /** A bank (member 2, FORFAITER) with a deferred and a sight LC to honour, offers on the market and a dispute. */
  const api = fakeApi((q) => {
    const offer = (id: string, seller: number, sealed: boolean, quoteDeadline: number, bidders: number[]) => ({
      id,
      seller,
      state: "Open",
      amount: "1000",
      sealed,
      quoteDeadline,
      revealPeriod: sealed ? DAY : 0,
      quotes: bidders.map((bidderMember) => ({ bidder: account, bidderMember, price: null, state: "Active" })),
    });
    const offers = [
      offer("1", 5, false, NOW + 300, []), // open, to quote on
      offer("2", 5, true, NOW + 200, [7]), // sealed, another bank quoted: still to quote on
      offer("3", 5, false, NOW + 300, [2]), // quoted already
      offer("4", 2, false, NOW + 300, []), // its own offer
      offer("6", 5, false, NOW - 1, []), // quoting closed
    ];
    const answers: Record<string, unknown> = {
      "/members/2": { roles: ["FORFAITER", "LC_BANK"] },
      "/receivable-offers": page([]),
      "/letters-of-credit": page(
        q.includes('"issuingBank"')
          ? [
              { id: "4", issuingBank: 2, nominatedBank: null, deferred: true, tenorDays: 90 },
              { id: "5", issuingBank: 2, nominatedBank: null, deferred: false, tenorDays: 0 },
            ]
          : [],
      ),
      "/lc-presentations": page(
        q.includes("Compliant")
          ? [
              {
                id: "42",
                lcId: "4",
                state: "Compliant",
                amount: "10",
                examinationDeadline: NOW + 20,
                presentedAt: NOW - 100,
              },
              {
                id: "52",
                lcId: "5",
                state: "Compliant",
                amount: "10",
                examinationDeadline: NOW + 25,
                presentedAt: NOW - 100,
              },
            ]
          : [],
      ),
      "/guarantees": page([]),
      "/credit/entries": page([{ subjectKey: `0x${"cd".repeat(32)}`, number: 3 }]),
      "/receivables": page([]),
      "/datasets": page(q.includes('"owner":2') ? [{ id: 8 }] : []),
      "/lc-margins": page([]),
      "/lc-documents-held": page([]),
      "/datasets/8/grants": {
        roots: [
          {
            id: 31,
            datasetId: 8,
            grantee: 6,
            status: "Requested",
            requestedScope: "3",
            scope: "0",
            children: [],
          },
        ],
      },
      "/forfaiting/offers": page(offers.map(({ quotes: _, ...row }) => row)),
      // The member's own quotes on open offers, in one request (no offer is read one by one).
      "/forfaiting/quotes": page(
        q === JSON.stringify({ bidder: 2, offerState: "Open" })
          ? offers.flatMap((o) => o.quotes.filter((x) => x.bidderMember === 2).map((x) => ({ offerId: o.id, ...x })))
          : [],
      ),
    };
    return answers;
  });
  /** The SDK calls an item's button makes, recorded. */
  const recorder = () => {
    const calls: unknown[][] = [];
    const receipt = { blockNumber: 9 };
    const consortia = {
      lettersOfCredit: {
        address: "0xlc",
        accept: async (...args: unknown[]) => (calls.push(["accept", ...args.slice(0, 2)]), receipt),
      },
      credit: {
        resolve: async (...args: unknown[]) => (calls.push(["resolve", ...args.slice(0, 3)]), receipt),
      },
      dataSharing: {
        grantAccess: async (...args: unknown[]) => (calls.push(["grantAccess", ...args.slice(0, 2)]), receipt),
      },
    } as unknown as Consortia;
    return { calls, consortia };
  };

  it("accepts a complying presentation under a deferred-payment LC at the end of its tenor, pays one under a sight LC", async () => {
    const items = await loadQueue(api, 2, NOW);
    const acceptance = items.find((i) => i.key === "acceptance:42")!;
    expect(acceptance.kind).toBe("acceptance");
    expect(acceptance.deadline).toBe(NOW + 20);
    expect(acceptance.subject.params.maturity).toBe(NOW - 100 + 90 * DAY);
    expect(items.find((i) => i.key === "payment:52")?.action.label).toBe("action.pay");
    expect(items.some((i) => i.key === "payment:42" || i.key === "acceptance:52")).toBe(false);
    const { calls, consortia } = recorder();
    if ("to" in acceptance.action) throw new Error("a transaction expected");
    expect(await acceptance.action.run(consortia, () => undefined)).toEqual({ blockNumber: 9 });
    expect(calls).toEqual([["accept", 42n, NOW - 100 + 90 * DAY]]);
  });

  it("links the forfaiting offers a forfaiter can still quote on to their quote form: open and sealed, not its own, not quoted, not closed", async () => {
    const items = await loadQueue(api, 2, NOW);
    const quoting = items.filter((i) => i.kind === "quoteOpen" || i.kind === "quoteSealed");
    expect(quoting.map((i) => [i.key, i.deadline, i.action])).toEqual([
      ["quoteSealed:2", NOW + 200, { label: "action.commitOn", to: "/forfaiting?offer=2" }],
      ["quoteOpen:1", NOW + 300, { label: "action.quoteOn", to: "/forfaiting?offer=1" }],
    ]);
    expect(quoting[0].subject).toEqual({
      key: "queue.subject.forfaiting",
      params: { id: "2", seller: 5 },
      amounts: { amount: "1000" },
    });
  });

  it("lets the reporter uphold a disputed entry or withdraw it", async () => {
    const items = await loadQueue(api, 2, NOW);
    const dispute = items.find((i) => i.kind === "dispute")!;
    expect(dispute.action.label).toBe("action.uphold");
    expect(dispute.more?.map((choice) => choice.label)).toEqual(["action.withdrawEntry"]);
    const { calls, consortia } = recorder();
    await dispute.more![0].run(consortia, () => undefined);
    expect(calls).toEqual([["resolve", `0x${"cd".repeat(32)}`, 3, "Withdrawn"]]);
  });

  it("grants a data access request from the queue, without or with leave to delegate", async () => {
    const items = await loadQueue(api, 2, NOW);
    const grant = items.find((i) => i.key === "grant:31")!;
    expect(grant.action.label).toBe("action.grant");
    expect(grant.more?.map((choice) => choice.label)).toEqual(["action.grantDelegable"]);
    const { calls, consortia } = recorder();
    if ("to" in grant.action) throw new Error("a transaction expected");
    await grant.action.run(consortia, () => undefined);
    await grant.more![0].run(consortia, () => undefined);
    const terms = { scope: 3n, expiresAt: NOW + 90 * DAY };
    expect(calls).toEqual([
      ["grantAccess", 31n, { ...terms, mayDelegate: false }],
      ["grantAccess", 31n, { ...terms, mayDelegate: true }],
    ]);
  });

  it("a forfaiter's refresh makes two forfaiting requests however many offers are open", async () => {
    const offer = (i: number) => ({
      id: String(100 + i),
      seller: 5,
      state: "Open",
      amount: "1000",
      sealed: false,
      quoteDeadline: NOW + 300,
      revealPeriod: 0,
    });
    /** The paths one refresh requests with `count` open offers (the member quoted on the first). */
    const refresh = async (count: number) => {
      const paths: string[] = [];
      const counting = {
        ...api,
        get: <T>(path: string, query?: Record<string, unknown>) => {
          paths.push(path);
          if (path === "/forfaiting/offers")
            return Promise.resolve(page(Array.from({ length: count }, (_, i) => offer(i))) as T);
          if (path === "/forfaiting/quotes")
            return Promise.resolve(page([{ offerId: "100", bidderMember: 2, state: "Active" }]) as T);
          return api.get<T>(path, query);
        },
      };
      const items = await loadQueue(counting, 2, NOW);
      return { paths, quoting: items.filter((i) => i.kind === "quoteOpen").length };
    };
    const many = await refresh(60);
    expect(many.quoting).toBe(59);
    expect(many.paths.filter((p) => p.startsWith("/forfaiting"))).toEqual(["/forfaiting/offers", "/forfaiting/quotes"]);
    const one = await refresh(1);
    expect(one.quoting).toBe(0);
    expect(many.paths.length).toBe(one.paths.length); // the same requests, whatever the number of offers
  });

  it("asks a member without FORFAITER for no forfaiting offers", async () => {
    const plain = {
      ...api,
      get: <T>(path: string, query?: Record<string, unknown>) =>
        path === "/members/2"
          ? Promise.resolve({ roles: [] } as T)
          : path.startsWith("/forfaiting")
            ? Promise.reject(new Error(path))
            : api.get<T>(path, query),
    };
    const items = await loadQueue(plain, 2, NOW);
    expect(items.filter((i) => i.kind.startsWith("quote"))).toEqual([]);
  });
});
