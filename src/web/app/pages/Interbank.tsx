/**
 * Interbank positions of the signed-in bank: credit lines granted and received (`/banks/:id/credit-lines`), open
 * obligations (`/banks/:id/obligations`), the last netting run it took part in (`/banks/:id/netting`), and "run
 * netting" over its open obligations that are due (`lettersOfCredit.positions.runNetting`).
 */
import { ApiError, getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { ErrorLine, PageFrame, useLoad, useTx } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { useMemberNames } from "../members.js";
import { TxStatus } from "../TxStatus.js";

interface CreditLine {
  grantor: number;
  grantee: number;
  limit: string;
  used: string;
  available: string;
}
interface Obligation {
  id: string;
  debtor: number;
  creditor: number;
  amount: string;
  dueAt: number;
  status: string;
}
interface NettingRun {
  id: string;
  initiator: number;
  obligationIds: string[];
  totalNetted: string;
  positions: { bank: number; netPosition: string }[];
  netPosition: string;
  source: { time: number | null; block: number };
}

/** Obligations a netting run may take at `now`: open and due. */
export function nettable(obligations: readonly Obligation[], now: number): Obligation[] {
  return obligations.filter((o) => o.status === "Open" && o.dueAt <= now);
}

export function Interbank() {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const bank = session?.member.id;
  const { data, error, reload } = useLoad(
    async (api) => {
      if (bank === undefined) return undefined;
      const [lines, obligations, netting, status] = await Promise.all([
        api.get<{ granted: CreditLine[]; received: CreditLine[]; settlementAccount: string | null }>(
          `/banks/${bank}/credit-lines`,
        ),
        getAll<Obligation>(api, `/banks/${bank}/obligations`, { status: "Open" }),
        api.get<NettingRun>(`/banks/${bank}/netting`).catch((failure: unknown) => {
          if (failure instanceof ApiError && failure.status === 404) return null;
          throw failure;
        }),
        api.get<{ indexedTime: number | null }>("/status"),
      ]);
      return { lines, obligations, netting, now: status.indexedTime ?? Math.floor(Date.now() / 1000) };
    },
    [bank],
  );
  const tx = useTx(reload);
  const name = (id: number) => nameOf(id) ?? t("common.member", { id });
  const isBank = session?.member.roles.includes("LC_BANK") ?? false;
  const due = data === undefined ? [] : nettable(data.obligations, data.now);

  const lineTable = (caption: string, lines: CreditLine[], other: "grantor" | "grantee") => (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("ib.counterparty")}</th>
          <th scope="col">{t("ib.limit")}</th>
          <th scope="col">{t("ib.used")}</th>
          <th scope="col">{t("ib.available")}</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={`${line.grantor}:${line.grantee}`}>
            <td>{name(line[other])}</td>
            <td>{format.amount(line.limit)}</td>
            <td>{format.amount(line.used)}</td>
            <td>{format.amount(line.available)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <PageFrame id="interbank" title={t("ib.title")} needsWallet>
      <ErrorLine message={error} />
      {data === undefined ? (
        <p role="status">{t("queue.loading")}</p>
      ) : (
        <>
          {lineTable(t("ib.granted"), data.lines.granted, "grantee")}
          {lineTable(t("ib.received"), data.lines.received, "grantor")}
          <table>
            <caption>{t("ib.obligations")}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("ib.debtor")}</th>
                <th scope="col">{t("ib.creditor")}</th>
                <th scope="col">{t("trade.amount")}</th>
                <th scope="col">{t("ib.due")}</th>
              </tr>
            </thead>
            <tbody>
              {data.obligations.map((o) => (
                <tr key={o.id} data-obligation={o.id}>
                  <td>{o.id}</td>
                  <td>{name(o.debtor)}</td>
                  <td>{name(o.creditor)}</td>
                  <td>{format.amount(o.amount)}</td>
                  <td>{format.date(o.dueAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="panel" aria-labelledby="netting-title">
            <h3 id="netting-title">{t("ib.lastNetting")}</h3>
            {data.netting === null ? (
              <p>{t("ib.noNetting")}</p>
            ) : (
              <>
                <p>
                  {t("ib.nettingSummary", {
                    id: data.netting.id,
                    count: data.netting.obligationIds.length,
                    total: format.amount(data.netting.totalNetted),
                    position: format.amount(data.netting.netPosition),
                    when: data.netting.source.time === null ? "—" : format.date(data.netting.source.time),
                  })}
                </p>
                <ul>
                  {data.netting.positions.map((p) => (
                    <li key={p.bank}>
                      {name(p.bank)}: {format.amount(p.netPosition)}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {isBank && (
              <p>
                <button
                  type="button"
                  disabled={tx.busy || due.length === 0}
                  onClick={() =>
                    void tx.send((c, o) =>
                      c.lettersOfCredit.positions.runNetting(
                        due.map((x) => BigInt(x.id)),
                        o,
                      ),
                    )
                  }
                >
                  {t("ib.runNetting", { count: due.length })}
                </button>{" "}
                <TxStatus state={tx.state} />
              </p>
            )}
          </div>
        </>
      )}
    </PageFrame>
  );
}
