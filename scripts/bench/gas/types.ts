import type { NetworkConnection } from "hardhat/types/network";

/** One measured business step of the gas benchmark. */
export interface GasRow {
  /** Application (registry, token, receivables, letters-of-credit, ...). */
  app: string;
  /** The business step, in the users' words ("split to a new holder"). */
  step: string;
  /** Gas used by the step's transaction (receipt.gasUsed). */
  gas: bigint;
  /** The ceiling for this step, where it sets one. */
  target?: bigint;
  /** A reference implementation measured in the same run, for comparison. */
  reference?: { name: string; gas: bigint };
}

/** Each application's benchmark module exports one of these as `measure`. */
export type MeasureGas = (connection: NetworkConnection) => Promise<GasRow[]>;

/** Gas used by a sent transaction. */
export async function gasOf(tx: { wait(): Promise<{ gasUsed: bigint } | null> }): Promise<bigint> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("transaction was dropped");
  return receipt.gasUsed;
}
