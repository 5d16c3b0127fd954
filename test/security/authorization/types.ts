import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { BaseContract } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import type { TestMemberName } from "../../helpers/consortium.js";
import type { Suite, SuiteContracts } from "../../helpers/suite.js";

/** The kinds of caller every external state-changing function is tried with. */
export const CALLER_KINDS = [
  "outsider",
  "suspended",
  "blacklisted",
  "readOnly",
  "regulator",
  "noRole",
  "wrongMember",
  "right",
] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export const CALLER_LABELS: Record<CallerKind, string> = {
  outsider: "outsider",
  suspended: "suspended member",
  blacklisted: "blacklisted account",
  readOnly: "ReadOnly account",
  regulator: "regulator",
  noRole: "member without the role",
  wrongMember: "wrong member",
  right: "right member",
};

/** What a scenario hands the row runner: the call's arguments and, when not the right member's admin, its account. */
export interface Call {
  args: unknown[];
  /** The right caller's account (default: the admin account of the entry's member). */
  signer?: HardhatEthersSigner;
  /** Another instance to call (a fresh registry still in bootstrap, a certificate contract not yet bound). */
  target?: BaseContract;
}

export interface Context {
  suite: Suite;
  connection: NetworkConnection;
  /** A named state built once from the matrix's base state, then restored for every entry that asks for it. */
  state<T>(name: string, build: () => Promise<T>): Promise<T>;
}

/** Who may call a function. */
export type Party =
  /** An account of `member`, which must hold `role` (a role name of `Roles`, or "MEMBER" for any active member). */
  | {
      kind: "member";
      member: TestMemberName;
      role: string;
      /** A member without `role` (omit when any active member may call). */
      noRole?: TestMemberName;
      /** A member holding `role` that is not the party (omit when any holder of the role may call). */
      wrong?: TestMemberName;
    }
  /** Only the registry executing a passed proposal. */
  | { kind: "governance" }
  /** Only a suite contract (`who` names it), as part of its own step. */
  | { kind: "contract"; who: string; account: (ctx: Context) => Promise<string> }
  /** Only the deploying or bootstrapping account, once. */
  | { kind: "deployer"; who: string }
  /** No one, not even the deploying account (the right column tries it): a proxy's `initialize`, run at deployment. */
  | { kind: "nobody" };

/** A party named in an earlier step whose standing is checked (or, by rule, not checked) when the step executes. */
export interface EarlierParty {
  /** "offeror", "approved operator", "spender", "pledgor", "guarantor", "bidder", ... */
  role: string;
  member: TestMemberName;
  /** Whether the step still executes with that member suspended (a rule, explained in `note`). */
  allowedWhenSuspended: boolean;
  note?: string;
}

export interface Entry {
  contract: keyof SuiteContracts;
  /** Full signature, as the ABI spells it: `transferFrom(address,address,uint256)`. */
  signature: string;
  /** Who may call, in words. */
  rule: string;
  party: Party;
  /** Brings the suite to a state where the right caller's call succeeds; returns the call. */
  setup: (ctx: Context) => Promise<Call>;
  /** Caller kinds that legitimately succeed besides the right member (for example any member may expire). */
  allowed?: CallerKind[];
  earlier?: EarlierParty[];
}
