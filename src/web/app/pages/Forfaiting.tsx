/**
 * The forfaiting market board: offers (`/forfaiting/offers`), an offer's open and sealed quotes
 * (`/forfaiting/offers/:id`), and quoting on it — openly (`forfaiting.quote`) or sealed: the salt is drawn and kept in
 * this browser's storage before the commitment is sent (`forfaiting.commitQuote`), revealed from there in the reveal
 * window (`forfaiting.revealQuote`), and exportable to a file (app/sealed.ts).
 */
import type { SealedQuote } from "@consortia/sdk/client";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { parseAmountInput, shortHex } from "../format.js";
import { ErrorLine, PageFrame, useLoad, useTx } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { useMemberNames } from "../members.js";
import {
  exportSealed,
  freshSalt,
  importSealed,
  keepSealed,
  loadSealed,
  revealOpen,
  storageKey,
  type SealedQuoteRecord,
} from "../sealed.js";
import { acceptableQuotes, acceptQuoteFor, parsePaymentReference } from "../offers.js";
import { errorMessage, TxStatus } from "../TxStatus.js";
import { hashFileInBrowser } from "./VerifyCertificate.js";

interface Offer {
  id: string;
  asset: string;
  claimId: string;
  state: string;
  seller: number;
  obligor: number;
  amount: string;
  maturity: number;
  askingPrice: string;
  sealed: boolean;
  quoteDeadline: number;
  revealPeriod: number;
}
interface Quote {
  bidder: string;
  bidderMember: number;
  sealed: boolean;
  commitment: string | null;
  price: string | null;
  state: string;
}

