/**
 * Sign in: a browser wallet (EIP-1193), or — on the local demo chain only, and marked so — the demo wallet.
 */
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import type { Eip1193Provider } from "ethers";
import { useApp } from "../context.js";
import { useI18n } from "../i18n.js";
import { errorMessage } from "../TxStatus.js";
import type { WalletSession } from "../wallet.js";

/** The wallet module (ethers and the SDK's clients) loads on first use: the main bundle stays small. */
const walletModule = () => import("../wallet.js");

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

export function SignIn() {
  const { t } = useI18n();
  const { config, api, setSession } = useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [demoKey, setDemoKey] = useState(config.demo?.members[0]?.key ?? "");

  async function connect(how: (wallet: Awaited<ReturnType<typeof walletModule>>) => Promise<WalletSession>) {
    setBusy(true);
    setError(undefined);
    const wallet = await walletModule();
    try {
      setSession(await how(wallet));
      void navigate("/queue");
    } catch (failure) {
      setError(failure instanceof wallet.WalletError ? t(failure.key, failure.params) : errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  function onDemo(event: FormEvent) {
    event.preventDefault();
    const member = config.demo?.members.find((m) => m.key === demoKey);
    if (member !== undefined) void connect((wallet) => wallet.connectDemoWallet(config, api, member));
  }

  return (
    <section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t("wallet.signIn")}</h2>
      <div className="panel">
        <h3>{t("wallet.browser")}</h3>
        <button
          type="button"
          disabled={busy}
          onClick={() => void connect((wallet) => wallet.connectBrowserWallet(config, api, window.ethereum))}
        >
          {t("wallet.browserConnect")}
        </button>
      </div>
      {config.demo !== undefined && (
        <form className="panel demo" onSubmit={onDemo} aria-labelledby="demo-title">
          <h3 id="demo-title">
            <span className="badge">{t("wallet.demoBadge")}</span> {t("wallet.demo")}
          </h3>
          <p className="warning">{t("wallet.demoWarning", { chainId: config.demo.chainId })}</p>
          <label htmlFor="demo-member">{t("wallet.demoMember")}</label>
          <select id="demo-member" value={demoKey} onChange={(event) => setDemoKey(event.target.value)}>
            {config.demo.members.map((member) => (
              <option key={member.key} value={member.key}>
                {member.memberId} · {member.name} ({member.key})
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy}>
            {t("wallet.demoUse")}
          </button>
        </form>
      )}
      {busy && <p role="status">{t("wallet.connecting")}</p>}
      {error !== undefined && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
