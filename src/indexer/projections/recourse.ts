import { RecourseClaims__factory } from "@consortia/sdk/typechain/factories/receivables/RecourseClaims__factory.js";
import {
  type ColumnType,
  createTableSql,
  defineProjection,
  type IndexedEvent,
  type ProjectionStore,
  type TableSpec,
} from "../projection.js";
import { RECEIVABLE_STATUSES } from "./receivables.js";

/** IRecourseClaims.OfferStatus, by index. */
export const RECOURSE_OFFER_STATUSES = ["None", "Pending", "Accepted", "Cancelled", "Expired"] as const;
/** IRecourseClaims.ClaimStatus, by index. */
export const RECOURSE_CLAIM_STATUSES = ["None", "Exercised", "Honoured", "Discharged"] as const;

/**
 * Discounting with or without recourse, and recourse down the lineage (RecourseClaims, issue 20): each offer of a
 * certificate to a bank, each sale recorded at acceptance (with `prior`, the sale the seller held by: the lineage
 * link), and each claim a holder exercised on its seller (Exercised, then Honoured, or Discharged when the obligor's
 * side paid the certificate since: migration recourse/002_discharge). Block times of the steps are
 * kept as the events' block times (null when the node gave none).
 */
export const RECOURSE_TABLES = [
  {
    kind: "versioned",
    name: "recourse_offers",
    key: ["offer_id"],
    columns: {
      offer_id: "numeric",
      status: "text",
      token_id: "numeric",
      financier: "bigint",
      holder: "text",
      holder_member: "bigint",
      value: "numeric",
      price: "numeric",
      with_recourse: "boolean",
      deadline: "bigint",
      sale_id: "numeric",
      offered_at: "bigint",
      closed_at: "bigint",
    },
    indexes: [["token_id"], ["financier"], ["holder_member"]],
  },
  {
    kind: "versioned",
    name: "recourse_sales",
    key: ["sale_id"],
    columns: {
      sale_id: "numeric",
      offer_id: "numeric",
      token_id: "numeric",
      receivable_id: "numeric",
      prior: "numeric",
      seller: "text",
      seller_member: "bigint",
      buyer: "text",
      buyer_member: "bigint",
      with_recourse: "boolean",
      value: "numeric",
      price: "numeric",
      claimed_value: "numeric",
      sold_at: "bigint",
    },
    indexes: [["token_id"], ["seller_member"], ["buyer_member"], ["prior"]],
  },
  {
    kind: "versioned",
    name: "recourse_claims",
    key: ["claim_id"],
    columns: {
      claim_id: "numeric",
      status: "text",
      sale_id: "numeric",
      token_id: "numeric",
      receivable_id: "numeric",
      holder: "text",
      holder_member: "bigint",
      seller_member: "bigint",
      value: "numeric",
      payer: "text",
      payer_member: "bigint",
      payer_prior: "numeric",
      exercised_at: "bigint",
      honoured_at: "bigint",
    },
    indexes: [["sale_id"], ["token_id"], ["holder_member"], ["seller_member"], ["status"]],
  },
] as const satisfies readonly TableSpec[];

/**
 * Migration recourse/002_discharge: a claim the obligor's side paid after it was exercised (certificate redeemed or
 * paid off chain, receivable funded or settled) is discharged by any member; its value leaves the sale's claimed value.
 */
const DISCHARGE_COLUMNS = {
  /** RecourseDischarged: the account that closed the claim. */
  discharged_by: "text",
  /** The certificate was paid (redeemed or paid off chain: no longer held by the claimant by the sale). */
  discharge_paid: "boolean",
  /** The receivable's status at the discharge (Funded, Settled; Overdue when only this certificate was paid). */
  discharge_receivable_status: "text",
  discharged_at: "bigint",
} as const satisfies Record<string, ColumnType>;

const DISCHARGE_MIGRATION = `ALTER TABLE recourse_claims ${Object.entries(DISCHARGE_COLUMNS)
  .map(([column, type]) => `ADD COLUMN ${column} ${type}`)
  .join(", ")}`;

const RECOURSE_TABLES_NOW = RECOURSE_TABLES.map((table) =>
  table.name === "recourse_claims" ? { ...table, columns: { ...table.columns, ...DISCHARGE_COLUMNS } } : table,
);

type Row = Record<string, unknown>;

const time = (e: IndexedEvent): number | null => e.blockTime ?? null;

async function update(store: ProjectionStore, table: string, key: Row, what: string, changes: Row): Promise<void> {
  const current = await store.get(table, key);
  if (current === undefined) throw new Error(`${what} changed before it was created`);
  store.put(table, { ...current, ...changes });
}

