/**
 * Supply-chain finance: the member's receivables and certificates (`/receivables`, `/receivable-certificates`), and a
 * receivable's page with its lineage tree (`/receivables/:id/lineage`, offers from `/receivables/:id`) and the actions
 * on a certificate — split, transfer, offer for discount, pledge, redeem — each built by the SDK's receivables client
 * and signed in the wallet.
 */
import { useMemo, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { getAll } from "../api.js";
import { useFormatters } from "../amounts.js";
import { useApp } from "../context.js";
import { parseAmountInput, shortHex } from "../format.js";
import { accountOf, ErrorLine, MemberSelect, PageFrame, useLoad, useMembers, useTx } from "../hooks.js";
import { useI18n, type MessageKey } from "../i18n.js";
import { LineageTree } from "../LineageTree.js";
import { useMemberNames } from "../members.js";
import {
  bankActionFor,
  ChainDateError,
  deadlineAfterChain,
  parsePaymentReference,
  type BankAction,
} from "../offers.js";
import { encumbrances, type LineageCertificate } from "../tree.js";
import { TxStatus } from "../TxStatus.js";

interface Receivable {
  id: string;
  creditor: number;
  obligor: number;
  status: string;
  faceValue: string;
  outstanding: string;
  maturity: number;
  rootTokenId: string | null;
}
interface Certificate extends LineageCertificate {
  receivableId: string;
}
interface Offer {
  kind: string;
  id: string;
  tokenId: string;
  newTokenId: string | null;
  value: string;
  price: string | null;
  status: string;
  deadline: number;
  counterpartyMember: number | null;
}

export function SupplyChain() {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const member = session?.member.id;
  const { data, error } = useLoad(
    async (api) =>
      member === undefined
        ? undefined
        : {
            receivables: await getAll<Receivable>(api, "/receivables"),
            certificates: await getAll<Certificate>(api, "/receivable-certificates", { member }),
          },
    [member],
  );
  const name = (id: number) => nameOf(id) ?? t("common.member", { id });
  return (
    <PageFrame id="scf" title={t("scf.title")} needsWallet>
      <p>{t("scf.intro")}</p>
      <ErrorLine message={error} />
      {data === undefined ? (
        <p role="status">{t("queue.loading")}</p>
      ) : (
        <>
          <table>
            <caption>{t("scf.receivables")}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("scf.creditor")}</th>
                <th scope="col">{t("scf.obligor")}</th>
                <th scope="col">{t("scf.status")}</th>
                <th scope="col">{t("scf.faceValue")}</th>
                <th scope="col">{t("scf.outstanding")}</th>
                <th scope="col">{t("scf.maturity")}</th>
              </tr>
            </thead>
            <tbody>
              {data.receivables.map((r) => (
                <tr key={r.id} data-receivable={r.id}>
                  <td>
                    <Link to={`/scf/receivables/${r.id}`}>{t("scf.receivableLink", { id: r.id })}</Link>
                  </td>
                  <td>{name(r.creditor)}</td>
                  <td>{name(r.obligor)}</td>
                  <td>{r.status}</td>
                  <td>{format.amount(r.faceValue)}</td>
                  <td>{format.amount(r.outstanding)}</td>
                  <td>{format.date(r.maturity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>{t("scf.certificates")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("lineage.certificate")}</th>
                <th scope="col">{t("scf.receivable")}</th>
                <th scope="col">{t("scf.tier")}</th>
                <th scope="col">{t("lineage.value")}</th>
                <th scope="col">{t("lineage.locked")}</th>
              </tr>
            </thead>
            <tbody>
              {data.certificates.map((c) => (
                <tr key={c.tokenId} data-certificate={c.tokenId}>
                  <td>#{c.tokenId}</td>
                  <td>
                    <Link to={`/scf/receivables/${c.receivableId}?certificate=${c.tokenId}`}>
                      {t("scf.receivableLink", { id: c.receivableId })}
                    </Link>
                  </td>
                  <td>{c.tier}</td>
                  <td>{format.amount(c.value)}</td>
                  <td>{format.amount(c.locked)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </PageFrame>
  );
}

export function ReceivableLineage() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const format = useFormatters();
  const nameOf = useMemberNames();
  const [selected, setSelected] = useState<string | undefined>(
    () => new URLSearchParams(globalThis.location?.search ?? "").get("certificate") ?? undefined,
  );
  const { data, error, reload } = useLoad(
    async (api) => {
      const [lineage, detail, status] = await Promise.all([
        api.get<{ status: string; faceValue: string; count: number; certificates: Certificate[] }>(
          `/receivables/${id}/lineage`,
          { format: "flat" },
        ),
        api.get<Receivable & { offers: Offer[] }>(`/receivables/${id}`),
        api.get<{ indexedTime: number | null }>("/status"),
      ]);
      performance.mark("lineage:data");
      // The chain's time (latest indexed block), not the browser clock: the demo moves the chain clock.
      return { lineage, detail, chainNow: status.indexedTime ?? Math.floor(Date.now() / 1000) };
    },
    [id],
  );
  const marks = useMemo(() => encumbrances(data?.detail.offers ?? []), [data]);
  const certificate = data?.lineage.certificates.find((c) => c.tokenId === selected);
  const name = (member: number) => nameOf(member) ?? t("common.member", { id: member });
  return (
    <PageFrame id="lineage" title={t("lineage.title", { id })}>
      <ErrorLine message={error} />
      {data !== undefined && (
        <>
          <dl>
            <dt>{t("scf.creditor")}</dt>
            <dd>{name(data.detail.creditor)}</dd>
            <dt>{t("scf.obligor")}</dt>
            <dd>{name(data.detail.obligor)}</dd>
            <dt>{t("scf.status")}</dt>
            <dd>{data.detail.status}</dd>
            <dt>{t("scf.faceValue")}</dt>
            <dd>{format.amount(data.detail.faceValue)}</dd>
            <dt>{t("scf.maturity")}</dt>
            <dd>{format.date(data.detail.maturity)}</dd>
          </dl>
          <LineageTree
            certificates={data.lineage.certificates}
            encumbrances={marks}
            nameOf={nameOf}
            selected={selected}
            onSelect={setSelected}
            label={t("lineage.treeLabel", { id })}
          />
          <BankOffers offers={data.detail.offers} chainNow={data.chainNow} after={reload} />
          {certificate !== undefined && (
            <CertificateActions certificate={certificate} chainNow={data.chainNow} after={reload} />
          )}
          {data.detail.offers.length > 0 && (
            <table>
              <caption>{t("scf.offers")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("scf.offerKind")}</th>
                  <th scope="col">{t("lineage.certificate")}</th>
                  <th scope="col">{t("scf.counterparty")}</th>
                  <th scope="col">{t("lineage.value")}</th>
                  <th scope="col">{t("scf.price")}</th>
                  <th scope="col">{t("scf.status")}</th>
                </tr>
              </thead>
              <tbody>
                {data.detail.offers.map((o) => (
                  <tr key={`${o.kind}:${o.id}`}>
                    <td>
                      {o.kind} #{o.id}
                    </td>
                    <td>#{o.tokenId}</td>
                    <td>{o.counterpartyMember === null ? "—" : name(o.counterpartyMember)}</td>
                    <td>{format.amount(o.value)}</td>
                    <td>{o.price === null ? "—" : format.amount(o.price)}</td>
                    <td>{o.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </PageFrame>
  );
}

type CertificateAction = "split" | "transfer" | "discount" | "pledge" | "redeem";
const ACTIONS: CertificateAction[] = ["split", "transfer", "discount", "pledge", "redeem"];
const NEEDS: Record<
  CertificateAction,
  { to?: boolean; bank?: boolean; value?: boolean; price?: boolean; date?: boolean }
> = {
  split: { to: true, value: true },
  transfer: { to: true },
  discount: { bank: true, value: true, price: true, date: true },
  pledge: { bank: true, value: true, date: true },
  redeem: {},
};

/** The actions on one certificate; the contract decides whether the signed-in member may take them. */
function CertificateActions({
  certificate,
  chainNow,
  after,
}: {
  certificate: Certificate;
  chainNow: number;
  after: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { config, session } = useApp();
  const format = useFormatters();
  const members = useMembers();
  const tx = useTx(after);
  const [action, setAction] = useState<CertificateAction>("split");
  const [to, setTo] = useState("");
  const [value, setValue] = useState("");
  const [price, setPrice] = useState("");
  const [date, setDate] = useState("");
  const need = NEEDS[action];
  const tokenId = BigInt(certificate.tokenId);

  function submit(event: FormEvent) {
    event.preventDefault();
    let amount = 0n;
    let cost = 0n;
    try {
      if (need.value === true) amount = parseAmountInput(value, config.token.decimals);
      if (need.price === true) cost = parseAmountInput(price, config.token.decimals);
    } catch {
      tx.fail(t("form.badAmount", { decimals: config.token.decimals }));
      return;
    }
    const party = Number(to);
    const account = accountOf(members, party);
    if ((need.to === true || need.bank === true) && (to === "" || account === undefined)) {
      tx.fail(t("form.pickMember"));
      return;
    }
    if (need.date === true && date === "") {
      tx.fail(t("form.pickDate"));
      return;
    }
    let when = 0;
    if (need.date === true) {
      try {
        when = deadlineAfterChain(date, chainNow);
      } catch (failure) {
        if (!(failure instanceof ChainDateError)) throw failure;
        tx.fail(t("form.dateAfterChain", { now: format.date(chainNow) }));
        return;
      }
    }
    void tx.send(async (c, options): Promise<unknown> => {
      switch (action) {
        case "split":
          return c.receivables.split(tokenId, account!, amount, options);
        case "transfer":
          return c.receivables.transferCertificate(tokenId, account!, options);
        case "discount":
          return c.receivables.offerDiscount(tokenId, amount, party, cost, when, options);
        case "pledge":
          return c.receivables.pledge(tokenId, amount, party, when, options);
        case "redeem":
          return c.receivables.redeem(tokenId, options);
      }
    });
  }

  const label = (a: CertificateAction): MessageKey => `scf.action.${a}`;
  return (
    <form
      className="panel"
      onSubmit={submit}
      aria-labelledby="certificate-actions"
      data-certificate={certificate.tokenId}
    >
      <h3 id="certificate-actions">
        {t("scf.actionsFor", { id: certificate.tokenId, value: format.amount(certificate.value) })}
      </h3>
      {session === undefined ? (
        <p>{t("page.signInFirst")}</p>
      ) : (
        <div className="form-grid">
          <label htmlFor="cert-action">{t("scf.action")}</label>
          <select id="cert-action" value={action} onChange={(e) => setAction(e.target.value as CertificateAction)}>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(label(a))}
              </option>
            ))}
          </select>
          {(need.to === true || need.bank === true) && (
            <MemberSelect
              id="cert-party"
              label={t(need.bank === true ? "scf.bank" : "scf.recipient")}
              members={members}
              value={to}
              onChange={setTo}
              kinds={need.bank === true ? ["Bank"] : undefined}
              exclude={session.member.id}
            />
          )}
          {need.value === true && (
            <>
              <label htmlFor="cert-value">{t("scf.amount", { currency: config.token.currency })}</label>
              <input id="cert-value" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
            </>
          )}
          {need.price === true && (
            <>
              <label htmlFor="cert-price">{t("scf.priceInput", { currency: config.token.currency })}</label>
              <input id="cert-price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
            </>
          )}
          {need.date === true && (
            <>
              <label htmlFor="cert-date">{t(action === "pledge" ? "scf.dueDate" : "scf.deadline")}</label>
              <input id="cert-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
            </>
          )}
          <span />
          <span>
            <button type="submit" disabled={tx.busy}>
              {t(label(action))}
            </button>{" "}
            <TxStatus state={tx.state} />
          </span>
        </div>
      )}
      <p className="muted">{t("scf.holder", { holder: shortHex(certificate.holder) })}</p>
    </form>
  );
}

/**
 * The offers addressed to the signed-in bank on this receivable: accept a pending discount offer (with an optional
 * payment reference of the off-chain payment) or take a pledge that is due, judged by the chain's time; the SDK builds
 * the transaction (`receivables.acceptDiscount` / `receivables.takePledge`) and the wallet signs it.
 */
function BankOffers({ offers, chainNow, after }: { offers: Offer[]; chainNow: number; after: () => Promise<void> }) {
  const { t } = useI18n();
  const { session } = useApp();
  const format = useFormatters();
  const tx = useTx(after);
  const [chosen, setChosen] = useState("");
  const [reference, setReference] = useState("");
  if (session === undefined) return null;
  const mine = offers.flatMap((offer) => {
    const verdict = bankActionFor(offer, session.member.id, chainNow);
    return verdict === undefined ? [] : [{ offer, verdict }];
  });
  if (mine.length === 0) return null;
  const key = (o: Offer) => `${o.kind}:${o.id}`;
  const current = mine.find((m) => key(m.offer) === chosen) ?? mine[0];
  const action: BankAction = current.verdict.action;
  const label = (a: BankAction): MessageKey => `scf.bankAction.${a}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!current.verdict.ok) {
      tx.fail(
        t(current.verdict.reason === "expired" ? "scf.offerExpired" : "scf.pledgeNotDue", {
          at: format.date(current.verdict.at),
        }),
      );
      return;
    }
    let paymentReference = "";
    if (action === "acceptDiscount") {
      try {
        paymentReference = parsePaymentReference(reference);
      } catch {
        tx.fail(t("form.badReference"));
        return;
      }
    }
    const offerId = BigInt(current.offer.id);
    void tx.send(async (c, options): Promise<unknown> =>
      action === "acceptDiscount"
        ? c.receivables.acceptDiscount(offerId, paymentReference, options)
        : c.receivables.takePledge(offerId, options),
    );
  }

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="bank-offers" data-bank-offers={mine.length}>
      <h3 id="bank-offers">{t("scf.bankOffers")}</h3>
      <div className="form-grid">
        <label htmlFor="bank-offer">{t("scf.bankOffer")}</label>
        <select id="bank-offer" value={key(current.offer)} onChange={(e) => setChosen(e.target.value)}>
          {mine.map(({ offer, verdict }) => (
            <option key={key(offer)} value={key(offer)}>
              {t(label(verdict.action))} #{offer.id} · #{offer.tokenId} · {format.amount(offer.value)}
              {offer.price === null ? "" : ` → ${format.amount(offer.price)}`}
            </option>
          ))}
        </select>
        {action === "acceptDiscount" && (
          <>
            <label htmlFor="bank-reference">{t("scf.paymentReference")}</label>
            <input
              id="bank-reference"
              value={reference}
              placeholder="0x…"
              aria-describedby="bank-reference-hint"
              onChange={(e) => setReference(e.target.value)}
            />
            <span />
            <span id="bank-reference-hint" className="muted">
              {t("scf.paymentReferenceHint")}
            </span>
          </>
        )}
        <span />
        <span className="muted">
          {t(action === "acceptDiscount" ? "scf.offerOpenUntil" : "scf.pledgeDue", {
            at: format.date(current.offer.deadline),
            now: format.date(chainNow),
          })}
        </span>
        <span />
        <span>
          <button type="submit" disabled={tx.busy} data-bank-action={action}>
            {t(label(action))}
          </button>{" "}
          <TxStatus state={tx.state} />
        </span>
      </div>
    </form>
  );
}
