/**
 * Data sharing: the catalogue (`/datasets`); a dataset's grant tree (`/datasets/:id/grants`) with request (consumer),
 * grant and revoke (owner) and delegate (a grantee allowed to); and, for its owner, the access trail
 * (`/datasets/:id/access-log`) with its hash chain replayed in this browser and compared with the contract's head read
 * from the node (app/accessChain.ts).
 */
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { hashBytes } from "@consortia/sdk/hashing";
import { getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { checkTrail, type AccessEntry, type TrailCheck } from "../accessChain.js";
import { useApp } from "../context.js";
import { shortHex } from "../format.js";
import { ErrorLine, MemberSelect, PageFrame, useLoad, useMembers, useTx, type MemberRow } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { useMemberNames } from "../members.js";
import { errorMessage, TxStatus } from "../TxStatus.js";

interface Dataset {
  id: number;
  contract: string;
  owner: number;
  classification: string;
  status: string;
  latestVersion: number;
  accessCount: number;
  fieldMask: string;
}
interface GrantNode {
  id: number;
  grantee: number;
  status: string;
  validity: string;
  scope: string;
  requestedScope: string | null;
  expiresAt: number | null;
  mayDelegate: boolean;
  children: GrantNode[];
}
interface Access {
  seq: number;
  accessId: string;
  grantId: number;
  version: number;
  consumer: number;
  purposeHash: string;
  resultHash: string;
  source: { time: number | null; block: number; tx: string };
}

const DAY = 86_400;

export function DataCatalogue() {
  const { t } = useI18n();
  const nameOf = useMemberNames();
  const { data, error } = useLoad((api) => getAll<Dataset>(api, "/datasets"), []);
  return (
    <PageFrame id="data" title={t("data.title")} needsWallet>
      <ErrorLine message={error} />
      <table>
        <caption>{t("data.catalogue")}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("data.owner")}</th>
            <th scope="col">{t("data.classification")}</th>
            <th scope="col">{t("scf.status")}</th>
            <th scope="col">{t("data.version")}</th>
            <th scope="col">{t("data.accesses")}</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((d) => (
            <tr key={d.id} data-dataset={d.id}>
              <td>
                <Link to={`/data/${d.id}`}>{t("data.datasetLink", { id: d.id })}</Link>
              </td>
              <td>{nameOf(d.owner) ?? t("common.member", { id: d.owner })}</td>
              <td>{d.classification}</td>
              <td>{d.status}</td>
              <td>{d.latestVersion}</td>
              <td>{d.accessCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </PageFrame>
  );
}

export function DatasetPage() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const { session } = useApp();
  const { data, error, reload } = useLoad(
    async (api) => ({
      dataset: await api.get<Dataset>(`/datasets/${id}`),
      grants: (await api.get<{ roots: GrantNode[] }>(`/datasets/${id}/grants`)).roots,
      // The chain's time (the demo moves its clock): a grant's expiry must be after it, whatever the browser's clock.
      now: (await api.get<{ indexedTime: number | null }>("/status")).indexedTime ?? Math.floor(Date.now() / 1000),
    }),
    [id],
  );
  const owner = data !== undefined && session?.member.id === data.dataset.owner;
  const members = useMembers();
  return (
    <PageFrame id="dataset" title={t("data.datasetTitle", { id })} needsWallet>
      <ErrorLine message={error} />
      {data !== undefined && (
        <>
          <section aria-labelledby="grants-title">
            <h3 id="grants-title">{t("data.grants")}</h3>
            {data.grants.length === 0 ? (
              <p>{t("data.noGrants")}</p>
            ) : (
              <ul className="grant-tree" role="tree" aria-labelledby="grants-title">
                {data.grants.map((g) => (
                  <GrantItem
                    key={g.id}
                    grant={g}
                    level={1}
                    owner={owner}
                    after={reload}
                    members={members}
                    now={data.now}
                  />
                ))}
              </ul>
            )}
          </section>
          {!owner && <RequestForm dataset={data.dataset} after={reload} />}
          {owner && <AccessTrail dataset={data.dataset} />}
        </>
      )}
    </PageFrame>
  );
}

function GrantItem(props: {
  grant: GrantNode;
  level: number;
  owner: boolean;
  after: () => Promise<void>;
  members: MemberRow[];
  /** The chain's time (unix seconds). */
  now: number;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const members = props.members;
  const tx = useTx(props.after);
  const [delegateTo, setDelegateTo] = useState("");
  const [mayDelegate, setMayDelegate] = useState(false);
  const g = props.grant;
  const mine = session?.member.id === g.grantee;
  const id = BigInt(g.id);
  return (
    <li
      role="treeitem"
      aria-level={props.level}
      aria-expanded={g.children.length > 0 ? true : undefined}
      data-grant={g.id}
    >
      <span>
        {t("data.grantRow", {
          id: g.id,
          grantee: nameOf(g.grantee) ?? t("common.member", { id: g.grantee }),
          status: g.status,
          validity: g.validity,
          expires: g.expiresAt === null ? "—" : format.date(g.expiresAt),
        })}
      </span>{" "}
      {props.owner && g.status === "Requested" && (
        <span className="inline">
          <input
            id={`may-delegate-${g.id}`}
            type="checkbox"
            checked={mayDelegate}
            onChange={(e) => setMayDelegate(e.target.checked)}
          />
          <label htmlFor={`may-delegate-${g.id}`}>{t("data.mayDelegate")}</label>
          <button
            type="button"
            disabled={tx.busy}
            aria-label={t("data.grantLabel", { id: g.id })}
            onClick={() =>
              void tx.send((c, o) =>
                c.dataSharing.grantAccess(
                  id,
                  {
                    scope: BigInt(g.requestedScope ?? g.scope),
                    expiresAt: props.now + 90 * DAY,
                    mayDelegate,
                  },
                  o,
                ),
              )
            }
          >
            {t("action.grant")}
          </button>
        </span>
      )}
      {props.owner && g.status === "Active" && (
        <button
          type="button"
          disabled={tx.busy}
          onClick={() => void tx.send((c, o) => c.dataSharing.revokeAccess(id, undefined, o))}
          aria-label={t("data.revokeLabel", { id: g.id })}
        >
          {t("data.revoke")}
        </button>
      )}
      {mine && g.status === "Active" && g.mayDelegate && (
        <span className="inline">
          <MemberSelect
            id={`delegate-${g.id}`}
            label={t("data.delegateTo")}
            members={members}
            value={delegateTo}
            onChange={setDelegateTo}
            exclude={session?.member.id}
          />
          <button
            type="button"
            disabled={tx.busy || delegateTo === ""}
            onClick={() =>
              void tx.send((c, o) =>
                c.dataSharing.delegateAccess(
                  id,
                  Number(delegateTo),
                  { scope: BigInt(g.scope), expiresAt: g.expiresAt ?? props.now + 30 * DAY },
                  o,
                ),
              )
            }
          >
            {t("data.delegate")}
          </button>
        </span>
      )}{" "}
      <TxStatus state={tx.state} />
      {g.children.length > 0 && (
        <ul role="group">
          {g.children.map((child) => (
            <GrantItem
              key={child.id}
              grant={child}
              level={props.level + 1}
              owner={props.owner}
              after={props.after}
              members={props.members}
              now={props.now}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

function RequestForm({ dataset, after }: { dataset: Dataset; after: () => Promise<void> }) {
  const { t } = useI18n();
  const tx = useTx(after);
  const [purpose, setPurpose] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    if (purpose.trim() === "") {
      tx.fail(t("data.purposeNeeded"));
      return;
    }
    // The purpose text is hashed here: only its hash goes on chain.
    const purposeHash = hashBytes(new TextEncoder().encode(purpose.trim()));
    void tx.send((c, o) => c.dataSharing.requestAccess(BigInt(dataset.id), purposeHash, BigInt(dataset.fieldMask), o));
  }
  return (
    <form className="panel inline" onSubmit={submit} aria-labelledby="request-title">
      <h3 id="request-title">{t("data.request")}</h3>
      <label htmlFor="purpose">{t("data.purpose")}</label>
      <input id="purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} size={40} />
      <button type="submit" disabled={tx.busy}>
        {t("data.requestButton")}
      </button>
      <TxStatus state={tx.state} />
    </form>
  );
}

/** The owner's view of who accessed the dataset, with the chain checked here. */
function AccessTrail({ dataset }: { dataset: Dataset }) {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const [check, setCheck] = useState<TrailCheck | { error: string }>();
  const { data, error } = useLoad((api) => getAll<Access>(api, `/datasets/${dataset.id}/access-log`), [dataset.id]);

  async function verify() {
    if (data === undefined || session === undefined) return;
    try {
      const onChain = await session.consortia.dataSharing.dataset(BigInt(dataset.id));
      const entries: AccessEntry[] = data.map((a) => ({ ...a, time: a.source.time ?? 0 }));
      setCheck(checkTrail(dataset.contract, dataset.id, entries, onChain));
    } catch (failure) {
      setCheck({ error: errorMessage(failure) });
    }
  }

  return (
    <section aria-labelledby="trail-title">
      <h3 id="trail-title">{t("data.trail")}</h3>
      <ErrorLine message={error} />
      <p>
        <button type="button" onClick={() => void verify()} disabled={data === undefined}>
          {t("data.verifyChain")}
        </button>{" "}
        <span
          aria-live="polite"
          data-trail={check === undefined ? "" : "error" in check ? "error" : String(check.verified)}
        >
          {check !== undefined &&
            ("error" in check
              ? t("common.error", { message: check.error })
              : check.verified
                ? t("data.chainVerified", { count: check.count, head: shortHex(check.head) })
                : t("data.chainBroken", { detail: check.detail }))}
        </span>
      </p>
      <table>
        <caption className="sr-only">{t("data.trail")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("data.seq")}</th>
            <th scope="col">{t("trade.when")}</th>
            <th scope="col">{t("data.consumer")}</th>
            <th scope="col">{t("data.grant")}</th>
            <th scope="col">{t("data.version")}</th>
            <th scope="col">{t("data.purposeHash")}</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((a) => (
            <tr key={a.seq}>
              <td>{a.seq}</td>
              <td>{a.source.time === null ? `#${a.source.block}` : format.date(a.source.time)}</td>
              <td>{nameOf(a.consumer) ?? t("common.member", { id: a.consumer })}</td>
              <td>{a.grantId}</td>
              <td>{a.version}</td>
              <td>
                <code title={a.purposeHash}>{shortHex(a.purposeHash)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
