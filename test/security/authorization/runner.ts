import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract } from "ethers";
import { AccessLevel } from "../../helpers/suite.js";
import { CALLER_KINDS, type Call, type CallerKind, type Context, type Entry, type EarlierParty } from "./types.js";

/** A row's result: the call went through, was refused with the named error, or the caller kind does not apply. */
export type Outcome = "allowed" | "n/a" | { refused: string };

export interface EntryResult {
  entry: Entry;
  outcomes: Record<CallerKind, Outcome>;
  earlier: { party: EarlierParty; outcome: Outcome }[];
}

let freshAccounts = 0;

/** A funded account at a fresh address that the node lets us send from. */
async function impersonate(ctx: Context, address: string): Promise<HardhatEthersSigner> {
  const { networkHelpers, ethers } = ctx.connection;
  await networkHelpers.impersonateAccount(address);
  await networkHelpers.setBalance(address, 10n ** 21n);
  return ethers.getSigner(address);
}

/** The registry itself, as a passed proposal calls it. */
export async function governance(ctx: Context): Promise<HardhatEthersSigner> {
  return impersonate(ctx, await ctx.suite.registry.getAddress());
}

/** Acts as a suite contract (its own address) would inside one of its steps. */
export async function asContract(ctx: Context, address: string): Promise<HardhatEthersSigner> {
  return impersonate(ctx, address);
}

/** The name of the custom error (or reason) a failed call reverted with. */
export function revertName(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const custom = /custom error '(\w+)\(/.exec(message) ?? /custom error (\w+)\(/.exec(message);
  if (custom !== null) return custom[1];
  const reason = /reverted with reason string '([^']*)'/.exec(message);
  if (reason !== null) return `"${reason[1]}"`;
  if (/panic code/.test(message)) return "Panic";
  if (/without a reason/.test(message)) return "revert";
  throw error instanceof Error ? error : new Error(message);
}

async function attempt(ctx: Context, entry: Entry, call: Call, caller: HardhatEthersSigner): Promise<Outcome> {
  const target = (call.target ?? ctx.suite[entry.contract]) as BaseContract;
  try {
    const tx = await (target.connect(caller) as BaseContract).getFunction(entry.signature)(...call.args);
    await tx.wait();
    return "allowed";
  } catch (error) {
    return { refused: revertName(error) };
  }
}

/** The account a row calls from, after putting the right member in the row's standing; null when n/a. */
async function callerFor(
  ctx: Context,
  entry: Entry,
  call: Call,
  kind: CallerKind,
): Promise<HardhatEthersSigner | null> {
  const { suite } = ctx;
  const { accounts, ids } = suite;
  const party = entry.party;
  if (kind === "outsider") return suite.outsiders[suite.outsiders.length - 1];
  if (kind === "regulator") return accounts.regulator;
  if (party.kind !== "member") {
    if (kind === "right") {
      if (party.kind === "governance") return governance(ctx);
      if (party.kind === "contract") return asContract(ctx, await party.account(ctx));
      if (party.kind === "nobody") return suite.deployer;
      if (call.signer === undefined) throw new Error(`${entry.signature}: a deployer entry names its signer`);
      return call.signer;
    }
    // A member acting directly (not through a proposal, not as the contract): the most privileged one.
    if (kind === "wrongMember") return accounts.bankA;
    if (kind === "noRole") return accounts.supplier1;
    return null;
  }
  const right = call.signer ?? accounts[party.member];
  switch (kind) {
    case "right":
      return right;
    case "noRole":
      return party.noRole === undefined ? null : accounts[party.noRole];
    case "wrongMember":
      return party.wrong === undefined ? null : accounts[party.wrong];
    case "suspended":
      await (
        await governance(ctx)
      ).sendTransaction({
        to: await suite.registry.getAddress(),
        data: suite.registry.interface.encodeFunctionData("suspendMember", [ids[party.member]]),
      });
      return right;
    case "blacklisted":
      await suite.registry.connect(await governance(ctx)).blacklistAccount(right.address);
      return right;
    case "readOnly": {
      const address = `0x${(0xa0a0n * 2n ** 144n + BigInt(++freshAccounts)).toString(16).padStart(40, "0")}`;
      await suite.registry.connect(await governance(ctx)).addAccount(ids[party.member], address, AccessLevel.ReadOnly);
      return impersonate(ctx, address);
    }
  }
  return null;
}

/** Runs one entry: the setup once, then every caller kind and every earlier party from the same state. */
export async function runEntry(ctx: Context, entry: Entry): Promise<EntryResult> {
  const call = await entry.setup(ctx);
  const outcomes = {} as Record<CallerKind, Outcome>;
  const { networkHelpers } = ctx.connection;
  for (const kind of CALLER_KINDS) {
    const snapshot = await networkHelpers.takeSnapshot();
    try {
      const caller = await callerFor(ctx, entry, call, kind);
      outcomes[kind] = caller === null ? "n/a" : await attempt(ctx, entry, call, caller);
    } finally {
      await snapshot.restore();
    }
  }
  const earlier: EntryResult["earlier"] = [];
  for (const party of entry.earlier ?? []) {
    const snapshot = await networkHelpers.takeSnapshot();
    try {
      const gov = await governance(ctx);
      await ctx.suite.registry.connect(gov).suspendMember(ctx.suite.ids[party.member]);
      const caller = await callerFor(ctx, entry, call, "right");
      earlier.push({ party, outcome: await attempt(ctx, entry, call, caller!) });
    } finally {
      await snapshot.restore();
    }
  }
  return { entry, outcomes, earlier };
}

/** Why a result breaks the rules, or null: the right caller succeeds, every other caller is refused. */
export function violation(result: EntryResult): string | null {
  const { entry, outcomes } = result;
  if (entry.party.kind === "nobody") {
    const through = CALLER_KINDS.find((kind) => outcomes[kind] === "allowed");
    return through === undefined ? null : `${through} was allowed`;
  }
  if (outcomes.right !== "allowed") return `the right caller was refused: ${describe(outcomes.right)}`;
  for (const kind of CALLER_KINDS) {
    if (kind === "right") continue;
    const allowed = entry.allowed?.includes(kind) ?? false;
    if (allowed && outcomes[kind] !== "allowed") return `${kind} should be allowed, got ${describe(outcomes[kind])}`;
    if (!allowed && outcomes[kind] === "allowed") return `${kind} was allowed`;
  }
  for (const { party, outcome } of result.earlier) {
    if (party.allowedWhenSuspended !== (outcome === "allowed")) {
      return `with the ${party.role} (${party.member}) suspended: ${describe(outcome)}`;
    }
  }
  return null;
}

export function describe(outcome: Outcome): string {
  if (outcome === "allowed") return "allowed";
  if (outcome === "n/a") return "n/a";
  return outcome.refused;
}
