/**
 * The write paths of the LC and guarantee pages, each a form definition of tradeForms.ts rendered by `DefinedForm`
 * and mapped here onto one SDK call signed in the wallet: the issuing bank issues an LC and proposes amendments, the
 * beneficiary accepts or refuses an amendment, the honouring bank sends its one refusal notice and pays (approving the
 * deposit token first when the allowance is short), the beneficiary demands under a guarantee and the guarantor
 * decides the demand (pay, again after the allowance step, or reject with its reasons hashed).
 */
import { useState } from "react";
import { ZeroHash, encodeBytes32String } from "ethers";
import type { Consortia } from "@consortia/sdk/client";
import { useCalendar } from "../calendar.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { accountOf, useLoad, useMembers, useTx, type MemberRow } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { DefinedForm } from "../TradeForm.js";
import { TxStatus } from "../TxStatus.js";
import {
  GUARANTEE_DECISION,
  GUARANTEE_DEMAND,
  LC_AMEND,
  LC_ISSUE,
  LC_REFUSAL,
  allowanceShortfall,
  type Values,
} from "../tradeForms.js";

/** The chain's time as the API last indexed it (the demo moves the chain clock; the browser clock is not it). */
export function useChainNow(): number {
  const { data } = useLoad(
    async (api) => (await api.get<{ indexedTime: number | null }>("/status")).indexedTime,
    [],
    false,
  );
  return data ?? Math.floor(Date.now() / 1000);
}

/**
 * Pays `amount` of the deposit token through `spender`: first the allowance step when the payer's allowance is short
 * (`token.approve`, its own transaction), then the payment. `onStep` names the step in progress.
 */
export async function payWithAllowance<R>(
  c: Consortia,
  payer: string,
  spender: string,
  amount: bigint,
  pay: () => Promise<R>,
  options: { onSent: (hash: string) => void },
  onStep: (step: "allowance" | "pay") => void,
): Promise<R> {
  const approve = allowanceShortfall(await c.token.allowance(payer, spender), amount);
  if (approve > 0n) {
    onStep("allowance");
    await c.token.approve(spender, approve, options);
  }
  onStep("pay");
  return pay();
}

const account = (members: MemberRow[], id: unknown): string => {
  const address = accountOf(members, Number(id));
  if (address === undefined) throw new Error(`member ${String(id)} has no account`);
  return address;
};

/** The issuing bank issues an LC (trade page, banks only). */
export function LcIssueForm({ after }: { after: () => Promise<void> }) {
  const members = useMembers();
  const chainNow = useChainNow();
  const tx = useTx(after);
  const { config } = useApp();
  const submit = (v: Values) =>
    void tx.send((c, o) =>
      c.lettersOfCredit.issue(
        account(members, v.applicant),
        {
          advisingBank: account(members, v.advisingBank),
          beneficiary: account(members, v.beneficiary),
          amount: v.amount as bigint,
          currency: config.token.currency,
          expiry: v.expiry as number,
          latestShipment: v.latestShipment as number,
          deferred: v.deferred as boolean,
          tenorDays: (v.tenorDays as number | undefined) ?? 0,
          partialDrawings: v.partialDrawings as boolean,
          requiredDocuments: v.documents as number[],
          termsHash: v.terms as string,
        },
        o,
      ),
    );
  return (
    <DefinedForm
      def={LC_ISSUE}
      members={members}
      chainNow={chainNow}
      state={tx.state}
      busy={tx.busy}
      onSubmit={submit}
    />
  );
}

interface Amendment {
  hash: string;
  status: string;
  amount: string;
  expiry: number;
  latestShipment: number;
  termsHash: string;
}

/** The issuing bank proposes an amendment (while none is pending). */
export function LcAmendForm({ lcId, after }: { lcId: string; after: () => Promise<void> }) {
  const chainNow = useChainNow();
  const tx = useTx(after);
  const submit = (v: Values) =>
    void tx.send((c, o) =>
      c.lettersOfCredit.proposeAmendment(
        BigInt(lcId),
        {
          amount: v.amount as bigint,
          expiry: v.expiry as number,
          latestShipment: v.latestShipment as number,
          termsHash: v.terms as string,
        },
        o,
      ),
    );
  return <DefinedForm def={LC_AMEND} chainNow={chainNow} state={tx.state} busy={tx.busy} onSubmit={submit} />;
}