const updateOffer = (store: ProjectionStore, offerId: unknown, changes: Row): Promise<void> =>
  update(store, "recourse_offers", { offer_id: offerId }, `recourse offer ${String(offerId)}`, changes);

const updateClaim = (store: ProjectionStore, claimId: unknown, changes: Row): Promise<void> =>
  update(store, "recourse_claims", { claim_id: claimId }, `recourse claim ${String(claimId)}`, changes);

/** Moves sale `saleId`'s claimed value by `delta`; `what` ("claimed", "discharged") names the event in the error. */
async function addClaimedValue(store: ProjectionStore, saleId: unknown, delta: bigint, what: string): Promise<void> {
  const sale = await store.get("recourse_sales", { sale_id: saleId });
  if (sale === undefined) throw new Error(`recourse sale ${String(saleId)} ${what} before it was recorded`);
  store.put("recourse_sales", { ...sale, claimed_value: BigInt(String(sale.claimed_value)) + delta });
}

export default defineProjection({
  name: "recourse",
  contracts: { RecourseClaims: RecourseClaims__factory.abi },
  tables: RECOURSE_TABLES_NOW,
  migrations: [
    { id: "recourse/001_tables", sql: RECOURSE_TABLES.map(createTableSql).join(";\n") },
    { id: "recourse/002_discharge", sql: DISCHARGE_MIGRATION },
  ],
  handlers: {
    RecourseClaims: {
      RecourseOffered: (e, store) => {
        store.put("recourse_offers", {
          offer_id: e.args.offerId,
          status: "Pending",
          token_id: e.args.tokenId,
          financier: e.args.financier,
          holder: e.args.holder,
          holder_member: e.args.holderMember,
          value: e.args.value,
          price: e.args.price,
          with_recourse: e.args.withRecourse,
          deadline: e.args.deadline,
          sale_id: null,
          offered_at: time(e),
          closed_at: null,
        });
      },
      RecourseOfferClosed: (e, store) =>
        updateOffer(store, e.args.offerId, {
          status: RECOURSE_OFFER_STATUSES[Number(e.args.status)] ?? `Unknown(${String(e.args.status)})`,
          closed_at: time(e),
        }),
      RecourseSaleRecorded: async (e, store) => {
        const s = e.args.sale as Row;
        store.put("recourse_sales", {
          sale_id: e.args.saleId,
          offer_id: e.args.offerId,
          token_id: e.args.tokenId,
          receivable_id: e.args.receivableId,
          prior: s.prior,
          seller: s.seller,
          seller_member: s.sellerMember,
          buyer: s.buyer,
          buyer_member: s.buyerMember,
          with_recourse: s.withRecourse,
          value: s.value,
          price: s.price,
          claimed_value: s.claimedValue,
          sold_at: time(e),
        });
        await updateOffer(store, e.args.offerId, {
          status: "Accepted",
          sale_id: e.args.saleId,
          closed_at: time(e),
        });
      },
      RecourseExercised: async (e, store) => {
        store.put("recourse_claims", {
          claim_id: e.args.claimId,
          status: "Exercised",
          sale_id: e.args.saleId,
          token_id: e.args.tokenId,
          receivable_id: e.args.receivableId,
          holder: e.args.holder,
          holder_member: e.args.holderMember,
          seller_member: e.args.sellerMember,
          value: e.args.value,
          payer: null,
          payer_member: null,
          payer_prior: null,
          exercised_at: time(e),
          honoured_at: null,
          discharged_by: null,
          discharge_paid: null,
          discharge_receivable_status: null,
          discharged_at: null,
        });
        // The sale's claimed value grows at each exercise (RecourseClaims adds the claim's value to it).
        await addClaimedValue(store, e.args.saleId, e.args.value as bigint, "claimed");
      },
      RecourseHonoured: (e, store) =>
        updateClaim(store, e.args.claimId, {
          status: "Honoured",
          payer: e.args.payer,
          payer_member: e.args.payerMember,
          payer_prior: e.args.prior,
          honoured_at: time(e),
        }),
      RecourseDischarged: async (e, store) => {
        await updateClaim(store, e.args.claimId, {
          status: "Discharged",
          discharged_by: e.args.caller,
          discharge_paid: e.args.paid,
          discharge_receivable_status:
            RECEIVABLE_STATUSES[Number(e.args.receivableStatus)] ?? `Unknown(${String(e.args.receivableStatus)})`,
          discharged_at: time(e),
        });
        // The claim's value leaves the sale's claimed value (RecourseClaims releases it).
        await addClaimedValue(store, e.args.saleId, -(e.args.value as bigint), "discharged");
      },
    },
  },
});
