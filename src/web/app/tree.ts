/**
 * The lineage tree of a receivable, laid out for drawing: certificates (a flat list from
 * `/receivables/:id/lineage?format=flat`, parents before children) are nested into a forest, and the forest is
 * flattened into the rows an outline shows for the expanded nodes, each row with what its connector lines need
 * (`guides`: for each ancestor level, whether a line continues down past this row; `last`: whether it is its
 * parent's last child). Rows have a fixed height, so only the rows in the viewport are drawn (`rowWindow`): 1,000
 * certificates cost as much to draw as the 20 on screen. Everything here is iterative (tiers go to 255 deep) and
 * linear in the number of certificates.
 */

export interface LineageCertificate {
  tokenId: string;
  parentId: string | null;
  tier: number;
  holder: string;
  holderMember: number | null;
  value: string;
  locked: string;
  redeemedValue: string | null;
  status: string;
}

export interface TreeNode<C extends LineageCertificate = LineageCertificate> {
  certificate: C;
  children: TreeNode<C>[];
  /** Certificates in this node's subtree, itself included. */
  size: number;
  /** Live value of the subtree (minor units). */
  value: bigint;
  /** Value redeemed in the subtree (minor units). */
  redeemed: bigint;
}

export interface TreeRow<C extends LineageCertificate = LineageCertificate> {
  node: TreeNode<C>;
  /** 1 for a root (aria-level). */
  level: number;
  /** 1-based position among its siblings, and their number (aria-posinset / aria-setsize). */
  position: number;
  siblings: number;
  /** Whether this row is its parent's last child (draws └ rather than ├). */
  last: boolean;
  /** For each ancestor level 1..level-1: a vertical line continues through this row at that level (│). */
  guides: boolean[];
  /** undefined for a leaf. */
  expanded: boolean | undefined;
}

const byTokenId = (a: TreeNode, b: TreeNode): number => {
  const x = BigInt(a.certificate.tokenId);
  const y = BigInt(b.certificate.tokenId);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Nests certificates under their parents (children ordered by token id). A certificate whose parent is not in the list
 * (for example a redeemed parent left out) becomes a root. Subtree sizes and values are summed bottom-up.
 */
export function buildForest<C extends LineageCertificate>(certificates: readonly C[]): TreeNode<C>[] {
  const nodes = new Map<string, TreeNode<C>>();
  for (const certificate of certificates) {
    nodes.set(certificate.tokenId, {
      certificate,
      children: [],
      size: 1,
      value: certificate.status === "Redeemed" ? 0n : BigInt(certificate.value),
      redeemed: BigInt(certificate.redeemedValue ?? "0"),
    });
  }
  const roots: TreeNode<C>[] = [];
  for (const node of nodes.values()) {
    const parentId = node.certificate.parentId;
    const parent = parentId === null || parentId === node.certificate.tokenId ? undefined : nodes.get(parentId);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  // Post-order without recursion: visit order (pre-order) reversed has every child before its parent.
  const order: TreeNode<C>[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    node.children.sort(byTokenId);
    for (const child of node.children) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    for (const child of node.children) {
      node.size += child.size;
      node.value += child.value;
      node.redeemed += child.redeemed;
    }
  }
  return roots.sort(byTokenId);
}

/** The rows shown when the nodes whose token ids are in `expanded` are open (pre-order, children in order). */
export function visibleRows<C extends LineageCertificate>(
  roots: readonly TreeNode<C>[],
  expanded: ReadonlySet<string>,
): TreeRow<C>[] {
  const rows: TreeRow<C>[] = [];
  type Frame = { node: TreeNode<C>; level: number; position: number; siblings: number; guides: boolean[] };
  const stack: Frame[] = [];
  const push = (children: readonly TreeNode<C>[], level: number, guides: boolean[]) => {
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ node: children[i], level, position: i + 1, siblings: children.length, guides });
    }
  };
  push(roots, 1, []);
  while (stack.length > 0) {
    const { node, level, position, siblings, guides } = stack.pop()!;
    const leaf = node.children.length === 0;
    const open = !leaf && expanded.has(node.certificate.tokenId);
    const last = position === siblings;
    rows.push({ node, level, position, siblings, last, guides, expanded: leaf ? undefined : open });
    if (open) push(node.children, level + 1, level === 1 ? [] : [...guides, !last]);
  }
  return rows;
}

/** Token ids of every node with children: the whole tree open. */
export function allExpandable(roots: readonly TreeNode[]): Set<string> {
  const open = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.children.length > 0) open.add(node.certificate.tokenId);
    stack.push(...node.children);
  }
  return open;
}

/** The ancestors' token ids of `tokenId` (to open them so that it is shown), root first. */
export function pathTo(certificates: readonly LineageCertificate[], tokenId: string): string[] {
  const parents = new Map(certificates.map((c) => [c.tokenId, c.parentId]));
  const path: string[] = [];
  let at = parents.get(tokenId) ?? null;
  const seen = new Set<string>();
  while (at !== null && !seen.has(at)) {
    seen.add(at);
    path.unshift(at);
    at = parents.get(at) ?? null;
  }
  return path;
}

/**
 * The rows to draw for a viewport: `[start, end)` of `count` rows of `rowHeight` px scrolled to `scrollTop` in a
 * viewport `height` px high, with `overscan` rows more on each side.
 */
export function rowWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  height: number,
  overscan = 8,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(height / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + shown + overscan) };
}

/** The connector text of a row: `│ ` per continuing ancestor guide, then `├─` or `└─` (nothing for a root). */
export function connector(row: Pick<TreeRow, "level" | "last" | "guides">): string {
  if (row.level === 1) return "";
  return `${row.guides.map((line) => (line ? "│  " : "   ")).join("")}${row.last ? "└─ " : "├─ "}`;
}

export interface Encumbrance {
  /** Value a bank bought at a discount (an accepted discount offer: the certificate the bank received). */
  financed: bigint;
  /** Value under an active pledge. */
  pledged: bigint;
}

/** Financed and pledged value per certificate, from a receivable's offers (`/receivables/:id` → `offers`). */
export function encumbrances(
  offers: readonly { kind: string; tokenId: string; newTokenId: string | null; value: string; status: string }[],
): Map<string, Encumbrance> {
  const out = new Map<string, Encumbrance>();
  const at = (tokenId: string) => {
    let entry = out.get(tokenId);
    if (entry === undefined) out.set(tokenId, (entry = { financed: 0n, pledged: 0n }));
    return entry;
  };
  for (const offer of offers) {
    const value = BigInt(offer.value);
    if (offer.kind === "discount" && offer.status === "Accepted")
      at(offer.newTokenId ?? offer.tokenId).financed += value;
    if (offer.kind === "pledge" && offer.status === "Active") at(offer.tokenId).pledged += value;
  }
  return out;
}
