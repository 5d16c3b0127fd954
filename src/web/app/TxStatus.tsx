/**
 * A transaction's progress as the user sees it: waiting for the wallet, pending (sent, with its hash), mined (block),
 * or failed with the SDK's decoded error (`ContractError.decoded.message`, e.g. "receivable 7 is Confirmed, expected
 * Registered"). `role="status"` makes screen readers announce each change.
 */
import { useI18n } from "./i18n.js";
import { shortHex } from "./format.js";

export type TxState =
  | { phase: "idle" }
  | { phase: "signing" }
  | { phase: "pending"; hash: string }
  | { phase: "mined"; hash?: string; block: number }
  | { phase: "failed"; message: string };

/**
 * The message to show for an error a send threw: the decoded revert when there is one (the SDK's `ContractError`,
 * recognised by its shape so that this module does not pull the SDK into the main bundle).
 */
export function errorMessage(error: unknown): string {
  const decoded = (error as { decoded?: { message?: unknown } } | null)?.decoded;
  if (typeof decoded?.message === "string") return decoded.message;
  const shortMessage = (error as { shortMessage?: unknown }).shortMessage;
  if (typeof shortMessage === "string") return shortMessage;
  return error instanceof Error ? error.message : String(error);
}

export function TxStatus({ state }: { state: TxState }) {
  const { t } = useI18n();
  let text = "";
  if (state.phase === "signing") text = t("tx.signing");
  if (state.phase === "pending") text = t("tx.pending", { hash: shortHex(state.hash) });
  if (state.phase === "mined") text = t("tx.mined", { block: state.block });
  if (state.phase === "failed") text = t("tx.failed", { message: state.message });
  return (
    <span role="status" className={`tx tx-${state.phase}`} data-phase={state.phase}>
      {text}
    </span>
  );
}
