/**
 * A receivable's lineage drawn as a tree (WAI-ARIA tree pattern): one row per certificate with its connector lines,
 * token id, tier, holder, live value, locked, financed and pledged value, and what its subtree redeemed. Rows have a
 * fixed height and only those in the scroll viewport are in the DOM, so a lineage of 1,000 certificates draws as fast
 * as one of 20; every node can be collapsed. Keyboard: the tree is one tab stop; ↑/↓ move, → opens or goes to the
 * first child, ← closes or goes to the parent, Home/End, Enter or Space select (the page shows the certificate's
 * actions). The time from data to the first paint of the tree is measured (`performance.measure("lineage:drawn")`)
 * and put on the tree as `data-drawn-ms` (npm run bench:web reads it).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useFormatters } from "./amounts.js";
import { shortHex } from "./format.js";
import { useI18n } from "./i18n.js";
import {
  allExpandable,
  buildForest,
  connector,
  rowWindow,
  visibleRows,
  type Encumbrance,
  type LineageCertificate,
} from "./tree.js";

export const ROW_HEIGHT = 28;
const VIEWPORT = 448;

export function LineageTree(props: {
  certificates: readonly LineageCertificate[];
  encumbrances: ReadonlyMap<string, Encumbrance>;
  nameOf: (id: number) => string | undefined;
  selected: string | undefined;
  onSelect: (tokenId: string) => void;
  label: string;
}) {
  const { t } = useI18n();
  const format = useFormatters();
  const roots = useMemo(() => buildForest(props.certificates), [props.certificates]);
  const [expanded, setExpanded] = useState<Set<string>>(() => allExpandable(roots));
  useEffect(() => setExpanded(allExpandable(roots)), [roots]);
  const rows = useMemo(() => visibleRows(roots, expanded), [roots, expanded]);
  const [active, setActive] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const [drawnMs, setDrawnMs] = useState<number>();

  // Measure data → painted once per lineage: the page marks "lineage:data" when the answer arrives.
  useLayoutEffect(() => {
    const frame = requestAnimationFrame(() => {
      const marks = performance.getEntriesByName("lineage:data", "mark");
      if (marks.length === 0) return;
      const measure = performance.measure("lineage:drawn", "lineage:data");
      performance.clearMarks("lineage:data");
      setDrawnMs(Math.round(measure.duration * 10) / 10);
    });
    return () => cancelAnimationFrame(frame);
  }, [roots]);

  const at = Math.min(active, Math.max(0, rows.length - 1));
  const { start, end } = rowWindow(rows.length, ROW_HEIGHT, scrollTop, VIEWPORT);

  const focusRow = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    const el = box.current;
    if (el === null) return;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };
  const toggle = (tokenId: string, open: boolean) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (open) next.add(tokenId);
      else next.delete(tokenId);
      return next;
    });

  const onKey = (event: KeyboardEvent) => {
    const row = rows[at];
    if (row === undefined) return;
    const id = row.node.certificate.tokenId;
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(at + 1),
      ArrowUp: () => focusRow(at - 1),
      Home: () => focusRow(0),
      End: () => focusRow(rows.length - 1),
      ArrowRight: () => {
        if (row.expanded === false) toggle(id, true);
        else if (row.expanded === true) focusRow(at + 1);
      },
      ArrowLeft: () => {
        if (row.expanded === true) toggle(id, false);
        else if (row.level > 1) {
          for (let i = at - 1; i >= 0; i--) if (rows[i].level === row.level - 1) return focusRow(i);
        }
      },
      Enter: () => props.onSelect(id),
      " ": () => props.onSelect(id),
    };
    const action = keys[event.key];
    if (action !== undefined) {
      event.preventDefault();
      action();
    }
  };

  const amount = (value: bigint) => format.amount(value);
  const activeId = rows[at] === undefined ? undefined : `cert-${rows[at].node.certificate.tokenId}`;

  return (
    <div className="lineage">
      <p className="inline">
        <button type="button" onClick={() => setExpanded(allExpandable(roots))}>
          {t("lineage.expandAll")}
        </button>
        <button type="button" onClick={() => setExpanded(new Set())}>
          {t("lineage.collapseAll")}
        </button>
        <span className="muted">
          {t("lineage.count", { count: props.certificates.length, shown: rows.length })}
          {drawnMs !== undefined && ` · ${t("lineage.drawn", { ms: drawnMs })}`}
        </span>
      </p>
      <div className="tree-head" aria-hidden="true">
        <span>{t("lineage.certificate")}</span>
        <span>{t("lineage.holder")}</span>
        <span>{t("lineage.value")}</span>
        <span>{t("lineage.locked")}</span>
        <span>{t("lineage.financed")}</span>
        <span>{t("lineage.pledged")}</span>
        <span>{t("lineage.redeemed")}</span>
      </div>
      <div
        ref={box}
        className="tree"
        role="tree"
        aria-label={props.label}
        aria-activedescendant={activeId}
        tabIndex={0}
        onKeyDown={onKey}
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        style={{ height: Math.min(VIEWPORT, rows.length * ROW_HEIGHT + 2) }}
        data-rows={rows.length}
        data-drawn-ms={drawnMs}
      >
        <div style={{ height: rows.length * ROW_HEIGHT, position: "relative" }} role="presentation">
          {rows.slice(start, end).map((row, offset) => {
            const index = start + offset;
            const c = row.node.certificate;
            const e = props.encumbrances.get(c.tokenId);
            const holder =
              c.holderMember === null
                ? shortHex(c.holder)
                : (props.nameOf(c.holderMember) ?? t("common.member", { id: c.holderMember }));
            const redeemed = c.status === "Redeemed";
            return (
              <div
                key={c.tokenId}
                id={`cert-${c.tokenId}`}
                role="treeitem"
                aria-level={row.level}
                aria-posinset={row.position}
                aria-setsize={row.siblings}
                aria-expanded={row.expanded}
                aria-selected={props.selected === c.tokenId}
                className={`tree-row${index === at ? " active" : ""}${redeemed ? " redeemed" : ""}${
                  props.selected === c.tokenId ? " selected" : ""
                }`}
                style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
                data-token={c.tokenId}
                onClick={() => {
                  setActive(index);
                  props.onSelect(c.tokenId);
                }}
              >
                <span className="tree-cell">
                  <span className="guides" aria-hidden="true">
                    {connector(row)}
                  </span>
                  {row.expanded !== undefined && (
                    <span
                      className="twisty"
                      aria-hidden="true"
                      onClick={(event) => {
                        event.stopPropagation();
                        toggle(c.tokenId, !row.expanded);
                      }}
                    >
                      {row.expanded ? "▾" : "▸"}
                    </span>
                  )}
                  #{c.tokenId} · {t("lineage.tier", { tier: c.tier })}
                  {row.expanded === false && ` (+${row.node.size - 1})`}
                </span>
                <span title={c.holder}>{holder}</span>
                <span>{redeemed ? t("lineage.statusRedeemed") : amount(BigInt(c.value))}</span>
                <span>{c.locked === "0" ? "" : amount(BigInt(c.locked))}</span>
                <span>{e === undefined || e.financed === 0n ? "" : amount(e.financed)}</span>
                <span>{e === undefined || e.pledged === 0n ? "" : amount(e.pledged)}</span>
                <span>{row.node.redeemed === 0n ? "" : amount(row.node.redeemed)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
