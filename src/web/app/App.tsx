/** The console: language, wallet session and routes. */
import { useEffect, useMemo, useState } from "react";
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
            <Routes>
              <Route path="/" element={<Home />} />
              <Route path="/sign-in" element={<SignIn />} />
              <Route path="/queue" element={<WorkQueue />} />
              <Route path="/verify/guarantee" element={<VerifyGuarantee />} />
              <Route path="/verify/certificate" element={<VerifyCertificate />} />
              <Route path="*" element={<p>{t("common.openIssue")}</p>} />
            </Routes>
          </main>
        </BrowserRouter>
      </AppContext.Provider>
    </I18nContext.Provider>
  );
}
