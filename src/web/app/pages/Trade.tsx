/**
 * Letters of credit and guarantees: the member's LCs and guarantees, the timeline of each (every step with who, when
 * and the document hashes), and on an LC the presentation form — each required document is chosen as a file and
 * hashed here (keccak-256, the SDK's `hashBytes`); only the hashes are sent, in `lettersOfCredit.present` — and the
 * honouring bank's examination and payment of a presentation.
 */
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { ZeroHash } from "ethers";
import { documentKinds } from "@consortia/sdk/client";
import { DocumentKind } from "@consortia/sdk/hashing";
import { getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { useCalendar } from "../calendar.js";
import { parseAmountInput, shortHex, startOfDay, type UtcOffset } from "../format.js";
import { checkPendingStatement, type PresentCheck } from "../presentation.js";
import { CalendarNote } from "../TradeForm.js";
import { ErrorLine, PageFrame, useLoad, useTx } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { useMemberNames } from "../members.js";
import { errorMessage, TxStatus } from "../TxStatus.js";
import { parseShipmentDate } from "../tradeForms.js";
import { hashFileInBrowser } from "./VerifyCertificate.js";
import { ApplicantPanel, PresentationPeriodForm } from "./LcApplicant.js";
import {
  AmendmentAnswer,
  DecisionForm,
  DemandForm,
  LcAmendForm,
  LcIssueForm,
  PayPresentation,
  RefusalForm,
  useChainNow,
} from "./TradeActions.js";

interface Source {
  block: number;
  tx: string;
  time: number | null;
}
interface Lc {
  id: string;
  state: string;
  applicant: number;
  issuingBank: number;
  advisingBank: number;
  beneficiary: number;
  nominatedBank: number | null;
  amount: string;
  drawn: string;
  expiry: number;
  requiredDocuments: number;
  termsHash: string;
  pendingAmendment: string | null;
}
interface Amendment {
  hash: string;
  status: string;
  amount: string;
  expiry: number;
  latestShipment: number;
  termsHash: string;
}
interface LcStep {
  event: string;
  presentationId: string | null;
  memberId: number | null;
  account: string | null;
  amount: string | null;
  state: string | null;
  hashes: Record<string, unknown>;
  source: Source;
}
interface Presentation {
  id: string;
  state: string;
  amount: string;
  documents: { contentHash: string; uriHash: string; kind: number }[];
  examinationDeadline: number | null;
  refusalNoticeHash: string | null;
  /** What the chain's presentation checks found (null: presented before the checks existed). */
  checks: { codes: string[]; shipmentDate: number | null } | null;
}
interface Claim {
  index: number;
  state: string;
  amount: string;
  demandHash: string;
  examinationDeadline: number;
}
interface Guarantee {
  id: string;
  state: string;
  applicant: number;
  guarantor: number;
  beneficiary: number;
  amount: string;
  expiry: number;
  referenceId: string | null;
}
interface GuaranteeStep {
  event: string;
  account: string | null;
  details: Record<string, unknown>;
  source: Source;
}

/** A document kind's name ("Invoice"), or its number when the SDK does not name it. */
export function documentKindName(kind: number): string {
  return Object.entries(DocumentKind).find(([, value]) => value === kind)?.[0] ?? String(kind);
}

/** The 32-byte hashes among a step's fields, as `name: 0x…` pairs (what the timeline shows as its document hashes). */
export function hashesOf(fields: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value) && value !== ZeroHash) out.push([name, value]);
    if (Array.isArray(value))
      value.forEach((item, i) => {
        if (item !== null && typeof item === "object")
          for (const [inner, hash] of hashesOf(item as Record<string, unknown>))
            out.push([`${name}[${i}].${inner}`, hash]);
        else if (typeof item === "string" && /^0x[0-9a-fA-F]{64}$/.test(item)) out.push([`${name}[${i}]`, item]);
      });
  }
  return out;
}

function Hashes({ fields }: { fields: Record<string, unknown> }) {
  const list = hashesOf(fields);
  if (list.length === 0) return null;
  return (
    <ul className="hashes">
      {list.map(([name, hash]) => (
        <li key={name}>
          {name}: <code title={hash}>{shortHex(hash)}</code>
        </li>
      ))}
    </ul>
  );
}

