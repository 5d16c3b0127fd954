/** The deposit token: the consortium's permissioned settlement asset (ERC-20, 2 decimals). */
import { formatUnits, parseUnits } from "ethers";
import { DepositToken__factory } from "../typechain/factories/platform/DepositToken__factory.js";
import type { DepositToken } from "../typechain/platform/DepositToken.js";
import { defineClient, type ClientContext, type SendOptions } from "./define.js";

/** Thrown for an amount that is not a non-negative decimal with at most the token's decimals. */
export class InvalidAmountError extends Error {
  override name = "InvalidAmountError";
  constructor(
    readonly input: string,
    decimals: number,
  ) {
    super(`malformed amount "${input}": expected a positive decimal with at most ${decimals} decimals, e.g. 1250.50`);
  }
}

/**
 * Parses "1250.5" into minor units, strictly: no exponent, no sign, no excess decimals, no leading zero, and `_` only
 * as a single separator between digits of the whole part ("1_000", not "1__0", "_1" or "1_").
 */
export function parseAmount(input: string, decimals: number): bigint {
  const trimmed = input.trim();
  if (!/^(0|[1-9]\d*(_\d+)*)(\.\d+)?$/.test(trimmed)) throw new InvalidAmountError(input, decimals);
  const text = trimmed.replace(/_/g, "");
  const pattern = decimals === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`);
  if (!pattern.test(text)) throw new InvalidAmountError(input, decimals);
  return parseUnits(text, decimals);
}

/** Formats minor units with exactly `decimals` decimals: 125050n -> "1250.50". */
export function formatAmount(amount: bigint, decimals: number): string {
  const text = formatUnits(amount, decimals);
  if (decimals === 0) return text.replace(/\.0$/, "");
  const [whole, fraction = ""] = text.split(".");
  return `${whole}.${fraction.padEnd(decimals, "0")}`;
}

export type TokenClient = ReturnType<typeof createTokenClient>;

function createTokenClient(context: ClientContext) {
  const contract: DepositToken = context.connect("DepositToken", DepositToken__factory);
  let decimals: Promise<number> | undefined;
  const getDecimals = (): Promise<number> => (decimals ??= contract.decimals().then(Number));

  return {
    contract,
    address: context.address("DepositToken"),
    decimals: getDecimals,
    symbol: () => contract.symbol(),
    totalSupply: () => contract.totalSupply(),
    balanceOf: (account: string) => contract.balanceOf(account),
    /** Parses a human amount ("1250.50") with the token's decimals. */
    parse: async (amount: string) => parseAmount(amount, await getDecimals()),
    /** Formats minor units with the token's decimals. */
    format: async (amount: bigint) => formatAmount(amount, await getDecimals()),
    /** Issues deposits (issuing banks only). */
    mint: (to: string, amount: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.mint(to, amount), options),
    /** Burns deposits the calling issuing bank holds. */
    burn: (amount: bigint, options?: SendOptions) => context.send(contract, () => contract.burn(amount), options),
    transfer: (to: string, amount: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.transfer(to, amount), options),
    /** Lets an application contract pull `amount` for a DvP settlement step. */
    approve: (spender: string, amount: bigint, options?: SendOptions) =>
      context.send(contract, () => contract.approve(spender, amount), options),
    allowance: (owner: string, spender: string) => contract.allowance(owner, spender),
  };
}

export default defineClient({
  contracts: { DepositToken: DepositToken__factory },
  messages: {
    ERC20InsufficientBalance: (p) => `balance of ${p.sender} is ${p.balance}, ${p.needed} needed (minor units)`,
    ERC20InsufficientAllowance: (p) => `allowance of ${p.spender} is ${p.allowance}, ${p.needed} needed (minor units)`,
    ERC20InvalidReceiver: (p) => `invalid receiver ${p.receiver}`,
    ERC20InvalidSender: (p) => `invalid sender ${p.sender}`,
    EnforcedPause: () => "the application is paused by governance",
  },
  create: createTokenClient,
});
