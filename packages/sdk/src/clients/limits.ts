/**
 * Issuance limits of core enterprises (IssuanceLimits): each financing bank sets a limit for an obligor; once the
 * obligor is under limits (put there by itself or by a governance vote), the receivable desk refuses confirmations
 * beyond the limits of the obligor's banks in good standing.
 * Utilisation (confirmed, unredeemed value) is tracked for every obligor.
 */
import { IssuanceLimits__factory } from "../typechain/factories/receivables/IssuanceLimits__factory.js";
import type { IssuanceLimits } from "../typechain/receivables/IssuanceLimits.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

/** An obligor's limits: the banks' limits, their sum, what is used, and what may still be confirmed. */
export interface ObligorLimitsView {
  obligor: number;
  /** Whether the obligor is under limits (until then, confirmations are tracked, not limited). */
  limited: boolean;
  total: bigint;
  utilised: bigint;
  /** What may be confirmed now (banks in good standing only); undefined when not limited. */
  available: bigint | undefined;
  banks: { bank: number; limit: bigint }[];
}

/** Thrown before sending a confirmation the limits would refuse. */
export class IssuanceLimitError extends Error {
  override name = "IssuanceLimitError" as const;
  constructor(
    readonly limits: ObligorLimitsView,
    readonly requested: bigint,
  ) {
    super(
      `obligor ${limits.obligor} may confirm ${limits.available ?? 0n} more (limits ${limits.total}, used ` +
        `${limits.utilised}): ${requested} is beyond its banks' issuance limits`,
    );
  }
}

export type LimitsClient = ReturnType<typeof createLimitsClient>;

/** An obligor's limits, read from the contract. */
export async function obligorLimitsOf(contract: IssuanceLimits, obligor: number): Promise<ObligorLimitsView> {
  const [o, banks, available] = await Promise.all([
    contract.obligorLimits(obligor),
    contract.banksOf(obligor),
    contract.available(obligor),
  ]);
  const limits = await Promise.all(banks.map((bank) => contract.limitOf(obligor, bank)));
  return {
    obligor,
    limited: o.limited,
    total: o.total,
    utilised: o.utilised,
    available: o.limited ? available : undefined,
    banks: banks.map((bank, i) => ({ bank: Number(bank), limit: limits[i] })),
  };
}

function createLimitsClient(context: ClientContext) {
  const contract: IssuanceLimits = context.connect("IssuanceLimits", IssuanceLimits__factory);
  const limitsOf = (obligor: number) => obligorLimitsOf(contract, obligor);
  return {
    contract,
    address: context.address("IssuanceLimits"),
    /** The caller's bank sets its limit for a core enterprise (0 withdraws it). FINANCIER only. */
    setLimit: (obligor: number, limit: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.setLimit(obligor, limit), options),
    /**
     * The caller's core enterprise puts itself under its banks' limits (only a governance vote can take it out:
     * `registry.propose(limits.address, encodeFunctionData("enforceLimits", [obligor, false]), …)`).
     */
    enforce: (obligor: number, options?: SendOptions) =>
      context.send(contract, () => contract.enforceLimits(obligor, true), options),
    /** An obligor's limits, utilisation and banks. */
    limitsOf,
    /** One bank's limit for an obligor. */
    limitOf: (obligor: number, bank: number) => contract.limitOf(obligor, bank),
    /** What a record of an application (a receivable of the desk) used and has not released. */
    usedBy: (app: string, record: bigint) => contract.usedBy(app, record),
    /** Before sending a confirmation of `amount`: throws `IssuanceLimitError` when the limits would refuse it. */
    async requireAvailable(obligor: number, amount: bigint): Promise<void> {
      if ((await contract.available(obligor)) >= amount) return;
      throw new IssuanceLimitError(await limitsOf(obligor), amount);
    },
  };
}

export default defineClient({
  contracts: { IssuanceLimits: IssuanceLimits__factory },
  messages: {
    IssuanceNotSystemContract: (p) => `${p.caller} is not a suite application: only applications use limits`,
    IssuanceLimitExceeded: (p) =>
      `obligor ${p.obligor} may confirm ${p.available} more (used ${p.utilised}): ${p.requested} is beyond its banks' ` +
      `issuance limits`,
    IssuanceLimitBelowUtilisation: (p) =>
      `bank ${p.bank}'s change would leave obligor ${p.obligor} with limits ${p.totalAfter} below the ${p.utilised} ` +
      `it has outstanding`,
    IssuanceIneligibleObligor: (p) => `member ${p.obligor} is not an active core enterprise (RECEIVABLE_OBLIGOR)`,
    IssuanceTooManyBanks: (p) => `obligor ${p.obligor} already has ${p.max} banks with a limit`,
    IssuanceReleaseExceeds: (p) => `record ${p.record} of ${p.app} used ${p.used}, less than ${p.amount}`,
    IssuanceInvalid: (p) => `invalid ${p.field}`,
    IssuanceNotObligorOrGovernance: (p) =>
      `${p.caller} may not change whether obligor ${p.obligor} is under limits: the obligor itself may enter them, ` +
      `only a governance vote may do either`,
  },
  create: createLimitsClient,
});
