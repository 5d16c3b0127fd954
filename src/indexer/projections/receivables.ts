import { encodeAbiParameters, keccak256, type Hex } from "viem";
import { ReceivableCertificate__factory } from "@consortia/sdk/typechain/factories/receivables/ReceivableCertificate__factory.js";
import { ReceivableDesk__factory } from "@consortia/sdk/typechain/factories/receivables/ReceivableDesk__factory.js";
import {
  createTableSql,
  defineProjection,
  type EventHandler,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { onPaused, onUnpaused } from "./platform.js";

/** Enum names of IReceivableDesk, by their uint8 value. */
export const RECEIVABLE_STATUSES = [
  "None",
  "Registered",
  "Rejected",
  "Cancelled",
  "Active",
  "Overdue",
  "GuaranteeCalled",
  "Funded",
  "Settled",
] as const;
export const OFFER_STATUSES = ["None", "Pending", "Accepted", "Refused", "Cancelled", "Expired"] as const;
export const PLEDGE_STATUSES = ["None", "Active", "Released", "Taken"] as const;
export const CERTIFICATE_STATUSES = ["Live", "Redeemed"] as const;
/** Kinds of rows of `receivable_offers`: sign-off transfers, discount offers and pledges have separate id spaces. */
export const OFFER_KINDS = ["transfer", "discount", "pledge"] as const;

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO_HASH = `0x${"0".repeat(64)}`;

/** Tables of the receivables projection. */
export const RECEIVABLE_TABLES = [
  {
    // One row per receivable version: terms, document hashes as on chain, status, guarantee and funding.
    kind: "versioned",
    name: "receivables",
    key: ["receivable_id"],
    columns: {
      receivable_id: "numeric",
      creditor: "bigint",
      creditor_account: "text",
      obligor: "bigint",
      guarantor: "bigint",
      guarantor_account: "text",
      status: "text",
      face_value: "numeric",
      currency: "text",
      maturity: "bigint",
      invoice_key: "text",
      contract_doc: "jsonb",
      invoice_doc: "jsonb",
      delivery_doc: "jsonb",
      documents_hash: "text",
      root_token_id: "numeric",
      direct: "boolean",
      redeemed: "numeric",
      escrowed: "numeric",
      funded_by: "bigint",
      reject_reason_hash: "text",
      registered_block: "bigint",
      registered_tx: "text",
    },
    indexes: [["creditor"], ["obligor"], ["guarantor"], ["status"]],
  },
  {
    // One row per certificate version: lineage (parent, root, tier), holder, value and locked value.
    kind: "versioned",
    name: "receivable_certificates",
    key: ["token_id"],
    columns: {
      token_id: "numeric",
      receivable_id: "numeric",
      parent_id: "numeric",
      root_id: "numeric",
      tier: "integer",
      holder: "text",
      holder_member: "bigint",
      value: "numeric",
      locked: "numeric",
      redeemed_value: "numeric",
      status: "text",
      created_block: "bigint",
      created_tx: "text",
    },
    indexes: [["receivable_id", "token_id"], ["holder", "token_id"], ["holder_member", "token_id"], ["parent_id"]],
  },
  {
    // Sign-off transfers, discount offers and pledges with their current state (`kind` separates the id spaces).
    kind: "versioned",
    name: "receivable_offers",
    key: ["kind", "offer_id"],
    columns: {
      kind: "text",
      offer_id: "numeric",
      receivable_id: "numeric",
      token_id: "numeric",
      holder: "text",
      counterparty_account: "text",
      counterparty_member: "bigint",
      value: "numeric",
      price: "numeric",
      deadline: "bigint",
      status: "text",
      new_token_id: "numeric",
      payment_reference: "text",
      reason_hash: "text",
      created_block: "bigint",
    },
    indexes: [["receivable_id"], ["token_id"]],
  },
  {
    kind: "versioned",
    name: "receivable_paying_banks",
    key: ["obligor"],
    columns: { obligor: "bigint", bank: "bigint" },
  },
  {
    // Financing facts, in order: offers made and closed, discounts bought, pledges made, released and taken.
    kind: "append",
    name: "receivable_financing",
    columns: {
      receivable_id: "numeric",
      action: "text",
      kind: "text",
      offer_id: "numeric",
      token_id: "numeric",
      new_token_id: "numeric",
      account: "text",
      member_id: "bigint",
      value: "numeric",
      price: "numeric",
      payment_reference: "text",
      reason_hash: "text",
    },
    indexes: [["receivable_id"], ["token_id"], ["new_token_id"]],
  },
  {
    kind: "append",
    name: "receivable_redemptions",
    columns: {
      receivable_id: "numeric",
      token_id: "numeric",
      holder: "text",
      holder_member: "bigint",
      value: "numeric",
      payment_reference: "text",
    },
    indexes: [["receivable_id"], ["token_id"], ["holder_member"]],
  },
  {
    // Lifecycle facts of a receivable: registered, confirmed, rejected, cancelled, guaranteed, overdue, funded, ...
    kind: "append",
    name: "receivable_timeline",
    columns: {
      receivable_id: "numeric",
      action: "text",
      member_id: "bigint",
      account: "text",
      token_id: "numeric",
      amount: "numeric",
      hash: "text",
    },
    indexes: [["receivable_id"]],
  },
] as const satisfies readonly TableSpec[];

const name = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `Unknown(${String(value)})`;

const DOCUMENT_REF = {
  type: "tuple",
  components: [
    { name: "contentHash", type: "bytes32" },
    { name: "uriHash", type: "bytes32" },
    { name: "kind", type: "uint16" },
  ],
} as const;

interface DocumentRef {
  contentHash: Hex;
  uriHash: Hex;
  kind: number | bigint;
}

const documentJson = (d: DocumentRef) => ({ contentHash: d.contentHash, uriHash: d.uriHash, kind: Number(d.kind) });

/** keccak256(abi.encode(contractDoc, invoiceDoc, deliveryDoc)), as the desk stores it. */
export function documentsHash(contractDoc: DocumentRef, invoiceDoc: DocumentRef, deliveryDoc: DocumentRef): string {
  const asTuple = (d: DocumentRef) => ({ contentHash: d.contentHash, uriHash: d.uriHash, kind: Number(d.kind) });
  return keccak256(
    encodeAbiParameters(
      [DOCUMENT_REF, DOCUMENT_REF, DOCUMENT_REF],
      [asTuple(contractDoc), asTuple(invoiceDoc), asTuple(deliveryDoc)],
    ),
  );
}

/** bytes3 ISO code → "CNY" (hex kept when it is not printable ASCII). */
export function currencyCode(value: string): string {
  const hex = value.slice(2).replace(/(00)+$/, "");
  const text = Buffer.from(hex, "hex").toString("latin1");
  return /^[A-Z0-9]{1,3}$/.test(text) ? text : value;
}

async function memberOf(store: ProjectionStore, account: string): Promise<number | null> {
  const row = await store.get<{ member_id: number }>("accounts", { address: account });
  return row?.member_id ?? null;
}

async function update(store: ProjectionStore, table: string, key: Record<string, unknown>, changes: object) {
  const current = await store.get(table, key);
  if (current === undefined)
    throw new Error(
      `${table} ${JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))} changed before it was created`,
    );
  store.put(table, { ...current, ...changes });
  return current;
}

const setReceivable = (store: ProjectionStore, id: unknown, changes: object) =>
  update(store, "receivables", { receivable_id: id }, changes);
const setCertificate = (store: ProjectionStore, id: unknown, changes: object) =>
  update(store, "receivable_certificates", { token_id: id }, changes);
const setOffer = (store: ProjectionStore, kind: (typeof OFFER_KINDS)[number], id: unknown, changes: object) =>
  update(store, "receivable_offers", { kind, offer_id: id }, changes);

function timeline(store: ProjectionStore, receivableId: unknown, action: string, row: Record<string, unknown> = {}) {
  store.append("receivable_timeline", { receivable_id: receivableId, action, ...row });
}

// ------------------------------------------------------------------------------------------------ certificate

/** ERC-721 `Transfer`: mint creates the certificate, burn marks it redeemed, otherwise the holder changes. */
const onCertificateTransfer: EventHandler = async (e, store) => {
  const from = e.args.from as string;
  const to = e.args.to as string;
  const tokenId = e.args.tokenId as bigint;
  if (from === ZERO_ADDRESS) {
    store.put("receivable_certificates", {
      token_id: tokenId,
      receivable_id: null,
      parent_id: null,
      root_id: tokenId,
      tier: 1,
      holder: to,
      holder_member: await memberOf(store, to),
      value: 0n,
      locked: 0n,
      redeemed_value: null,
      status: "Live",
      created_block: e.blockNumber,
      created_tx: e.txHash,
    });
  } else if (to === ZERO_ADDRESS) {
    // The holder it was redeemed for stays on the row (the chain clears it): "Redeemed" tells them apart.
    await setCertificate(store, tokenId, { status: "Redeemed" });
  } else {
    await setCertificate(store, tokenId, { holder: to, holder_member: await memberOf(store, to) });
  }
};

/** ERC-3525 `TransferValue`: value leaves one certificate and enters another (0 = created / destroyed). */
const onTransferValue: EventHandler = async (e, store) => {
  const from = e.args._fromTokenId as bigint;
  const to = e.args._toTokenId as bigint;
  const value = e.args._value as bigint;
  if (from !== 0n) {
    const c = await store.get<{ value: string }>("receivable_certificates", { token_id: from });
    await setCertificate(store, from, {
      value: BigInt(c?.value ?? 0) - value,
      ...(to === 0n ? { redeemed_value: value } : {}),
    });
  }
  if (to !== 0n) {
    const c = await store.get<{ value: string }>("receivable_certificates", { token_id: to });
    await setCertificate(store, to, { value: BigInt(c?.value ?? 0) + value });
  }
};

const certificateHandlers = {
  Transfer: onCertificateTransfer,
  TransferValue: onTransferValue,
  SlotChanged: async (e, store) => {
    // Set at creation; cleared at redemption, where the row keeps its receivable for lineage.
    if ((e.args._oldSlot as bigint) === 0n)
      await setCertificate(store, e.args._tokenId, { receivable_id: e.args._newSlot });
  },
  CertificateDerived: async (e, store) => {
    const parentId = e.args.parentId as bigint;
    const parent =
      parentId === 0n
        ? undefined
        : await store.get<{ root_id: string }>("receivable_certificates", { token_id: parentId });
    await setCertificate(store, e.args.tokenId, {
      receivable_id: e.args.slot,
      parent_id: parentId === 0n ? null : parentId,
      root_id: parent?.root_id ?? e.args.tokenId,
      tier: Number(e.args.tier),
    });
  },
  ValueLocked: async (e, store) => void (await setCertificate(store, e.args.tokenId, { locked: e.args.locked })),
  ValueUnlocked: async (e, store) => void (await setCertificate(store, e.args.tokenId, { locked: e.args.locked })),
  Paused: onPaused,
  Unpaused: onUnpaused,
} satisfies Record<string, EventHandler>;

// ------------------------------------------------------------------------------------------------ desk

interface Terms {
  obligor: number | bigint;
  maturity: number | bigint;
  faceValue: bigint;
  currency: string;
  invoiceKey: string;
  contractDoc: DocumentRef;
  invoiceDoc: DocumentRef;
  deliveryDoc: DocumentRef;
}

async function receivableOfToken(store: ProjectionStore, tokenId: unknown): Promise<unknown> {
  const c = await store.get<{ receivable_id: string }>("receivable_certificates", { token_id: tokenId });
  return c?.receivable_id ?? null;
}

/** Closes a sign-off transfer or discount offer and logs it. */
async function closeOffer(
  store: ProjectionStore,
  kind: "transfer" | "discount",
  offerId: unknown,
  status: string,
  extra: {
    new_token_id?: unknown;
    account?: string;
    member_id?: number | null;
    payment_reference?: string;
    reason_hash?: string;
  },
) {
  const offer = await setOffer(store, kind, offerId, {
    status,
    new_token_id: extra.new_token_id ?? null,
    payment_reference: extra.payment_reference ?? null,
    reason_hash: extra.reason_hash ?? null,
  });
  store.append("receivable_financing", {
    receivable_id: offer.receivable_id,
    action: `${kind === "transfer" ? "Transfer" : "Discount"}${status}`,
    kind,
    offer_id: offerId,
    token_id: offer.token_id,
    new_token_id: extra.new_token_id ?? null,
    account: extra.account ?? null,
    member_id: extra.member_id ?? null,
    value: offer.value,
    price: offer.price,
    payment_reference: extra.payment_reference ?? null,
    reason_hash: extra.reason_hash ?? null,
  });
}

const deskHandlers = {
  ReceivableRegistered: (e, store) => {
    const t = e.args.terms as Terms;
    store.put("receivables", {
      receivable_id: e.args.receivableId,
      creditor: e.args.creditor,
      creditor_account: e.args.creditorAccount,
      obligor: e.args.obligor,
      guarantor: null,
      guarantor_account: null,
      status: "Registered",
      face_value: t.faceValue,
      currency: currencyCode(t.currency),
      maturity: t.maturity,
      invoice_key: t.invoiceKey,
      contract_doc: documentJson(t.contractDoc),
      invoice_doc: documentJson(t.invoiceDoc),
      delivery_doc: documentJson(t.deliveryDoc),
      documents_hash: documentsHash(t.contractDoc, t.invoiceDoc, t.deliveryDoc),
      root_token_id: null,
      direct: null,
      redeemed: 0n,
      escrowed: 0n,
      funded_by: null,
      reject_reason_hash: null,
      registered_block: e.blockNumber,
      registered_tx: e.txHash,
    });
    timeline(store, e.args.receivableId, "Registered", {
      member_id: e.args.creditor,
      account: e.args.creditorAccount,
      amount: t.faceValue,
    });
  },
  ReceivableConfirmed: async (e, store) => {
    await setReceivable(store, e.args.receivableId, {
      status: "Active",
      root_token_id: e.args.rootTokenId,
      direct: e.args.direct,
    });
    timeline(store, e.args.receivableId, e.args.direct === true ? "Issued" : "Confirmed", {
      member_id: e.args.obligor,
      account: e.args.obligorAccount,
      token_id: e.args.rootTokenId,
    });
  },
  ReceivableRejected: async (e, store) => {
    await setReceivable(store, e.args.receivableId, { status: "Rejected", reject_reason_hash: e.args.reasonHash });
    timeline(store, e.args.receivableId, "Rejected", { member_id: e.args.obligor, hash: e.args.reasonHash });
  },
  ReceivableCancelled: async (e, store) => {
    await setReceivable(store, e.args.receivableId, { status: "Cancelled" });
    timeline(store, e.args.receivableId, "Cancelled", { member_id: e.args.creditor });
  },
  ReceivableGuaranteed: async (e, store) => {
    await setReceivable(store, e.args.receivableId, {
      guarantor: e.args.guarantor,
      guarantor_account: e.args.guarantorAccount,
    });
    timeline(store, e.args.receivableId, "Guaranteed", {
      member_id: e.args.guarantor,
      account: e.args.guarantorAccount,
    });
  },
  PayingBankSet: (e, store) =>
    store.put("receivable_paying_banks", {
      obligor: e.args.obligor,
      bank: Number(e.args.bank) === 0 ? null : e.args.bank,
    }),
  ReceivableOverdue: async (e, store) => {
    await setReceivable(store, e.args.receivableId, { status: "Overdue" });
    timeline(store, e.args.receivableId, "Overdue", { amount: e.args.outstanding });
  },
  GuaranteeCalled: async (e, store) => {
    await setReceivable(store, e.args.receivableId, { status: "GuaranteeCalled" });
    timeline(store, e.args.receivableId, "GuaranteeCalled", {
      member_id: e.args.guarantor,
      account: e.args.holder,
      token_id: e.args.tokenId,
    });
  },
  ReceivableFunded: async (e, store) => {
    await setReceivable(store, e.args.receivableId, {
      status: "Funded",
      escrowed: e.args.amount,
      funded_by: e.args.payer,
    });
    timeline(store, e.args.receivableId, "Funded", {
      member_id: e.args.payer,
      account: e.args.payerAccount,
      amount: e.args.amount,
    });
  },
  CertificateRedeemed: async (e, store) => {
    const value = e.args.value as bigint;
    const fromEscrow = e.args.paymentReference === ZERO_HASH;
    const r = await store.get<{ redeemed: string; escrowed: string }>("receivables", {
      receivable_id: e.args.receivableId,
    });
    await setReceivable(store, e.args.receivableId, {
      redeemed: BigInt(r?.redeemed ?? 0) + value,
      escrowed: BigInt(r?.escrowed ?? 0) - (fromEscrow ? value : 0n),
    });
    store.append("receivable_redemptions", {
      receivable_id: e.args.receivableId,
      token_id: e.args.tokenId,
      holder: e.args.holder,
      holder_member: e.args.holderMember,
      value,
      payment_reference: fromEscrow ? null : e.args.paymentReference,
    });
  },
  ReceivableSettled: async (e, store) => {
    await setReceivable(store, e.args.receivableId, { status: "Settled" });
    timeline(store, e.args.receivableId, "Settled");
  },
  TransferOffered: async (e, store) => {
    const receivableId = await receivableOfToken(store, e.args.tokenId);
    const to = e.args.to as string;
    const member = await memberOf(store, to);
    store.put("receivable_offers", {
      kind: "transfer",
      offer_id: e.args.offerId,
      receivable_id: receivableId,
      token_id: e.args.tokenId,
      holder: e.args.from,
      counterparty_account: to,
      counterparty_member: member,
      value: e.args.value,
      price: null,
      deadline: e.args.deadline,
      status: "Pending",
      new_token_id: null,
      payment_reference: null,
      reason_hash: null,
      created_block: e.blockNumber,
    });
    store.append("receivable_financing", {
      receivable_id: receivableId,
      action: "TransferOffered",
      kind: "transfer",
      offer_id: e.args.offerId,
      token_id: e.args.tokenId,
      account: to,
      member_id: member,
      value: e.args.value,
    });
  },
  TransferOfferClosed: async (e, store) => {
    const status = name(OFFER_STATUSES, e.args.status);
    const newTokenId = e.args.newTokenId as bigint;
    await closeOffer(store, "transfer", e.args.offerId, status, {
      new_token_id: newTokenId === 0n ? null : newTokenId,
      reason_hash: e.args.reasonHash === ZERO_HASH ? undefined : (e.args.reasonHash as string),
    });
  },
  DiscountOffered: async (e, store) => {
    const receivableId = await receivableOfToken(store, e.args.tokenId);
    store.put("receivable_offers", {
      kind: "discount",
      offer_id: e.args.offerId,
      receivable_id: receivableId,
      token_id: e.args.tokenId,
      holder: e.args.holder,
      counterparty_account: null,
      counterparty_member: e.args.financier,
      value: e.args.value,
      price: e.args.price,
      deadline: e.args.deadline,
      status: "Pending",
      new_token_id: null,
      payment_reference: null,
      reason_hash: null,
      created_block: e.blockNumber,
    });
    store.append("receivable_financing", {
      receivable_id: receivableId,
      action: "DiscountOffered",
      kind: "discount",
      offer_id: e.args.offerId,
      token_id: e.args.tokenId,
      account: e.args.holder,
      member_id: e.args.financier,
      value: e.args.value,
      price: e.args.price,
    });
  },
  DiscountAccepted: async (e, store) => {
    const account = e.args.bankAccount as string;
    await closeOffer(store, "discount", e.args.offerId, "Accepted", {
      new_token_id: e.args.newTokenId,
      account,
      member_id: await memberOf(store, account),
      payment_reference: e.args.paymentReference === ZERO_HASH ? undefined : (e.args.paymentReference as string),
    });
    await setOffer(store, "discount", e.args.offerId, { counterparty_account: account });
  },
  DiscountOfferClosed: async (e, store) =>
    closeOffer(store, "discount", e.args.offerId, name(OFFER_STATUSES, e.args.status), {}),
  Pledged: async (e, store) => {
    const receivableId = await receivableOfToken(store, e.args.tokenId);
    store.put("receivable_offers", {
      kind: "pledge",
      offer_id: e.args.pledgeId,
      receivable_id: receivableId,
      token_id: e.args.tokenId,
      holder: e.args.holder,
      counterparty_account: null,
      counterparty_member: e.args.pledgee,
      value: e.args.value,
      price: null,
      deadline: e.args.dueDate,
      status: "Active",
      new_token_id: null,
      payment_reference: null,
      reason_hash: null,
      created_block: e.blockNumber,
    });
    store.append("receivable_financing", {
      receivable_id: receivableId,
      action: "Pledged",
      kind: "pledge",
      offer_id: e.args.pledgeId,
      token_id: e.args.tokenId,
      account: e.args.holder,
      member_id: e.args.pledgee,
      value: e.args.value,
    });
  },
  PledgeReleased: async (e, store) => {
    const p = await setOffer(store, "pledge", e.args.pledgeId, { status: "Released" });
    store.append("receivable_financing", {
      receivable_id: p.receivable_id,
      action: "PledgeReleased",
      kind: "pledge",
      offer_id: e.args.pledgeId,
      token_id: p.token_id,
      member_id: p.counterparty_member,
      value: p.value,
    });
  },
  PledgeTaken: async (e, store) => {
    const account = e.args.bankAccount as string;
    const p = await setOffer(store, "pledge", e.args.pledgeId, {
      status: "Taken",
      new_token_id: e.args.newTokenId,
      counterparty_account: account,
    });
    store.append("receivable_financing", {
      receivable_id: p.receivable_id,
      action: "PledgeTaken",
      kind: "pledge",
      offer_id: e.args.pledgeId,
      token_id: p.token_id,
      new_token_id: e.args.newTokenId,
      account,
      member_id: p.counterparty_member,
      value: p.value,
    });
  },
  Paused: onPaused,
  Unpaused: onUnpaused,
} satisfies Record<string, EventHandler>;

export default defineProjection({
  name: "receivables",
  contracts: { ReceivableDesk: ReceivableDesk__factory.abi, ReceivableCertificate: ReceivableCertificate__factory.abi },
  tables: RECEIVABLE_TABLES,
  migrations: [
    {
      id: "receivables/001_tables",
      sql: [
        ...RECEIVABLE_TABLES.map(createTableSql),
        // Historical ("asOf") reads of a receivable's tree and of a holder's certificates: the generated indexes
        // cover current rows only.
        "CREATE INDEX receivable_certificates_receivable_history ON receivable_certificates (receivable_id, valid_from_block)",
        "CREATE INDEX receivable_certificates_holder_history ON receivable_certificates (holder, valid_from_block)",
        "CREATE INDEX receivable_certificates_member_history ON receivable_certificates (holder_member, valid_from_block)",
      ].join(";\n"),
    },
  ],
  handlers: { ReceivableDesk: deskHandlers, ReceivableCertificate: certificateHandlers },
});