export function Forfaiting() {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  // `?offer=<id>`: the work queue links an offer to quote on here, its quote form open.
  const [search] = useSearchParams();
  const [selected, setSelected] = useState<string | undefined>(() => search.get("offer") ?? undefined);
  const store = useSealedStore();
  const { data, error, reload } = useLoad(
    async (api) => ({
      offers: await getAll<Offer>(api, "/forfaiting/offers"),
      now: (await api.get<{ indexedTime: number | null }>("/status")).indexedTime ?? Math.floor(Date.now() / 1000),
    }),
    [],
  );
  const name = (id: number) => nameOf(id) ?? t("common.member", { id });
  const offer = data?.offers.find((o) => o.id === selected);
  return (
    <PageFrame id="forfaiting" title={t("ff.title")} needsWallet>
      <p>{t("ff.intro")}</p>
      <ErrorLine message={error} />
      {data === undefined ? (
        <p role="status">{t("queue.loading")}</p>
      ) : (
        <table>
          <caption>{t("ff.offers")}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t("ff.seller")}</th>
              <th scope="col">{t("scf.obligor")}</th>
              <th scope="col">{t("trade.amount")}</th>
              <th scope="col">{t("ff.asking")}</th>
              <th scope="col">{t("scf.maturity")}</th>
              <th scope="col">{t("ff.mode")}</th>
              <th scope="col">{t("ff.quoteDeadline")}</th>
              <th scope="col">{t("scf.status")}</th>
            </tr>
          </thead>
          <tbody>
            {data.offers.map((o) => (
              <tr key={o.id} data-offer={o.id} className={o.id === selected ? "selected" : undefined}>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-pressed={o.id === selected}
                    onClick={() => setSelected(o.id === selected ? undefined : o.id)}
                  >
                    {t("ff.offerLink", { id: o.id })}
                  </button>
                </td>
                <td>{name(o.seller)}</td>
                <td>{name(o.obligor)}</td>
                <td>{format.amount(o.amount)}</td>
                {/* 0: the asking price is sealed in the offer's asking terms (issue 21); no key to open it here */}
                <td>{o.askingPrice === "0" ? t("ff.sealed") : format.amount(o.askingPrice)}</td>
                <td>{format.date(o.maturity)}</td>
                <td>{t(o.sealed ? "ff.sealed" : "ff.open")}</td>
                <td>{format.date(o.quoteDeadline)}</td>
                <td>{o.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {offer !== undefined && data !== undefined && session !== undefined && (
        <OfferPanel offer={offer} now={data.now} after={reload} store={store} />
      )}
      {session !== undefined && <SealedStore store={store} />}
    </PageFrame>
  );
}

function useSealedStore() {
  const { session } = useApp();
  const key = session === undefined ? "" : storageKey(session.chainId, session.address);
  const [records, setRecords] = useState<SealedQuoteRecord[]>(() =>
    key === "" ? [] : loadSealed(globalThis.localStorage, key),
  );
  return {
    records,
    keep: (record: SealedQuoteRecord) => setRecords(keepSealed(globalThis.localStorage, key, record)),
    reread: () => setRecords(loadSealed(globalThis.localStorage, key)),
  };
}

type SealedStoreState = ReturnType<typeof useSealedStore>;

function OfferPanel(props: { offer: Offer; now: number; after: () => Promise<void>; store: SealedStoreState }) {
  const { offer, now, after, store } = props;
  const { t } = useI18n();
  const { config, session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const { data, reload } = useLoad(
    (api) => api.get<Offer & { quotes: Quote[] }>(`/forfaiting/offers/${offer.id}`),
    [offer.id],
  );
  const refresh = async () => {
    await reload();
    await after();
  };
  const tx = useTx(refresh);
  const [price, setPrice] = useState("");
  const mine = store.records.find(
    (r) => r.offerId === offer.id && r.bidder.toLowerCase() === session?.address.toLowerCase(),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    if (session === undefined) return;
    let value: bigint;
    try {
      value = parseAmountInput(price, config.token.decimals);
    } catch {
      tx.fail(t("form.badAmount", { decimals: config.token.decimals }));
      return;
    }
    const id = BigInt(offer.id);
    if (!offer.sealed) {
      void tx.send((c, o) => c.forfaiting.quote(id, value, o));
      return;
    }
    // Keep the salt before anything is sent: a commitment whose salt is lost can never be revealed.
    const salt = freshSalt();
    const record: SealedQuoteRecord = {
      offerId: offer.id,
      bidder: session.address,
      price: value.toString(),
      salt,
      keptAt: Math.floor(Date.now() / 1000),
    };
    store.keep(record);
    void tx.send(async (c, o) => {
      const sealed = await c.forfaiting.commitQuote(id, value, salt, o);
      store.keep({ ...record, commitment: sealed.commitment });
      return sealed;
    });
  }

  const reveal = () => {
    if (mine === undefined) return;
    void tx.send(async (c, o) => {
      const receipt = await c.forfaiting.revealQuote(BigInt(mine.offerId), BigInt(mine.price), mine.salt, o);
      store.keep({ ...mine, revealed: true });
      return receipt;
    });
  };

  return (
    <div className="panel" aria-labelledby="offer-title" data-offer-panel={offer.id}>
      <h3 id="offer-title">{t("ff.offerTitle", { id: offer.id })}</h3>
      <table>
        <caption>{t("ff.quotes")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("ff.bidder")}</th>
            <th scope="col">{t("ff.mode")}</th>
            <th scope="col">{t("ff.price")}</th>
            <th scope="col">{t("scf.status")}</th>
          </tr>
        </thead>
        <tbody>
          {(data?.quotes ?? []).map((q) => (
            <tr key={q.bidder}>
              <td>{nameOf(q.bidderMember) ?? t("common.member", { id: q.bidderMember })}</td>
              <td>{t(q.sealed ? "ff.sealed" : "ff.open")}</td>
              <td>
                {q.price === null ? (
                  <code title={q.commitment ?? ""}>{t("ff.committed", { hash: shortHex(q.commitment ?? "") })}</code>
                ) : (
                  format.amount(q.price)
                )}
              </td>
              <td>{q.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {offer.state === "Open" && now <= offer.quoteDeadline && (
        <form onSubmit={submit} className="inline">
          <label htmlFor="quote-price">
            {t(offer.sealed ? "ff.commitPrice" : "ff.quotePrice", { currency: config.token.currency })}
          </label>
          <input id="quote-price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
          <button type="submit" disabled={tx.busy}>
            {t(offer.sealed ? "ff.commit" : "ff.quote")}
          </button>
        </form>
      )}
      {offer.sealed && mine !== undefined && (
        <p>
          {t("ff.kept", { price: format.amount(mine.price) })}{" "}
          {mine.revealed !== true && (
            <button type="button" disabled={tx.busy || !revealOpen(offer, now)} onClick={reveal}>
              {t("ff.reveal")}
            </button>
          )}
          {!revealOpen(offer, now) && mine.revealed !== true && (
            <span className="muted">
              {" "}
              {t("ff.revealWindow", {
                from: format.date(offer.quoteDeadline),
                to: format.date(offer.quoteDeadline + offer.revealPeriod),
              })}
            </span>
          )}
        </p>
      )}
      <TxStatus state={tx.state} />
      {session !== undefined && data !== undefined && (
        <AcceptQuote offer={offer} quotes={data.quotes} now={now} after={refresh} />
      )}
      {session !== undefined &&
        offer.sealed &&
        offer.state === "Open" &&
        offer.seller === session.member.id &&
        revealOpen(offer, now) && <AcceptSealedQuote offer={offer} after={refresh} />}
    </div>
  );
}

/**
 * The seller accepts a quote: the deed of assignment and the transfer notice are files hashed in this browser (never
 * sent; only their keccak-256 hashes go on chain), the market is approved on the claim (`forfaiting.approveClaim`),
 * then `forfaiting.acceptQuote` moves the claim to the buyer and the price to the seller in one transaction.
 */
function AcceptQuote(props: { offer: Offer; quotes: Quote[]; now: number; after: () => Promise<void> }) {
  const { offer, quotes, now, after } = props;
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const tx = useTx(after);
  const [bidder, setBidder] = useState("");
  const documents = useSaleDocuments();
  if (session === undefined) return null;
  const verdict = acceptQuoteFor(offer, session.member.id, now);
  if (verdict === undefined) return null;
  const candidates = acceptableQuotes(quotes);
  const chosen = candidates.find((q) => q.bidder === bidder) ?? candidates[0];

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (verdict === undefined) return;
    if (!verdict.ok) {
      tx.fail(t("ff.revealNotOver", { at: format.date(verdict.at) }));
      return;
    }
    if (chosen === undefined) {
      tx.fail(t("ff.noQuote"));
      return;
    }
    const read = await readSaleDocuments(documents, tx.fail, t);
    if (read === undefined) return;
    const { deedHash, noticeHash, offChainReference } = read;
    const id = BigInt(offer.id);
    void tx.send(async (c, o) => {
      await c.forfaiting.approveClaim(BigInt(offer.claimId), offer.asset);
      return c.forfaiting.acceptQuote(id, chosen.bidder, deedHash, noticeHash, offChainReference, o);
    });
  }

  return (
    <form
      className="panel"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="accept-quote-title"
      data-accept-quote={offer.id}
    >
      <h4 id="accept-quote-title">{t("ff.acceptTitle")}</h4>
      {!verdict.ok && <p className="muted">{t("ff.revealNotOver", { at: format.date(verdict.at) })}</p>}
      <div className="form-grid">
        <label htmlFor="accept-bidder">{t("ff.acceptBidder")}</label>
        <select id="accept-bidder" value={chosen?.bidder ?? ""} onChange={(e) => setBidder(e.target.value)}>
          {candidates.length === 0 && <option value="">—</option>}
          {candidates.map((q) => (
            <option key={q.bidder} value={q.bidder}>
              {nameOf(q.bidderMember) ?? t("common.member", { id: q.bidderMember })} · {format.amount(q.price!)}
            </option>
          ))}
        </select>
        <SaleDocumentFields idPrefix="accept" documents={documents} />
        <span />
        <span>
          <button type="submit" disabled={tx.busy}>
            {t("ff.accept")}
          </button>{" "}
          <TxStatus state={tx.state} />
        </span>
      </div>
    </form>
  );
}

/** The deed and notice files and the off-chain reference that both accept forms ask for. */
function useSaleDocuments() {
  const [deed, setDeed] = useState<File>();
  const [notice, setNotice] = useState<File>();
  const [reference, setReference] = useState("");
  return { deed, setDeed, notice, setNotice, reference, setReference };
}

type SaleDocuments = ReturnType<typeof useSaleDocuments>;

/**
 * Checks that both files are chosen and the reference parses (else fails the transaction with the reason and resolves
 * undefined), then hashes the files in this browser: only the hashes go on chain.
 */
async function readSaleDocuments(
  documents: SaleDocuments,
  fail: (message: string) => void,
  t: ReturnType<typeof useI18n>["t"],
): Promise<{ deedHash: string; noticeHash: string; offChainReference: string } | undefined> {
  const { deed, notice, reference } = documents;
  if (deed === undefined || notice === undefined) {
    fail(t("ff.needFiles"));
    return undefined;
  }
  let offChainReference: string;
  try {
    offChainReference = parsePaymentReference(reference);
  } catch {
    fail(t("form.badReference"));
    return undefined;
  }
  const [deedHash, noticeHash] = await Promise.all([hashFileInBrowser(deed), hashFileInBrowser(notice)]);
  return { deedHash, noticeHash, offChainReference };
}

/** The form-grid rows for the deed, the notice and the off-chain reference; ids are `<idPrefix>-deed` and so on. */
function SaleDocumentFields({ idPrefix, documents }: { idPrefix: string; documents: SaleDocuments }) {
  const { t } = useI18n();
  const { reference, setDeed, setNotice, setReference } = documents;
  return (
    <>
      <label htmlFor={`${idPrefix}-deed`}>{t("ff.deedFile")}</label>
      <input id={`${idPrefix}-deed`} type="file" onChange={(e) => setDeed(e.target.files?.[0])} />
      <label htmlFor={`${idPrefix}-notice`}>{t("ff.noticeFile")}</label>
      <input id={`${idPrefix}-notice`} type="file" onChange={(e) => setNotice(e.target.files?.[0])} />
      <label htmlFor={`${idPrefix}-reference`}>{t("ff.offChainReference")}</label>
      <input
        id={`${idPrefix}-reference`}
        value={reference}
        placeholder="0x…"
        onChange={(e) => setReference(e.target.value)}
      />
      <span />
      <span className="muted">{t("ff.filesStayHere")}</span>
    </>
  );
}

/**
 * The seller accepts a sealed quote by opening it, in the reveal window: the bidder's opening (an envelope sealed to
 * the seller's member, `forfaiting seal-opening`) is opened in this browser with the member's encryption key read from
 * a file and checked against the commitment on chain (the SDK's `forfaiting.openQuoteOpening`, its envelope module loaded on first use);
 * the price is shown, then the deed and notice are hashed here and `forfaiting.acceptSealedQuote` sells the claim
 * (simulated first) without the other quotes ever being revealed.
 */
function AcceptSealedQuote(props: { offer: Offer; after: () => Promise<void> }) {
  const { offer, after } = props;
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const tx = useTx(after);
  const [envelopeFile, setEnvelopeFile] = useState<File>();
  const [keyFile, setKeyFile] = useState<File>();
  const [opening, setOpening] = useState<SealedQuote>();
  const [openError, setOpenError] = useState<string>();
  const documents = useSaleDocuments();
  if (session === undefined) return null;

  async function open() {
    if (session === undefined) return;
    setOpenError(undefined);
    if (envelopeFile === undefined || keyFile === undefined) {
      setOpenError(t("ff.needOpening"));
      return;
    }
    try {
      const privateKey = (await keyFile.text()).trim() as `0x${string}`;
      const opened = await session.consortia.forfaiting.openQuoteOpening(JSON.parse(await envelopeFile.text()), {
        memberId: session.member.id,
        privateKey,
      });
      if (opened.offerId !== BigInt(offer.id)) throw new Error(`the opening is for offer ${opened.offerId}`);
      setOpening(opened);
    } catch (failure) {
      setOpening(undefined);
      setOpenError(errorMessage(failure));
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (opening === undefined) {
      tx.fail(t("ff.needOpening"));
      return;
    }
    const read = await readSaleDocuments(documents, tx.fail, t);
    if (read === undefined) return;
    const { deedHash, noticeHash, offChainReference } = read;
    void tx.send(async (c, o) => {
      await c.forfaiting.approveClaim(BigInt(offer.claimId), offer.asset);
      return c.forfaiting.acceptSealedQuote(opening, deedHash, noticeHash, offChainReference, o);
    });
  }

  return (
    <form
      className="panel"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="accept-sealed-title"
      data-accept-sealed={offer.id}
    >
      <h4 id="accept-sealed-title">{t("ff.sealedAcceptTitle")}</h4>
      <p className="muted">{t("ff.sealedAcceptIntro")}</p>
      <div className="form-grid">
        <label htmlFor="sealed-opening">{t("ff.openingFile")}</label>
        <input id="sealed-opening" type="file" onChange={(e) => setEnvelopeFile(e.target.files?.[0])} />
        <label htmlFor="sealed-key">{t("ff.encryptionKeyFile")}</label>
        <input id="sealed-key" type="file" onChange={(e) => setKeyFile(e.target.files?.[0])} />
        <span />
        <span>
          <button type="button" onClick={() => void open()} disabled={tx.busy}>
            {t("ff.openOpening")}
          </button>{" "}
          {opening !== undefined && (
            <span role="status" data-opened-price={opening.price.toString()}>
              {t("ff.opened", { bidder: shortHex(opening.bidder), price: format.amount(opening.price.toString()) })}
            </span>
          )}
          {openError !== undefined && (
            <span role="alert" className="error" data-opening-error>
              {openError}
            </span>
          )}
        </span>
        <SaleDocumentFields idPrefix="sealed" documents={documents} />
        <span />
        <span>
          <button type="submit" disabled={tx.busy || opening === undefined}>
            {t("ff.acceptSealed")}
          </button>{" "}
          <TxStatus state={tx.state} />
        </span>
      </div>
    </form>
  );
}

/** The sealed quotes this browser keeps for the signed-in account: export to a file, import from one. */
function SealedStore({ store }: { store: SealedStoreState }) {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const [message, setMessage] = useState<string>();
  if (session === undefined) return null;

  const download = () => {
    const blob = new Blob([exportSealed(store.records, session.chainId)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `sealed-quotes-${session.chainId}-${session.address.slice(0, 10)}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  const upload = async (file: File | undefined) => {
    if (file === undefined) return;
    try {
      const records = importSealed(await file.text(), session.chainId);
      const key = storageKey(session.chainId, session.address);
      for (const record of records.filter((r) => r.bidder.toLowerCase() === session.address.toLowerCase()))
        keepSealed(globalThis.localStorage, key, record);
      store.reread();
      setMessage(t("ff.imported", { count: records.length }));
    } catch (failure) {
      setMessage(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <div className="panel" aria-labelledby="sealed-title">
      <h3 id="sealed-title">{t("ff.store")}</h3>
      <p className="muted">{t("ff.storeIntro")}</p>
      <ul data-sealed-count={store.records.length}>
        {store.records.map((r) => (
          <li key={r.offerId}>
            {t("ff.keptRow", {
              id: r.offerId,
              price: format.amount(r.price),
              state: t(r.revealed === true ? "ff.revealed" : "ff.notRevealed"),
            })}
          </li>
        ))}
      </ul>
      <p className="inline">
        <button type="button" onClick={download} disabled={store.records.length === 0}>
          {t("ff.export")}
        </button>
        <label htmlFor="sealed-import">{t("ff.import")}</label>
        <input
          id="sealed-import"
          type="file"
          accept="application/json"
          onChange={(e) => void upload(e.target.files?.[0])}
        />
      </p>
      {message !== undefined && <p role="status">{message}</p>}
    </div>
  );
}