/** The beneficiary accepts or refuses the pending amendment (its terms shown as the API indexed them). */
export function AmendmentAnswer({
  lcId,
  amendment,
  after,
}: {
  lcId: string;
  amendment: Amendment;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const format = useFormatters();
  const calendar = useCalendar();
  const tx = useTx(after);
  const terms = {
    amount: BigInt(amendment.amount),
    expiry: amendment.expiry,
    latestShipment: amendment.latestShipment,
    termsHash: amendment.termsHash,
  };
  return (
    <section className="panel" aria-labelledby="amendment-title" data-amendment={amendment.hash}>
      <h3 id="amendment-title">{t("forms.amendment.title")}</h3>
      <dl>
        <dt>{t("trade.amount")}</dt>
        <dd>{format.amount(amendment.amount)}</dd>
        <dt>{t("guarantee.expiry")}</dt>
        <dd>{calendar.date(amendment.expiry)}</dd>
        <dt>{t("forms.latestShipment")}</dt>
        <dd>{calendar.date(amendment.latestShipment)}</dd>
      </dl>
      <button
        type="button"
        disabled={tx.busy}
        onClick={() => void tx.send((c, o) => c.lettersOfCredit.acceptAmendment(BigInt(lcId), terms, o))}
      >
        {t("forms.amendment.accept")}
      </button>{" "}
      <button
        type="button"
        disabled={tx.busy}
        onClick={() => void tx.send((c, o) => c.lettersOfCredit.rejectAmendment(BigInt(lcId), o))}
      >
        {t("forms.amendment.refuse")}
      </button>{" "}
      <TxStatus state={tx.state} />
    </section>
  );
}

/** The honouring bank's one refusal notice on a presentation: every discrepancy, the notice's hash, documents held. */
export function RefusalForm({ presentationId, after }: { presentationId: string; after: () => Promise<void> }) {
  const chainNow = useChainNow();
  const tx = useTx(after);
  const submit = (v: Values) =>
    void tx.send((c, o) =>
      c.lettersOfCredit.refuse(
        BigInt(presentationId),
        (v.discrepancies as string[]).map((code) => encodeBytes32String(code)),
        v.notice as string,
        v.holdDocuments as boolean,
        o,
      ),
    );
  return (
    <DefinedForm
      def={{ ...LC_REFUSAL, id: `${LC_REFUSAL.id}-${presentationId}` }}
      chainNow={chainNow}
      state={tx.state}
      busy={tx.busy}
      onSubmit={submit}
    />
  );
}

/** The honouring bank pays a presentation in deposit tokens: the allowance step first when it is short. */
export function PayPresentation({
  presentationId,
  amount,
  label,
  after,
}: {
  presentationId: string;
  amount: string;
  label: string;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const tx = useTx(after);
  const [step, setStep] = useState<"allowance" | "pay">();
  const pay = () =>
    void tx.send((c, o) =>
      payWithAllowance(
        c,
        session!.address,
        c.lettersOfCredit.address,
        BigInt(amount),
        () => c.lettersOfCredit.pay(BigInt(presentationId), ZeroHash, o),
        o,
        setStep,
      ),
    );
  return (
    <>
      <button type="button" disabled={tx.busy} onClick={pay} aria-label={label}>
        {t("trade.pay")}
      </button>{" "}
      {step !== undefined && tx.busy && <span data-step={step}>{t(`forms.step.${step}`)} </span>}
      <TxStatus state={tx.state} />
    </>
  );
}

/** The beneficiary demands payment under an issued guarantee. */
export function DemandForm({ guaranteeId, after }: { guaranteeId: string; after: () => Promise<void> }) {
  const chainNow = useChainNow();
  const tx = useTx(after);
  const submit = (v: Values) =>
    void tx.send((c, o) =>
      c.guarantees.presentClaim(
        BigInt(guaranteeId),
        {
          amount: v.amount as bigint,
          demandHash: v.statement as string,
          extendTo: (v.extendTo as number | undefined) ?? 0,
        },
        o,
      ),
    );
  return <DefinedForm def={GUARANTEE_DEMAND} chainNow={chainNow} state={tx.state} busy={tx.busy} onSubmit={submit} />;
}

/** The guarantor decides a demand under examination: pay (allowance step first) or reject with its reasons hashed. */
export function DecisionForm({
  guaranteeId,
  claimIndex,
  amount,
  after,
}: {
  guaranteeId: string;
  claimIndex: number;
  amount: string;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const chainNow = useChainNow();
  const tx = useTx(after);
  const [step, setStep] = useState<"allowance" | "pay">();
  const id = BigInt(guaranteeId);
  const index = BigInt(claimIndex);
  const submit = (v: Values) =>
    void tx.send((c, o) =>
      v.decision === "reject"
        ? c.guarantees.rejectClaim(id, index, v.reason as string, o)
        : payWithAllowance(
            c,
            session!.address,
            c.guarantees.address,
            BigInt(amount),
            () => c.guarantees.payClaim(id, index, ZeroHash, o),
            o,
            setStep,
          ),
    );
  return (
    <DefinedForm
      def={{ ...GUARANTEE_DECISION, id: `${GUARANTEE_DECISION.id}-${claimIndex}` }}
      chainNow={chainNow}
      state={tx.state}
      busy={tx.busy}
      onSubmit={submit}
    >
      {step !== undefined && tx.busy && (
        <>
          <span />
          <span data-step={step}>{t(`forms.step.${step}`)}</span>
        </>
      )}
    </DefinedForm>
  );
}
