/**
 * Governance: the members with their kinds, standing, roles and accounts (`/members`), and the proposals with the
 * decoded call, the votes (`/proposals/:id`), a vote (`registry.approve`) for voting members and execution
 * (`registry.execute`) once a proposal has its approvals.
 */
import { useState } from "react";
import { getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { shortHex } from "../format.js";
import { ErrorLine, PageFrame, useLoad, useTx, type MemberRow } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { TxStatus } from "../TxStatus.js";

interface Proposal {
  id: string;
  proposer: number;
  expiresAt: number;
  status: string;
  approvals: number;
  call: { text: string } | null;
  votes?: { memberId: number }[];
}

export function Governance() {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const [showAll, setShowAll] = useState(false);
  const { data, error, reload } = useLoad(async (api) => {
    const [members, list] = await Promise.all([
      getAll<MemberRow>(api, "/members"),
      api.get<{ items: Proposal[] }>("/proposals", { limit: 50, order: "desc" }),
    ]);
    const proposals = await Promise.all(list.items.map((p) => api.get<Proposal>(`/proposals/${p.id}`)));
    return { members, proposals };
  }, []);
  const names = new Map((data?.members ?? []).map((m) => [m.id, m.name]));
  const name = (id: number) => names.get(id) ?? t("common.member", { id });
  const voter = session?.member.roles.includes("VOTER") ?? false;
  const proposals = (data?.proposals ?? []).filter((p) => showAll || p.status === "Pending");
  return (
    <PageFrame id="governance" title={t("gov.title")} needsWallet>
      <ErrorLine message={error} />
      <table>
        <caption>{t("gov.members")}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("gov.name")}</th>
            <th scope="col">{t("gov.kind")}</th>
            <th scope="col">{t("scf.status")}</th>
            <th scope="col">{t("gov.roles")}</th>
            <th scope="col">{t("gov.accounts")}</th>
          </tr>
        </thead>
        <tbody>
          {(data?.members ?? []).map((m) => (
            <tr key={m.id} data-member-row={m.id}>
              <td>{m.id}</td>
              <td>{m.name}</td>
              <td>{m.kind}</td>
              <td>{m.status}</td>
              <td className="roles">{m.roles.join(", ")}</td>
              <td>
                {m.accounts.map((a) => (
                  <div key={a.address}>
                    <code title={a.address}>{shortHex(a.address, 4)}</code> {a.status} · {a.level}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="inline">
        <input id="show-all" type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
        <label htmlFor="show-all">{t("gov.showAll")}</label>
      </p>
      <table>
        <caption>{t("gov.proposals")}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("gov.call")}</th>
            <th scope="col">{t("gov.proposer")}</th>
            <th scope="col">{t("scf.status")}</th>
            <th scope="col">{t("gov.votes")}</th>
            <th scope="col">{t("queue.deadline")}</th>
            <th scope="col">{t("queue.action")}</th>
          </tr>
        </thead>
        <tbody>
          {proposals.map((p) => (
            <ProposalRow
              key={p.id}
              proposal={p}
              name={name}
              voter={voter}
              me={session?.member.id}
              date={format.date}
              after={reload}
            />
          ))}
        </tbody>
      </table>
    </PageFrame>
  );
}

function ProposalRow(props: {
  proposal: Proposal;
  name: (id: number) => string;
  voter: boolean;
  me: number | undefined;
  date: (unix: number) => string;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const tx = useTx(props.after);
  const p = props.proposal;
  const voted = (p.votes ?? []).some((v) => v.memberId === props.me);
  const id = BigInt(p.id);
  return (
    <tr data-proposal={p.id}>
      <td>{p.id}</td>
      <td>
        <code>{p.call?.text ?? "?"}</code>
      </td>
      <td>{props.name(p.proposer)}</td>
      <td>{p.status}</td>
      <td>
        {p.approvals}: {(p.votes ?? []).map((v) => props.name(v.memberId)).join(", ")}
      </td>
      <td>{props.date(p.expiresAt)}</td>
      <td>
        {p.status === "Pending" && props.voter && !voted && (
          <button
            type="button"
            disabled={tx.busy}
            onClick={() => void tx.send((c, o) => c.registry.approve(id, o))}
            aria-label={t("gov.voteLabel", { id: p.id })}
          >
            {t("action.vote")}
          </button>
        )}
        {p.status === "Pending" && (
          <button
            type="button"
            disabled={tx.busy}
            onClick={() => void tx.send((c, o) => c.registry.execute(id, o))}
            aria-label={t("gov.executeLabel", { id: p.id })}
          >
            {t("gov.execute")}
          </button>
        )}{" "}
        <TxStatus state={tx.state} />
      </td>
    </tr>
  );
}
