import { describe, expect, it } from "vitest";
import {
  allExpandable,
  buildForest,
  connector,
  encumbrances,
  pathTo,
  rowWindow,
  visibleRows,
  type LineageCertificate,
} from "./tree.js";

const cert = (tokenId: number, parentId: number | null, value: number, extra: Partial<LineageCertificate> = {}) => ({
  tokenId: String(tokenId),
  parentId: parentId === null ? null : String(parentId),
  tier: 0,
  holder: `0x${String(tokenId).padStart(40, "0")}`,
  holderMember: tokenId,
  value: String(value),
  locked: "0",
  redeemedValue: null,
  status: "Live",
  ...extra,
});

// 1 ─┬─ 2 ─┬─ 4
//    │     └─ 5 (redeemed 30)
//    └─ 3
const sample = [
  cert(1, null, 100),
  cert(2, 1, 50),
  cert(3, 1, 20),
  cert(4, 2, 40),
  cert(5, 2, 0, { status: "Redeemed", redeemedValue: "30" }),
];

describe("buildForest", () => {
  it("nests certificates under their parents and sums subtree size, live and redeemed value", () => {
    const [root, ...others] = buildForest(sample);
    expect(others).toEqual([]);
    expect(root.certificate.tokenId).toBe("1");
    expect(root.children.map((c) => c.certificate.tokenId)).toEqual(["2", "3"]);
    expect(root.size).toBe(5);
    expect(root.value).toBe(210n);
    expect(root.redeemed).toBe(30n);
    expect(root.children[0].value).toBe(90n); // a redeemed certificate adds no live value
  });

  it("orders children by token id numerically, whatever the input order", () => {
    const [root] = buildForest([cert(1, null, 1), cert(10, 1, 1), cert(9, 1, 1), cert(100, 1, 1)]);
    expect(root.children.map((c) => c.certificate.tokenId)).toEqual(["9", "10", "100"]);
  });

  it("makes a certificate whose parent is missing a root, and survives a self-parent", () => {
    const roots = buildForest([cert(7, 3, 5), cert(8, 8, 1)]);
    expect(roots.map((r) => r.certificate.tokenId)).toEqual(["7", "8"]);
  });

  it("handles a chain 255 tiers deep without recursion", () => {
    const chain = Array.from({ length: 255 }, (_, i) => cert(i + 1, i === 0 ? null : i, 1));
    const [root] = buildForest(chain);
    expect(root.size).toBe(255);
    expect(visibleRows([root], allExpandable([root])).at(-1)!.level).toBe(255);
  });
});

describe("visibleRows", () => {
  const roots = buildForest(sample);

  it("shows the roots only when nothing is expanded", () => {
    const rows = visibleRows(roots, new Set());
    expect(rows.map((r) => r.node.certificate.tokenId)).toEqual(["1"]);
    expect(rows[0].expanded).toBe(false);
  });

  it("lists expanded nodes in pre-order with their level, position and set size", () => {
    const rows = visibleRows(roots, allExpandable(roots));
    expect(rows.map((r) => r.node.certificate.tokenId)).toEqual(["1", "2", "4", "5", "3"]);
    expect(rows.map((r) => r.level)).toEqual([1, 2, 3, 3, 2]);
    expect(rows.map((r) => `${r.position}/${r.siblings}`)).toEqual(["1/1", "1/2", "1/2", "2/2", "2/2"]);
    expect(rows.map((r) => r.expanded)).toEqual([true, true, undefined, undefined, undefined]);
  });

  it("keeps a collapsed node's subtree hidden", () => {
    const rows = visibleRows(roots, new Set(["1"]));
    expect(rows.map((r) => r.node.certificate.tokenId)).toEqual(["1", "2", "3"]);
    expect(rows[1].expanded).toBe(false);
  });

  it("draws connector lines: a guide continues under a child that has siblings after it", () => {
    const rows = visibleRows(roots, allExpandable(roots));
    expect(rows.map(connector)).toEqual(["", "├─ ", "│  ├─ ", "│  └─ ", "└─ "]);
  });
});

describe("a lineage of 1,000 certificates", () => {
  // A supplier tree: the root split to 10 tier-1 suppliers, each to 9 tier-2, each of those to 10 tier-3.
  const many: LineageCertificate[] = [cert(1, null, 1)];
  let next = 2;
  const grow = (parent: number, fanout: number[]) => {
    if (fanout.length === 0) return;
    for (let i = 0; i < fanout[0]; i++) {
      const id = next++;
      many.push(cert(id, parent, 1));
      grow(id, fanout.slice(1));
    }
  };
  grow(1, [10, 9, 10]);

  it("is laid out in full and windowed to the rows on screen", () => {
    expect(many.length).toBe(1001);
    const roots = buildForest(many);
    const rows = visibleRows(roots, allExpandable(roots));
    expect(rows.length).toBe(1001);
    expect(roots[0].size).toBe(1001);
    const shown = rowWindow(rows.length, 28, 28 * 500, 480, 8);
    expect(shown).toEqual({ start: 492, end: 527 });
    expect(rowWindow(rows.length, 28, 0, 480, 8)).toEqual({ start: 0, end: 27 });
    expect(rowWindow(rows.length, 28, 28 * 1000, 480, 8).end).toBe(1001);
  });

  it("opens the path to a deep certificate", () => {
    const deepest = many.at(-1)!;
    const path = pathTo(many, deepest.tokenId);
    expect(path[0]).toBe("1");
    expect(path.length).toBe(3);
    const rows = visibleRows(buildForest(many), new Set(path));
    expect(rows.some((r) => r.node.certificate.tokenId === deepest.tokenId)).toBe(true);
  });
});

describe("encumbrances", () => {
  it("counts accepted discounts on the bank's certificate and active pledges only", () => {
    const map = encumbrances([
      { kind: "discount", tokenId: "2", newTokenId: "9", value: "40", status: "Accepted" },
      { kind: "discount", tokenId: "2", newTokenId: null, value: "5", status: "Pending" },
      { kind: "pledge", tokenId: "3", newTokenId: null, value: "7", status: "Active" },
      { kind: "pledge", tokenId: "3", newTokenId: null, value: "8", status: "Released" },
      { kind: "transfer", tokenId: "3", newTokenId: "10", value: "1", status: "Accepted" },
    ]);
    expect(map.get("9")).toEqual({ financed: 40n, pledged: 0n });
    expect(map.get("3")).toEqual({ financed: 0n, pledged: 7n });
    expect(map.has("2")).toBe(false);
  });
});
