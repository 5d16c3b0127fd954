/**
 * What the application pages share: reading the API with a reload (and again whenever the API's event stream announces
 * new events), sending one SDK transaction with its pending / mined / failed state (then waiting until the index has
 * its block), member pickers, and a sign-in notice.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { Consortia } from "@consortia/sdk/client";
import { getAll, type ApiClient } from "./api.js";
import { useApp } from "./context.js";
import { useI18n } from "./i18n.js";
import { errorMessage, type TxState } from "./TxStatus.js";

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  reload: () => Promise<void>;
}

/**
 * One event stream for every page's reads: a browser allows only a few connections to one origin, so the pages share
 * one EventSource (opened with the current token, reopened when the token changes, closed with its last listener).
 */
const listeners = new Set<() => void>();
let shared: { source: EventSource; url: string } | undefined;

function subscribe(api: ApiClient, listener: () => void): () => void {
  listeners.add(listener);
  const url = api.streamUrl();
  if (shared === undefined || shared.url !== url) {
    shared?.source.close();
    const source = new EventSource(url);
    source.addEventListener("event", () => listeners.forEach((notify) => notify()));
    source.addEventListener("error", () => {
      source.close();
      if (shared?.source === source) shared = undefined;
    });
    shared = { source, url };
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      shared?.source.close();
      shared = undefined;
    }
  };
}

/**
 * `load` run on mount, when `deps` change, on `reload()`, and (signed in, `live`) shortly after the API projects
 * events.
 */
export function useLoad<T>(load: (api: ApiClient) => Promise<T>, deps: readonly unknown[], live = true): Loaded<T> {
  const { api, session } = useApp();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const latest = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const value = await run(api);
      if (ticket === latest.current) {
        setData(value);
        setError(undefined);
      }
    } catch (failure) {
      if (ticket === latest.current) setError(errorMessage(failure));
    }
  }, [api, run]);
  useEffect(() => {
    void reload();
  }, [reload, session]);
  const loaded = data !== undefined;
  useEffect(() => {
    if (!live || !loaded || session === undefined || api.session() === undefined) return;
    if (typeof EventSource === "undefined") return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe(api, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 400);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [api, session, reload, live, loaded]);
  return { data, error, reload };
}

/** The block a send's result was mined in: a receipt, or an object carrying one as `receipt`. */
export function minedBlock(result: unknown): number {
  const r = result as { blockNumber?: number; receipt?: { blockNumber?: number } } | null | undefined;
  return r?.blockNumber ?? r?.receipt?.blockNumber ?? 0;
}

/** Waits (up to ~10 s) until the API has indexed `block`. */
export async function waitForIndex(api: ApiClient, block: number): Promise<void> {
  for (let tries = 0; tries < 40; tries++) {
    const status = await api.get<{ indexedBlock: number }>("/status").catch(() => ({ indexedBlock: 0 }));
    if (status.indexedBlock >= block) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export type Send<R> = (consortia: Consortia, options: { onSent: (hash: string) => void }) => Promise<R>;

/**
 * One transaction at a time: `send(fn)` runs the SDK call with the signed-in wallet, tracks its state, waits until the
 * index has the block and calls `after` (a reload); resolves with the call's result, or undefined when it failed.
 */
export function useTx(after?: () => unknown): {
  state: TxState;
  busy: boolean;
  send: <R>(fn: Send<R>) => Promise<R | undefined>;
  fail: (message: string) => void;
} {
  const { api, session } = useApp();
  const [state, setState] = useState<TxState>({ phase: "idle" });
  const send = async <R,>(fn: Send<R>): Promise<R | undefined> => {
    if (session === undefined) return undefined;
    setState({ phase: "signing" });
    let hash: string | undefined;
    try {
      const result = await fn(session.consortia, {
        onSent: (sent) => {
          hash = sent;
          setState({ phase: "pending", hash: sent });
        },
      });
      const block = minedBlock(result);
      setState({ phase: "mined", hash, block });
      await waitForIndex(api, block);
      await after?.();
      return result;
    } catch (failure) {
      setState({ phase: "failed", message: errorMessage(failure) });
      return undefined;
    }
  };
  return {
    state,
    busy: state.phase === "signing" || state.phase === "pending",
    send,
    fail: (message) => setState({ phase: "failed", message }),
  };
}

export interface MemberRow {
  id: number;
  name: string;
  kind: string;
  status: string;
  roles: string[];
  accounts: { address: string; status: string; level: string }[];
}

/** Every member (the directory needs sign-in; empty without it). */
export function useMembers(): MemberRow[] {
  const { data } = useLoad((api) => getAll<MemberRow>(api, "/members").catch(() => []), [], false);
  return data ?? [];
}

/** A labelled member picker; `kinds` narrows it (e.g. banks only). */
export function MemberSelect(props: {
  id: string;
  label: string;
  members: MemberRow[];
  value: string;
  onChange: (value: string) => void;
  kinds?: string[];
  exclude?: number;
}) {
  const shown = props.members.filter(
    (m) => (props.kinds === undefined || props.kinds.includes(m.kind)) && m.id !== props.exclude,
  );
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">—</option>
        {shown.map((m) => (
          <option key={m.id} value={String(m.id)}>
            {m.id} · {m.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** The first active account of a member (where a certificate or a split goes). */
export function accountOf(members: MemberRow[], id: number): string | undefined {
  const member = members.find((m) => m.id === id);
  return (member?.accounts.find((a) => a.status === "Active") ?? member?.accounts[0])?.address;
}

/** A page's frame: its heading, and — when the page needs a wallet and none is signed in — a link to sign in. */
export function PageFrame(props: { id: string; title: string; needsWallet?: boolean; children: ReactNode }) {
  const { t } = useI18n();
  const { session } = useApp();
  return (
    <section aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.needsWallet === true && session === undefined ? (
        <p>
          {t("page.signInFirst")} <Link to="/sign-in">{t("nav.signIn")}</Link>
        </p>
      ) : (
        props.children
      )}
    </section>
  );
}

/** An error line (role=alert) when `message` is set. */
export function ErrorLine({ message }: { message: string | undefined }) {
  const { t } = useI18n();
  if (message === undefined) return null;
  return (
    <p role="alert" className="error">
      {t("common.error", { message })}
    </p>
  );
}
