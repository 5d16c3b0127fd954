import { describe, expect, it } from "vitest";
import { randomReference, sortQueue, type QueueItem } from "./queue.js";

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
