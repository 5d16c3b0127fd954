/**
 * The applicant's side of an LC on its page (LcApplicantAccounts; README "Applicant side: margin and release of
 * documents"), and the issuing bank's settings that go with it and with the presentation checks:
 * - issuing bank: the margin share (`lcApplicant.setMarginShare`, until margin is locked), the presentation period
 *   (`lettersOfCredit.setPresentationPeriod`, before the LC is advised), and holding the documents of a presentation it
 *   paid itself for the applicant (`lcApplicant.holdDocuments`: the free margin is applied, the rest is due);
 * - applicant: its margin (share, required, locked, due, free), "lock" (`lcApplicant.lockMargin`, which approves the
 *   deposit token first), "take back" (`lcApplicant.releaseMargin`: the chain says when it may), and the documents held
 *   for it: "pay and take up" (`lcApplicant.payForRelease`, 付款赎单).
 */
import { ApiError, getAll, type ApiClient } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useLoad, useTx } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { DefinedForm } from "../TradeForm.js";
import { TxStatus } from "../TxStatus.js";
import { LC_MARGIN_SHARE, LC_PRESENTATION_PERIOD, type Values } from "../tradeForms.js";
import { useChainNow } from "./TradeActions.js";

export interface MarginRow {
  shareBps: number;
  required: string;
  locked: string;
  due: string;
  free: string;
  applied: string;
  released: string;
  outstanding: number;
}
export interface DocumentsHeldRow {
  presentationId: string;
  state: string;
  amountDue: string;
  marginApplied: string;
  documentsHash: string;
}

/** The LC's margin and the documents held on it, as the API indexed them (null: no margin set). */
export async function loadApplicantSide(
  api: ApiClient,
  lcId: string,
): Promise<{ margin: MarginRow | null; held: DocumentsHeldRow[] }> {
  const [margin, held] = await Promise.all([
    api.get<MarginRow>(`/letters-of-credit/${lcId}/margin`).catch((failure: unknown) => {
      if (failure instanceof ApiError && failure.status === 404) return null;
      throw failure;
    }),
    getAll<DocumentsHeldRow>(api, `/letters-of-credit/${lcId}/documents-held`),
  ]);
  return { margin, held };
}

/** The issuing bank sets the margin share (basis points of amount plus tolerance) while no margin is locked. */
export function MarginShareForm({ lcId, after }: { lcId: string; after: () => Promise<void> }) {
  const chainNow = useChainNow();
  const tx = useTx(after);
  const submit = (v: Values) =>
    void tx.send((c, o) => c.lcApplicant.setMarginShare(BigInt(lcId), v.shareBps as number, o));
  return <DefinedForm def={LC_MARGIN_SHARE} chainNow={chainNow} state={tx.state} busy={tx.busy} onSubmit={submit} />;
}

/** The issuing bank sets the presentation period (days after shipment, art. 14c) before the LC is advised. */
export function PresentationPeriodForm({ lcId, after }: { lcId: string; after: () => Promise<void> }) {
  const chainNow = useChainNow();
  const tx = useTx(after);
  const submit = (v: Values) =>
    void tx.send((c, o) => c.lettersOfCredit.setPresentationPeriod(BigInt(lcId), v.days as number, o));
  return (
    <DefinedForm def={LC_PRESENTATION_PERIOD} chainNow={chainNow} state={tx.state} busy={tx.busy} onSubmit={submit} />
  );
}

/** LC states in which the issuing bank may still set the margin share (the contract refuses it once margin is locked). */
const SHARE_STATES = new Set(["Applied", "Issued", "Advised", "Acknowledged"]);

/**
 * The margin on the LC and the documents held on it: the applicant locks, takes back and pays for release; the issuing
 * bank sets the share (until margin is locked) and holds the documents of presentations it paid itself.
 */
