/**
 * Credit blacklist: a logged query. The customer's identifier is turned into its subject key here, with the SDK's
 * subject-key function (`credit.subjectKey`: HMAC-SHA256 under the consortium key, which the member types in and
 * which is kept in this page's memory only); the identifier is never sent anywhere, only the key goes into the query.
 * The customer's consent file is hashed here (keccak-256) and only its hash goes on chain. The query is a
 * transaction (`credit.query`) that logs `SubjectQueried`; below it, the member's own query log
 * (`/credit/members/:id/queries`). A credit reporter reports an entry with `CreditReportForm` (CreditReport.tsx).
 */
import { useState, type FormEvent } from "react";
import { getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { shortHex } from "../format.js";
import { ErrorLine, PageFrame, useLoad, useTx } from "../hooks.js";
import { useI18n, type MessageKey } from "../i18n.js";
import { useMemberNames } from "../members.js";
import { errorMessage, TxStatus } from "../TxStatus.js";
import { hashFileInBrowser } from "./VerifyCertificate.js";
import { CreditReportForm } from "./CreditReport.js";

const KINDS = ["uscc", "resident-id", "passport", "other"] as const;
type IdentifierKind = (typeof KINDS)[number];

interface QueryLog {
  subjectKey: string;
  consentHash: string;
  shown: number;
  source: { tx: string; time: number | null; block: number };
}
interface Listing {
  number: number;
  reporter: number;
  category: string;
  severity: number;
  status: string;
  expiresAt: number;
}

export function Credit() {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const member = session?.member.id;
  const log = useLoad(
    (api) => (member === undefined ? Promise.resolve([]) : getAll<QueryLog>(api, `/credit/members/${member}/queries`)),
    [member],
  );
  const tx = useTx(log.reload);
  const [consortiumKey, setConsortiumKey] = useState("");
  const [kind, setKind] = useState<IdentifierKind>("uscc");
  const [identifier, setIdentifier] = useState("");
  const [subjectKey, setSubjectKey] = useState<string>();
  const [keyError, setKeyError] = useState<string>();
  const [consentHash, setConsentHash] = useState<string>();
  const [listings, setListings] = useState<Listing[]>();

  function derive() {
    setSubjectKey(undefined);
    setKeyError(undefined);
    if (session === undefined || identifier.trim() === "" || consortiumKey.trim() === "") return;
    try {
      setSubjectKey(
        session.consortia.credit.subjectKey({
          identifier: { kind, value: identifier },
          consortiumKey: consortiumKey.trim() as `0x${string}`,
        }),
      );
    } catch (failure) {
      setKeyError(errorMessage(failure));
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (subjectKey === undefined || consentHash === undefined) {
      tx.fail(t("credit.needKeyAndConsent"));
      return;
    }
    setListings(undefined);
    void tx.send(async (c, o) => {
      const result = await c.credit.query(subjectKey, consentHash, {}, o);
      setListings(result.listings);
      return result;
    });
  }

  const kindLabel = (k: IdentifierKind): MessageKey => `credit.kind.${k}`;
  return (
    <PageFrame id="credit" title={t("credit.title")} needsWallet>
      <p>{t("credit.intro")}</p>
      <form className="panel" onSubmit={submit} aria-labelledby="credit-query-title">
        <h3 id="credit-query-title">{t("credit.query")}</h3>
        <div className="form-grid">
          <label htmlFor="consortium-key">{t("credit.consortiumKey")}</label>
          <input
            id="consortium-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={consortiumKey}
            onChange={(e) => setConsortiumKey(e.target.value)}
            onBlur={derive}
          />
          <label htmlFor="identifier-kind">{t("credit.kind")}</label>
          <select
            id="identifier-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as IdentifierKind);
              setSubjectKey(undefined);
            }}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(kindLabel(k))}
              </option>
            ))}
          </select>
          <label htmlFor="identifier">{t("credit.identifier")}</label>
          <input
            id="identifier"
            autoComplete="off"
            spellCheck={false}
            value={identifier}
            onChange={(e) => {
              setIdentifier(e.target.value);
              setSubjectKey(undefined);
            }}
            onBlur={derive}
          />
          <span />
          <span>
            <button type="button" onClick={derive}>
              {t("credit.derive")}
            </button>{" "}
            {subjectKey !== undefined && (
              <code data-subject-key={subjectKey} title={subjectKey}>
                {t("credit.subjectKey", { key: shortHex(subjectKey) })}
              </code>
            )}
            {keyError !== undefined && (
              <span role="alert" className="error">
                {keyError}
              </span>
            )}
          </span>
          <label htmlFor="consent-file">{t("credit.consent")}</label>
          <span>
            <input
              id="consent-file"
              type="file"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file !== undefined) void hashFileInBrowser(file).then(setConsentHash);
              }}
            />
            {consentHash !== undefined && (
              <code data-consent-hash={consentHash} title={consentHash}>
                {shortHex(consentHash)}
              </code>
            )}
          </span>
          <span />
          <span>
            <button type="submit" disabled={tx.busy}>
              {t("credit.run")}
            </button>{" "}
            <TxStatus state={tx.state} />
          </span>
        </div>
        <p className="muted">{t("credit.privacy")}</p>
      </form>
      {listings !== undefined && (
        <table data-listings={listings.length}>
          <caption>{t("credit.result", { count: listings.length })}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("credit.reporter")}</th>
              <th scope="col">{t("credit.category")}</th>
              <th scope="col">{t("credit.severity")}</th>
              <th scope="col">{t("scf.status")}</th>
              <th scope="col">{t("guarantee.expiry")}</th>
            </tr>
          </thead>
          <tbody>
            {listings.map((l) => (
              <tr key={l.number}>
                <td>{l.number}</td>
                <td>{nameOf(l.reporter) ?? t("common.member", { id: l.reporter })}</td>
                <td>{l.category}</td>
                <td>{l.severity}</td>
                <td>{l.status}</td>
                <td>{format.date(l.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {session?.member.roles.includes("CREDIT_REPORTER") === true && <CreditReportForm />}
      <ErrorLine message={log.error} />
      <table>
        <caption>{t("credit.log")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("trade.when")}</th>
            <th scope="col">{t("credit.subjectKeyColumn")}</th>
            <th scope="col">{t("credit.consentColumn")}</th>
            <th scope="col">{t("credit.shown")}</th>
            <th scope="col">{t("credit.transaction")}</th>
          </tr>
        </thead>
        <tbody>
          {(log.data ?? []).map((q) => (
            <tr key={q.source.tx} data-query-tx={q.source.tx}>
              <td>{q.source.time === null ? `#${q.source.block}` : format.date(q.source.time)}</td>
              <td>
                <code title={q.subjectKey}>{shortHex(q.subjectKey)}</code>
              </td>
              <td>
                <code title={q.consentHash}>{shortHex(q.consentHash)}</code>
              </td>
              <td>{q.shown}</td>
              <td>
                <code title={q.source.tx}>{shortHex(q.source.tx)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </PageFrame>
  );
}
