/**
 * The signed-in member's work queue: one row per waiting step with its deadline and a button that sends the answering
 * transaction through the SDK and the wallet; the row shows pending / mined / failed (with the decoded revert). After a
 * step is mined the queue is read again once the index has the block.
 */
import { Fragment, useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { useI18n, type Params } from "../i18n.js";
import { useMemberNames } from "../members.js";
import { loadQueue, sortQueue, type QueueChoice, type QueueItem } from "../queue.js";
import { errorMessage, TxStatus, type TxState } from "../TxStatus.js";

const MEMBER_PARAMS = ["creditor", "issuer", "applicant", "grantee", "seller"] as const;
const DATE_PARAMS = ["maturity"] as const;

export function WorkQueue() {
  const { t } = useI18n();
  const { api, session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const [items, setItems] = useState<QueueItem[]>();
  const [error, setError] = useState<string>();
  const [states, setStates] = useState<Record<string, TxState>>({});
  const [done, setDone] = useState<{ item: QueueItem; choice: QueueChoice; state: TxState }[]>([]);
  const statesNow = useRef(states);
  statesNow.current = states;

  const refresh = useCallback(async () => {
    if (session === undefined) return;
    try {
      setError(undefined);
      const status = await api.get<{ indexedTime: number | null }>("/status");
      const next = await loadQueue(api, session.member.id, status.indexedTime ?? Math.floor(Date.now() / 1000), {
        account: session.address,
        chainId: session.chainId,
        storage: globalThis.localStorage,
      });
      // A row whose transaction is on its way or failed stays until the user sees the outcome, even when the step was
      // answered meanwhile (by another session: its failure names why).
      setItems((previous) => {
        const kept = (previous ?? []).filter((item) => {
          const phase = statesNow.current[item.key]?.phase;
          const open = phase === "signing" || phase === "pending" || phase === "failed";
          return open && !next.some((fresh) => fresh.key === item.key);
        });
        return sortQueue([...next, ...kept]);
      });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }, [api, session]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Live: read the queue again shortly after the API projects new events (its SSE stream). EventSource cannot send
  // Authorization, so the token goes as `access_token` (api.streamUrl). The stream opens once the client signed in
  // (the first refresh does), and again with a new token: when it fails or the API ends it (token expired, sign-in
  // again), it is closed and reopened after the next refresh.
  // `streamKey`: the token, "" for an API without sign-in (it answered without asking for one), undefined until then.
  const [streamKey, setStreamKey] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (items !== undefined) setStreamKey(api.session()?.token ?? "");
  }, [api, items]);
  useEffect(() => {
    if (session === undefined || streamKey === undefined || typeof EventSource === "undefined") return;
    const source = new EventSource(api.streamUrl());
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), 300);
    };
    const reopen = () => {
      source.close();
      clearTimeout(retry);
      retry = setTimeout(() => void refresh().then(() => setAttempt((n) => n + 1)), 2_000);
    };
    source.addEventListener("event", changed);
    source.addEventListener("rollback", changed);
    source.addEventListener("error", reopen);
    return () => {
      clearTimeout(timer);
      clearTimeout(retry);
      source.close();
    };
  }, [api, session, streamKey, attempt, refresh]);

  if (session === undefined) {
    return (
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">{t("queue.title")}</h2>
        <p>
          {t("queue.signInFirst")} <Link to="/sign-in">{t("nav.signIn")}</Link>
        </p>
      </section>
    );
  }

  const setState = (key: string, state: TxState) => setStates((all) => ({ ...all, [key]: state }));

  async function act(item: QueueItem, choice: QueueChoice) {
    if (session === undefined) return;
    let hash: string | undefined;
    setState(item.key, { phase: "signing" });
    try {
      const receipt = await choice.run(session.consortia, (sent) => {
        hash = sent;
        setState(item.key, { phase: "pending", hash: sent });
      });
      const state: TxState = { phase: "mined", hash, block: receipt?.blockNumber ?? 0 };
      setState(item.key, state);
      setDone((list) => [{ item, choice, state }, ...list]);
      await waitForIndex(receipt?.blockNumber ?? 0);
      await refresh();
    } catch (failure) {
      setState(item.key, { phase: "failed", message: errorMessage(failure) });
    }
  }

  async function waitForIndex(block: number) {
    for (let tries = 0; tries < 40; tries++) {
      const status = await api.get<{ indexedBlock: number }>("/status").catch(() => ({ indexedBlock: 0 }));
      if (status.indexedBlock >= block) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const subject = (item: QueueItem): string => {
    const params: Params = { ...item.subject.params };
    for (const name of MEMBER_PARAMS) {
      if (params[name] !== undefined)
        params[name] = nameOf(Number(params[name])) ?? t("common.member", { id: params[name] });
    }
    for (const name of DATE_PARAMS) {
      if (params[name] !== undefined) params[name] = format.date(Number(params[name]));
    }
    for (const [name, minor] of Object.entries(item.subject.amounts ?? {})) params[name] = format.amount(minor);
    return t(item.subject.key, params);
  };

  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">{t("queue.title")}</h2>
      <p>{t("queue.intro", { name: session.member.name })}</p>
      <button type="button" onClick={() => void refresh()}>
        {t("queue.refresh")}
      </button>
      {error !== undefined && (
        <p role="alert" className="error">
          {t("common.error", { message: error })}
        </p>
      )}
      {done.length > 0 && (
        <ul className="done" aria-label={t("queue.action")}>
          {done.map(({ item, choice, state }) => (
            <li key={item.key} data-key={item.key}>
              {t(choice.label)} — {subject(item)}: <TxStatus state={state} />
            </li>
          ))}
        </ul>
      )}
      {items === undefined ? (
        <p role="status">{t("queue.loading")}</p>
      ) : items.length === 0 ? (
        <p>{t("queue.empty")}</p>
      ) : (
        <table>
          <caption className="sr-only">{t("queue.intro", { name: session.member.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("queue.kind")}</th>
              <th scope="col">{t("queue.subject")}</th>
              <th scope="col">{t("queue.deadline")}</th>
              <th scope="col">{t("queue.action")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const state = states[item.key] ?? { phase: "idle" };
              const busy = state.phase === "signing" || state.phase === "pending";
              return (
                <tr key={item.key} data-key={item.key}>
                  <td>{t(`queue.kind.${item.kind}`)}</td>
                  <td>{subject(item)}</td>
                  <td>{item.deadline === null ? t("queue.noDeadline") : format.date(item.deadline)}</td>
                  <td>
                    {"to" in item.action ? (
                      <Link to={item.action.to} aria-label={`${t(item.action.label)}: ${subject(item)}`}>
                        {t(item.action.label)}
                      </Link>
                    ) : (
                      [item.action, ...(item.more ?? [])].map((choice, index) => (
                        <Fragment key={choice.label}>
                          {index > 0 && " "}
                          <button
                            type="button"
                            disabled={busy}
                            aria-label={`${t(choice.label)}: ${subject(item)}`}
                            onClick={() => void act(item, choice)}
                          >
                            {t(choice.label)}
                          </button>
                        </Fragment>
                      ))
                    )}{" "}
                    <TxStatus state={state} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