export function ApplicantPanel({
  lc,
  role,
  presentations,
  after,
}: {
  lc: { id: string; state: string; nominatedBank: number | null };
  role: "applicant" | "bank";
  presentations: { id: string; state: string; documents: { contentHash: string; uriHash: string; kind: number }[] }[];
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const format = useFormatters();
  const lcId = lc.id;
  const { data, reload } = useLoad((api) => loadApplicantSide(api, lcId), [lcId]);
  const done = async () => {
    await reload();
    await after();
  };
  const lock = useTx(done);
  const release = useTx(done);
  const margin = data?.margin ?? null;
  const applicant = role === "applicant";
  const open = (data?.held ?? []).filter((d) => d.state === "Held" || d.state === "ReleasedOnTrustReceipt");
  const heldIds = new Set((data?.held ?? []).map((d) => d.presentationId));
  // a presentation the issuing bank paid itself (no nominated bank) whose documents it has not held yet
  const toHold =
    role === "bank" && lc.nominatedBank === null && data !== undefined
      ? presentations.filter((p) => p.state === "Paid" && !heldIds.has(p.id))
      : [];
  return (
    <section className="panel" aria-labelledby="applicant-title" data-applicant-panel={lcId}>
      <h3 id="applicant-title">{t("applicant.title")}</h3>
      {data !== undefined && margin === null && <p className="muted">{t("applicant.noMargin")}</p>}
      {margin !== null && (
        <>
          <dl>
            <dt>{t("applicant.share")}</dt>
            <dd>{(margin.shareBps / 100).toFixed(2)} %</dd>
            <dt>{t("applicant.required")}</dt>
            <dd>{format.amount(margin.required)}</dd>
            <dt>{t("applicant.locked")}</dt>
            <dd data-margin-locked={margin.locked}>{format.amount(margin.locked)}</dd>
            <dt>{t("applicant.due")}</dt>
            <dd data-margin-due={margin.due}>{format.amount(margin.due)}</dd>
            <dt>{t("applicant.free")}</dt>
            <dd>{format.amount(margin.free)}</dd>
          </dl>
          {applicant && BigInt(margin.due) > 0n && (
            <button
              type="button"
              disabled={lock.busy}
              onClick={() =>
                void lock.send(
                  async (c, o) => (await c.lcApplicant.lockMargin(BigInt(lcId), BigInt(margin.due), o)).receipt,
                )
              }
            >
              {t("applicant.lock", { amount: format.amount(margin.due) })}
            </button>
          )}{" "}
          <TxStatus state={lock.state} />{" "}
          {applicant && BigInt(margin.free) > 0n && (
            <button
              type="button"
              disabled={release.busy}
              onClick={() =>
                void release.send(async (c, o) => (await c.lcApplicant.releaseMargin(BigInt(lcId), o)).receipt)
              }
            >
              {t("applicant.release")}
            </button>
          )}{" "}
          <TxStatus state={release.state} />
        </>
      )}
      {role === "bank" &&
        data !== undefined &&
        SHARE_STATES.has(lc.state) &&
        (margin === null || margin.locked === "0") && <MarginShareForm lcId={lcId} after={done} />}
      {toHold.map((p) => (
        <p key={p.id} data-hold={p.id}>
          {t("trade.presentation", { id: p.id })}:{" "}
          <HoldDocuments presentationId={p.id} documents={p.documents} after={done} />
        </p>
      ))}
      {open.length > 0 && (
        <table>
          <caption>{t("applicant.documents")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("trade.presentations")}</th>
              <th scope="col">{t("scf.status")}</th>
              <th scope="col">{t("applicant.marginApplied")}</th>
              <th scope="col">{t("applicant.amountDue")}</th>
              <th scope="col">{t("queue.action")}</th>
            </tr>
          </thead>
          <tbody>
            {open.map((d) => (
              <HeldRow key={d.presentationId} held={d} payable={applicant} after={done} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HeldRow({
  held: d,
  payable,
  after,
}: {
  held: DocumentsHeldRow;
  payable: boolean;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const format = useFormatters();
  const tx = useTx(after);
  return (
    <tr data-held={d.presentationId}>
      <td>{d.presentationId}</td>
      <td data-state={d.state}>{d.state}</td>
      <td>{format.amount(d.marginApplied)}</td>
      <td>{format.amount(d.amountDue)}</td>
      <td>
        {payable && BigInt(d.amountDue) > 0n && (
          <button
            type="button"
            disabled={tx.busy}
            onClick={() =>
              void tx.send(
                async (c, o) =>
                  (await c.lcApplicant.payForRelease(BigInt(d.presentationId), BigInt(d.amountDue), o)).receipt,
              )
            }
          >
            {t("applicant.pay", { amount: format.amount(d.amountDue) })}
          </button>
        )}{" "}
        <TxStatus state={tx.state} />
      </td>
    </tr>
  );
}

/**
 * The issuing bank that paid a presentation itself holds its documents for the applicant: the documents' hash as the
 * contract records it (the presented `DocumentRef[]`, hashed by the SDK), the free margin applied.
 */
export function HoldDocuments({
  presentationId,
  documents,
  after,
}: {
  presentationId: string;
  documents: { contentHash: string; uriHash: string; kind: number }[];
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const tx = useTx(after);
  return (
    <>
      <button
        type="button"
        disabled={tx.busy}
        aria-label={t("applicant.holdLabel", { id: presentationId })}
        onClick={() =>
          void tx.send(
            async (c, o) => (await c.lcApplicant.holdDocuments(BigInt(presentationId), documents, o)).receipt,
          )
        }
      >
        {t("applicant.hold")}
      </button>{" "}
      <TxStatus state={tx.state} />
    </>
  );
}
