/**
 * The allowance step of a deposit-token payment (its own module: the work queue in the main bundle uses it without
 * the form definitions and the hashing they import).
 */

/**
 * What the payer must approve for the spender before paying `amount`: 0n when the allowance already covers it, else
 * the whole amount (ERC-20 approve sets the allowance, it does not add to it).
 */
export function allowanceShortfall(allowance: bigint, amount: bigint): bigint {
  return allowance >= amount ? 0n : amount;
}
