/** Public: anyone holding a guarantee's reference checks it is genuine and in force (no wallet). */
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { ApiError } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { useI18n } from "../i18n.js";
import { useMemberNames } from "../members.js";
import { errorMessage } from "../TxStatus.js";

interface Verified {
  id: string;
  state: string;
  guarantor: number;
  /** Public: the issuing bank's name (the member directory needs sign-in). */
  guarantorName?: string | null;
  amountAt: string;
  available: string;
  inForce: boolean;
  expiry: number;
}

export const REFERENCE = /^0x[0-9a-fA-F]{64}$/;

export function VerifyGuarantee() {
  const { t } = useI18n();
  const { api } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const [params, setParams] = useSearchParams();
  const [reference, setReference] = useState(params.get("reference") ?? "");
  const [result, setResult] = useState<{ found: Verified } | { message: string }>();

  async function verify(event: FormEvent) {
    event.preventDefault();
    const value = reference.trim();
    if (!REFERENCE.test(value)) {
      setResult({ message: t("guarantee.badReference") });
      return;
    }
    setParams({ reference: value }, { replace: true });
    try {
      setResult({ found: await api.get<Verified>(`/guarantees/by-reference/${value.toLowerCase()}`) });
    } catch (failure) {
      setResult({
        message:
          failure instanceof ApiError && failure.status === 404
            ? t("guarantee.notFound")
            : t("common.error", { message: errorMessage(failure) }),
      });
    }
  }

  return (
    <section aria-labelledby="guarantee-title">
      <h2 id="guarantee-title">{t("guarantee.title")}</h2>
      <p>{t("guarantee.intro")}</p>
      <form onSubmit={(event) => void verify(event)} className="inline">
        <label htmlFor="reference">{t("guarantee.reference")}</label>
        <input
          id="reference"
          name="reference"
          value={reference}
          onChange={(event) => setReference(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          size={70}
        />
        <button type="submit">{t("guarantee.verify")}</button>
      </form>
      <div aria-live="polite" id="guarantee-result">
        {result !== undefined && "message" in result && (
          <p role="alert" className="error">
            {result.message}
          </p>
        )}
        {result !== undefined && "found" in result && (
          <div className={result.found.inForce ? "ok" : "warn"} data-genuine="true">
            <p>
              <strong>
                {t("guarantee.genuine", {
                  guarantor:
                    result.found.guarantorName ??
                    nameOf(result.found.guarantor) ??
                    t("common.member", { id: result.found.guarantor }),
                })}
              </strong>
            </p>
            <dl>
              <dt>{t("guarantee.state")}</dt>
              <dd>{result.found.state}</dd>
              <dt>{t("guarantee.inForce")}</dt>
              <dd data-in-force={String(result.found.inForce)}>
                {t(result.found.inForce ? "guarantee.yes" : "guarantee.no")}
              </dd>
              <dt>{t("guarantee.amount")}</dt>
              <dd>{format.amount(result.found.amountAt)}</dd>
              <dt>{t("guarantee.available")}</dt>
              <dd>{format.amount(result.found.available)}</dd>
              <dt>{t("guarantee.expiry")}</dt>
              <dd>{format.date(result.found.expiry)}</dd>
            </dl>
          </div>
        )}
      </div>
    </section>
  );
}
