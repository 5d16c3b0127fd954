/** The console: language, wallet session and routes. */
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { BrowserRouter, Link, NavLink, Route, Routes } from "react-router";
import { createApiClient } from "./api.js";
import type { ConsoleConfig } from "./config.js";
import { AppContext } from "./context.js";
import { I18nContext, LANGUAGES, preferredLanguage, translate, type I18n, type Language } from "./i18n.js";
import { Home } from "./pages/Home.js";
import { SignIn } from "./pages/SignIn.js";
import { VerifyCertificate } from "./pages/VerifyCertificate.js";
import { VerifyGuarantee } from "./pages/VerifyGuarantee.js";
import { WorkQueue } from "./pages/WorkQueue.js";
import type { WalletSession } from "./wallet.js";

// Route-level code splitting: each application's pages (and what they take of ethers and the SDK) load on first visit.
const SupplyChain = lazy(() => import("./pages/SupplyChain.js").then((m) => ({ default: m.SupplyChain })));
const ReceivableLineage = lazy(() => import("./pages/SupplyChain.js").then((m) => ({ default: m.ReceivableLineage })));
const Trade = lazy(() => import("./pages/Trade.js").then((m) => ({ default: m.Trade })));
const LetterOfCreditPage = lazy(() => import("./pages/Trade.js").then((m) => ({ default: m.LetterOfCreditPage })));
const GuaranteePage = lazy(() => import("./pages/Trade.js").then((m) => ({ default: m.GuaranteePage })));
const Forfaiting = lazy(() => import("./pages/Forfaiting.js").then((m) => ({ default: m.Forfaiting })));
const Interbank = lazy(() => import("./pages/Interbank.js").then((m) => ({ default: m.Interbank })));
const Credit = lazy(() => import("./pages/Credit.js").then((m) => ({ default: m.Credit })));
const DataCatalogue = lazy(() => import("./pages/DataSharing.js").then((m) => ({ default: m.DataCatalogue })));
const DatasetPage = lazy(() => import("./pages/DataSharing.js").then((m) => ({ default: m.DatasetPage })));
const Governance = lazy(() => import("./pages/Governance.js").then((m) => ({ default: m.Governance })));

const LANGUAGE_KEY = "consortia.language";

function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(LANGUAGE_KEY);
  if (saved === "en" || saved === "zh") return saved;
  return preferredLanguage(globalThis.navigator?.languages ?? []);
}

export function App({ config }: { config: ConsoleConfig }) {
  const [language, setLanguage] = useState<Language>(initialLanguage);
  const [session, setSession] = useState<WalletSession>();
  const api = useMemo(() => createApiClient({ baseUrl: config.apiUrl }), [config.apiUrl]);

  const i18n = useMemo<I18n>(
    () => ({
      language,
      tag: LANGUAGES[language].tag,
      setLanguage: (next) => {
        globalThis.localStorage?.setItem(LANGUAGE_KEY, next);
        setLanguage(next);
      },
      t: (key, params) => translate(language, key, params),
    }),
    [language],
  );
  useEffect(() => {
    document.documentElement.lang = i18n.tag;
    document.title = i18n.t("app.title");
  }, [i18n]);

  const signOut = () => {
    api.setSigner(undefined);
    setSession(undefined);
  };
  const { t } = i18n;

  return (
    <I18nContext.Provider value={i18n}>
      <AppContext.Provider value={{ config, api, session, setSession }}>
        <BrowserRouter>
          <a className="skip" href="#main">
            {t("app.skip")}
          </a>
          <header>
            <h1>
              <Link to="/">{t("app.title")}</Link>
            </h1>
            <nav aria-label={t("nav.main")}>
              <NavLink to="/queue">{t("nav.queue")}</NavLink>
              <NavLink to="/scf">{t("nav.scf")}</NavLink>
              <NavLink to="/trade">{t("nav.trade")}</NavLink>
              <NavLink to="/forfaiting">{t("nav.forfaiting")}</NavLink>
              <NavLink to="/interbank">{t("nav.interbank")}</NavLink>
              <NavLink to="/credit">{t("nav.credit")}</NavLink>
              <NavLink to="/data">{t("nav.data")}</NavLink>
              <NavLink to="/governance">{t("nav.governance")}</NavLink>
              <NavLink to="/verify/guarantee">{t("nav.guarantee")}</NavLink>
              <NavLink to="/verify/certificate">{t("nav.certificate")}</NavLink>
            </nav>
            <div className="tools">
              <label htmlFor="language">{t("lang.label")}</label>
              <select
                id="language"
                value={language}
                onChange={(event) => i18n.setLanguage(event.target.value as Language)}
              >
                {(Object.keys(LANGUAGES) as Language[]).map((code) => (
                  <option key={code} value={code} lang={LANGUAGES[code].tag}>
                    {LANGUAGES[code].name}
                  </option>
                ))}
              </select>
              {session === undefined ? (
                <NavLink to="/sign-in">{t("nav.signIn")}</NavLink>
              ) : (
                <span className="who" data-member={session.member.id}>
                  {session.kind === "demo" && <span className="badge">{t("wallet.demoBadge")}</span>}{" "}
                  {t("wallet.signedInAs", { name: session.member.name, id: session.member.id })}{" "}
                  <button type="button" onClick={signOut}>
                    {t("wallet.signOut")}
                  </button>
                </span>
              )}
            </div>
          </header>
          <main id="main" tabIndex={-1}>
            <Suspense fallback={<p role="status">{t("queue.loading")}</p>}>
              <Routes>
                <Route path="/" element={<Home />} />
                <Route path="/sign-in" element={<SignIn />} />
                <Route path="/queue" element={<WorkQueue />} />
                <Route path="/verify/guarantee" element={<VerifyGuarantee />} />
                <Route path="/verify/certificate" element={<VerifyCertificate />} />
                <Route path="/scf" element={<SupplyChain />} />
                <Route path="/scf/receivables/:id" element={<ReceivableLineage />} />
                <Route path="/trade" element={<Trade />} />
                <Route path="/trade/lc/:id" element={<LetterOfCreditPage />} />
                <Route path="/trade/guarantee/:id" element={<GuaranteePage />} />
                <Route path="/forfaiting" element={<Forfaiting />} />
                <Route path="/interbank" element={<Interbank />} />
                <Route path="/credit" element={<Credit />} />
                <Route path="/data" element={<DataCatalogue />} />
                <Route path="/data/:id" element={<DatasetPage />} />
                <Route path="/governance" element={<Governance />} />
                <Route path="*" element={<p>{t("common.openIssue")}</p>} />
              </Routes>
            </Suspense>
          </main>
        </BrowserRouter>
      </AppContext.Provider>
    </I18nContext.Provider>
  );
}