export function Trade() {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const calendar = useCalendar();
  const nameOf = useMemberNames();
  const member = session?.member.id;
  const { data, error, reload } = useLoad(
    async (api) =>
      member === undefined
        ? undefined
        : {
            lcs: await getAll<Lc>(api, "/letters-of-credit", { party: member }),
            guarantees: await getAll<Guarantee>(api, "/guarantees"),
          },
    [member],
  );
  const name = (id: number) => nameOf(id) ?? t("common.member", { id });
  return (
    <PageFrame id="trade" title={t("trade.title")} needsWallet>
      <ErrorLine message={error} />
      {data === undefined ? (
        <p role="status">{t("queue.loading")}</p>
      ) : (
        <>
          <table>
            <caption>{t("trade.lcs")}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("trade.applicant")}</th>
                <th scope="col">{t("trade.issuingBank")}</th>
                <th scope="col">{t("trade.beneficiary")}</th>
                <th scope="col">{t("scf.status")}</th>
                <th scope="col">{t("trade.amount")}</th>
                <th scope="col">{t("guarantee.expiry")}</th>
              </tr>
            </thead>
            <tbody>
              {data.lcs.map((lc) => (
                <tr key={lc.id} data-lc={lc.id}>
                  <td>
                    <Link to={`/trade/lc/${lc.id}`}>{t("trade.lcLink", { id: lc.id })}</Link>
                  </td>
                  <td>{name(lc.applicant)}</td>
                  <td>{name(lc.issuingBank)}</td>
                  <td>{name(lc.beneficiary)}</td>
                  <td>{lc.state}</td>
                  <td>{format.amount(lc.amount)}</td>
                  <td>{calendar.date(lc.expiry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>{t("trade.guarantees")}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("trade.applicant")}</th>
                <th scope="col">{t("trade.guarantor")}</th>
                <th scope="col">{t("scf.status")}</th>
                <th scope="col">{t("trade.amount")}</th>
                <th scope="col">{t("guarantee.expiry")}</th>
              </tr>
            </thead>
            <tbody>
              {data.guarantees.map((g) => (
                <tr key={g.id} data-guarantee={g.id}>
                  <td>
                    <Link to={`/trade/guarantee/${g.id}`}>{t("trade.guaranteeLink", { id: g.id })}</Link>
                  </td>
                  <td>{name(g.applicant)}</td>
                  <td>{name(g.guarantor)}</td>
                  <td>{g.state}</td>
                  <td>{format.amount(g.amount)}</td>
                  <td>{calendar.date(g.expiry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {session?.member.roles.includes("LC_BANK") === true && <LcIssueForm after={reload} />}
        </>
      )}
    </PageFrame>
  );
}

/** When a step happened, in the user's zone (the block when the API has no time). */
function useWhen() {
  const format = useFormatters();
  return (source: Source) => (source.time === null ? `#${source.block}` : format.date(source.time));
}

export function LetterOfCreditPage() {
  const { t } = useI18n();
  const { session } = useApp();
  const { id = "" } = useParams();
  const format = useFormatters();
  const calendar = useCalendar();
  const nameOf = useMemberNames();
  const when = useWhen();
  const { data, error, reload } = useLoad(
    (api) =>
      api.get<Lc & { timeline: LcStep[]; presentations: Presentation[]; amendments: Amendment[] }>(
        `/letters-of-credit/${id}`,
      ),
    [id],
  );
  const [refusing, setRefusing] = useState<string>();
  const name = (member: number | null) =>
    member === null ? "—" : (nameOf(member) ?? t("common.member", { id: member }));
  const me = session?.member.id;
  const honouring = data === undefined ? undefined : (data.nominatedBank ?? data.issuingBank);
  const pending = data?.amendments.find((a) => a.hash === data.pendingAmendment && a.status === "Proposed");
  return (
    <PageFrame id="lc" title={t("trade.lcTitle", { id })} needsWallet>
      <ErrorLine message={error} />
      {data !== undefined && (
        <>
          <dl>
            <dt>{t("scf.status")}</dt>
            <dd data-state={data.state}>{data.state}</dd>
            <dt>{t("trade.amount")}</dt>
            <dd>{format.amount(data.amount)}</dd>
            <dt>{t("trade.drawn")}</dt>
            <dd>{format.amount(data.drawn)}</dd>
            <dt>{t("trade.beneficiary")}</dt>
            <dd>{name(data.beneficiary)}</dd>
            <dt>{t("guarantee.expiry")}</dt>
            <dd>{calendar.date(data.expiry)}</dd>
          </dl>
          <table className="timeline">
            <caption>{t("trade.timeline")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("trade.step")}</th>
                <th scope="col">{t("trade.who")}</th>
                <th scope="col">{t("trade.when")}</th>
                <th scope="col">{t("trade.hashes")}</th>
              </tr>
            </thead>
            <tbody>
              {data.timeline.map((step, i) => (
                <tr key={`${step.source.tx}:${i}`} data-event={step.event}>
                  <td>
                    {step.event}
                    {step.presentationId !== null && ` (${t("trade.presentation", { id: step.presentationId })})`}
                    {step.amount !== null && ` · ${format.amount(step.amount)}`}
                  </td>
                  <td title={step.account ?? undefined}>{name(step.memberId)}</td>
                  <td>{when(step.source)}</td>
                  <td>
                    <Hashes fields={step.hashes} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.presentations.length > 0 && (
            <table>
              <caption>{t("trade.presentations")}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t("scf.status")}</th>
                  <th scope="col">{t("trade.amount")}</th>
                  <th scope="col">{t("trade.examinationDeadline")}</th>
                  <th scope="col">{t("queue.action")}</th>
                </tr>
              </thead>
              <tbody>
                {data.presentations.map((p) => (
                  <PresentationRow
                    key={p.id}
                    presentation={p}
                    honouring={me !== undefined && me === honouring}
                    onRefuse={() => setRefusing(p.id)}
                    after={reload}
                  />
                ))}
              </tbody>
            </table>
          )}
          {refusing !== undefined && me === honouring && (
            <RefusalForm key={refusing} presentationId={refusing} after={reload} />
          )}
          {me === data.issuingBank && data.pendingAmendment === null && <LcAmendForm lcId={data.id} after={reload} />}
          {me === data.issuingBank && (data.state === "Applied" || data.state === "Issued") && (
            <PresentationPeriodForm lcId={data.id} after={reload} />
          )}
          {me !== undefined && (me === data.applicant || me === data.issuingBank) && (
            <ApplicantPanel
              lc={data}
              role={me === data.applicant ? "applicant" : "bank"}
              presentations={data.presentations}
              after={reload}
            />
          )}
          {me === data.beneficiary && pending !== undefined && (
            <AmendmentAnswer key={pending.hash} lcId={data.id} amendment={pending} after={reload} />
          )}
          {session?.member.id === data.beneficiary && <PresentForm lc={data} after={reload} />}
        </>
      )}
    </PageFrame>
  );
}

function PresentationRow({
  presentation: p,
  honouring,
  onRefuse,
  after,
}: {
  presentation: Presentation;
  honouring: boolean;
  onRefuse: () => void;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const format = useFormatters();
  const tx = useTx(after);
  const id = BigInt(p.id);
  return (
    <tr data-presentation={p.id}>
      <td>{p.id}</td>
      <td data-state={p.state}>
        {p.state}
        {p.checks !== null && p.checks !== undefined && (
          <>
            {" · "}
            <span data-checks={p.checks.codes.join(",")}>
              {p.checks.codes.length === 0 ? t("trade.checksClean") : p.checks.codes.join(", ")}
            </span>
          </>
        )}
      </td>
      <td>{format.amount(p.amount)}</td>
      <td>{p.examinationDeadline === null ? "—" : format.date(p.examinationDeadline)}</td>
      <td>
        {p.state === "Presented" && (
          <button
            type="button"
            disabled={tx.busy}
            onClick={() => void tx.send((c, o) => c.lettersOfCredit.examine(id, [], o))}
            aria-label={t("trade.examineLabel", { id: p.id })}
          >
            {t("trade.examine")}
          </button>
        )}
        {honouring && ["Presented", "Discrepant", "Waived"].includes(p.state) && p.refusalNoticeHash === null && (
          <button type="button" onClick={onRefuse} aria-label={t("forms.refuseLabel", { id: p.id })}>
            {t("forms.refuse")}
          </button>
        )}{" "}
        {p.state === "Compliant" && (
          <PayPresentation
            presentationId={p.id}
            amount={p.amount}
            label={t("trade.payLabel", { id: p.id })}
            after={after}
          />
        )}{" "}
        <TxStatus state={tx.state} />
      </td>
    </tr>
  );
}

/** The beneficiary presents: the amount and one file per required document, hashed here and never sent. */
function PresentForm({ lc, after }: { lc: Lc; after: () => Promise<void> }) {
  const { t } = useI18n();
  const { config, session } = useApp();
  const tx = useTx(after);
  const kinds = documentKinds(lc.requiredDocuments);
  const calendar = useCalendar();
  const chainNow = useChainNow();
  const [amount, setAmount] = useState("");
  const [shipped, setShipped] = useState("");
  const [hashes, setHashes] = useState<Record<number, string>>({});
  const [step, setStep] = useState<"state" | "present">();
  const [found, setFound] = useState<{ codes: string[]; shipmentStated: boolean; shipmentDate: number }>();
  const [pending, setPending] = useState<{ date: number; documentsHash: string }>();

  async function take(kind: number, file: File | undefined) {
    if (file === undefined) return;
    const hash = await hashFileInBrowser(file);
    setHashes((all) => ({ ...all, [kind]: hash }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    // the shipment date is a day of the consortium calendar: wait for its offset (read once per session)
    void calendar.read().then((utcOffset) => presentWith(utcOffset));
  }

  async function presentWith(utcOffset: UtcOffset) {
    let value: bigint;
    try {
      value = parseAmountInput(amount, config.token.decimals);
    } catch {
      tx.fail(t("form.badAmount", { decimals: config.token.decimals }));
      return;
    }
    if (kinds.some((kind) => hashes[kind] === undefined)) {
      tx.fail(t("trade.missingDocuments"));
      return;
    }
    const shipment = parseShipmentDate(shipped, chainNow, (iso) => startOfDay(iso, utcOffset));
    if (shipment.error !== undefined) {
      tx.fail(t(shipment.error.key));
      return;
    }
    const documents = kinds.map((kind) => ({ contentHash: hashes[kind], uriHash: ZeroHash, kind }));
    setFound(undefined);
    // Without a date typed in, a statement left pending for these documents (stated before a presentation that
    // failed) would be used silently: it is shown first, and used only when the user presents them again.
    if (session === undefined) return;
    let before: PresentCheck;
    try {
      before = await checkPendingStatement(
        session.consortia,
        session.address,
        documents,
        shipment.value,
        pending?.documentsHash,
      );
    } catch (failure) {
      tx.fail(errorMessage(failure));
      return;
    }
    if (!before.proceed) {
      setPending(before.pending);
      return;
    }
    setPending(undefined);
    // The shipment date is stated first (bound to these very documents), then they are presented; the chain's checks
    // run at presentation and their findings are shown.
    void tx
      .send(async (c, o) => {
        if (shipment.value !== undefined) {
          setStep("state");
          await c.lettersOfCredit.stateShipment(documents, shipment.value, o);
        }
        setStep("present");
        return c.lettersOfCredit.present(BigInt(lc.id), value, documents, o);
      })
      .then((result) => {
        setStep(undefined);
        if (result?.findings) setFound(result.findings);
      });
  }

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="present-title">
      <h3 id="present-title">{t("trade.present")}</h3>
      <p className="muted">{t("trade.presentIntro")}</p>
      <div className="form-grid">
        <label htmlFor="present-amount">{t("scf.amount", { currency: config.token.currency })}</label>
        <input id="present-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        <label htmlFor="present-shipped">{t("trade.shipmentDate")}</label>
        <input id="present-shipped" type="date" value={shipped} onChange={(e) => setShipped(e.target.value)} />
        <div className="span">
          <CalendarNote offset={calendar.offset} />
        </div>
        {pending !== undefined && (
          <p className="span" role="alert" data-pending-shipment={pending.date}>
            {t("trade.pendingShipment", { date: calendar.date(pending.date) })}
          </p>
        )}
        {kinds.map((kind) => (
          <div key={kind} className="span">
            <label htmlFor={`present-doc-${kind}`}>{t("trade.document", { kind: documentKindName(kind) })}</label>{" "}
            <input id={`present-doc-${kind}`} type="file" onChange={(e) => void take(kind, e.target.files?.[0])} />
            {hashes[kind] !== undefined && (
              <code data-document-hash={hashes[kind]} title={hashes[kind]}>
                {shortHex(hashes[kind])}
              </code>
            )}
          </div>
        ))}
        <span />
        <span>
          <button type="submit" disabled={tx.busy}>
            {t("trade.presentButton")}
          </button>{" "}
          {step !== undefined && tx.busy && <span data-step={step}>{t(`trade.step.${step}`)} </span>}
          <TxStatus state={tx.state} />
        </span>
        {found !== undefined && (
          <p className="span" role="status" data-findings={found.codes.join(",")}>
            {t("trade.findings", {
              codes: found.codes.length === 0 ? t("trade.checksClean") : found.codes.join(", "),
            })}{" "}
            {found.shipmentStated
              ? t("trade.findingsShipment", { date: calendar.date(found.shipmentDate) })
              : t("trade.findingsNoShipment")}
          </p>
        )}
      </div>
    </form>
  );
}

export function GuaranteePage() {
  const { t } = useI18n();
  const { session } = useApp();
  const { id = "" } = useParams();
  const format = useFormatters();
  const calendar = useCalendar();
  const nameOf = useMemberNames();
  const when = useWhen();
  const { data, error, reload } = useLoad(
    async (api) => ({
      guarantee: await api.get<Guarantee>(`/guarantees/${id}`),
      timeline: await getAll<GuaranteeStep>(api, `/guarantees/${id}/timeline`),
      claims: await getAll<Claim>(api, `/guarantees/${id}/claims`),
    }),
    [id],
  );
  const name = (member: number) => nameOf(member) ?? t("common.member", { id: member });
  const me = session?.member.id;
  return (
    <PageFrame id="guarantee-detail" title={t("trade.guaranteeTitle", { id })} needsWallet>
      <ErrorLine message={error} />
      {data !== undefined && (
        <>
          <dl>
            <dt>{t("scf.status")}</dt>
            <dd>{data.guarantee.state}</dd>
            <dt>{t("trade.guarantor")}</dt>
            <dd>{name(data.guarantee.guarantor)}</dd>
            <dt>{t("trade.applicant")}</dt>
            <dd>{name(data.guarantee.applicant)}</dd>
            <dt>{t("trade.amount")}</dt>
            <dd>{format.amount(data.guarantee.amount)}</dd>
            <dt>{t("guarantee.expiry")}</dt>
            <dd>{calendar.date(data.guarantee.expiry)}</dd>
            {data.guarantee.referenceId !== null && (
              <>
                <dt>{t("guarantee.reference")}</dt>
                <dd>
                  <Link to={`/verify/guarantee?reference=${data.guarantee.referenceId}`}>
                    <code>{shortHex(data.guarantee.referenceId)}</code>
                  </Link>
                </dd>
              </>
            )}
          </dl>
          <table className="timeline">
            <caption>{t("trade.timeline")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("trade.step")}</th>
                <th scope="col">{t("trade.who")}</th>
                <th scope="col">{t("trade.when")}</th>
                <th scope="col">{t("trade.hashes")}</th>
              </tr>
            </thead>
            <tbody>
              {data.timeline.map((step, i) => (
                <tr key={`${step.source.tx}:${i}`} data-event={step.event}>
                  <td>{step.event}</td>
                  <td>{step.account === null ? "—" : <code title={step.account}>{shortHex(step.account)}</code>}</td>
                  <td>{when(step.source)}</td>
                  <td>
                    <Hashes fields={step.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.claims.length > 0 && (
            <table>
              <caption>{t("forms.demands")}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t("scf.status")}</th>
                  <th scope="col">{t("trade.amount")}</th>
                  <th scope="col">{t("trade.examinationDeadline")}</th>
                </tr>
              </thead>
              <tbody>
                {data.claims.map((claim) => (
                  <tr key={claim.index} data-claim={claim.index} data-state={claim.state}>
                    <td>{claim.index}</td>
                    <td>{claim.state}</td>
                    <td>{format.amount(claim.amount)}</td>
                    <td>{format.date(claim.examinationDeadline)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {me === data.guarantee.guarantor &&
            data.claims
              .filter((claim) => claim.state === "Presented")
              .map((claim) => (
                <DecisionForm
                  key={claim.index}
                  guaranteeId={data.guarantee.id}
                  claimIndex={claim.index}
                  amount={claim.amount}
                  after={reload}
                />
              ))}
          {me === data.guarantee.beneficiary && data.guarantee.state === "Issued" && (
            <DemandForm guaranteeId={data.guarantee.id} after={reload} />
          )}
        </>
      )}
    </PageFrame>
  );
}
