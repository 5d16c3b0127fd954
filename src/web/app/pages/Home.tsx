import { useEffect, useState } from "react";
import { Link } from "react-router";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { useI18n } from "../i18n.js";

export function Home() {
  const { t } = useI18n();
  const { api, session } = useApp();
  const format = useFormatters();
  const [status, setStatus] = useState<{ indexedBlock: number; indexedTime: number | null }>();
  useEffect(() => {
    api
      .get<{ indexedBlock: number; indexedTime: number | null }>("/status")
      .then(setStatus)
      .catch(() => undefined);
  }, [api]);
  return (
    <section aria-labelledby="home-title">
      <h2 id="home-title">{t("home.title")}</h2>
      <p>{t("home.intro")}</p>
      <ul className="cards">
        <li>
          <Link to={session === undefined ? "/sign-in" : "/queue"}>
            {t(session === undefined ? "nav.signIn" : "nav.queue")}
          </Link>
        </li>
        <li>
          <Link to="/verify/guarantee">{t("nav.guarantee")}</Link>
        </li>
        <li>
          <Link to="/verify/certificate">{t("nav.certificate")}</Link>
        </li>
      </ul>
      {status !== undefined && (
        <p className="muted">
          {t("home.status", {
            block: status.indexedBlock,
            date: status.indexedTime === null ? "—" : format.date(status.indexedTime),
          })}
        </p>
      )}
    </section>
  );
}
