/** Validation of command-line values; every failure is a `UsageError` (exit code 2). */
import { getAddress } from "ethers";
import { MemberKind, Roles, type MemberKindName, type RoleName } from "../sdk/roles.js";
import { UsageError } from "./errors.js";

export function parseAddress(value: string, what = "address"): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value.trim()))
    throw new UsageError(`malformed ${what} "${value}": expected 0x and 40 hex digits`);
  try {
    return getAddress(value.trim());
  } catch {
    // a mixed-case address whose checksum is wrong: likely a typo
    throw new UsageError(`malformed ${what} "${value}": bad checksum (use all lower case to skip the check)`);
  }
}

export function parseBytes32(value: string, what = "hash"): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value.trim()))
    throw new UsageError(`malformed ${what} "${value}": expected 0x and 64 hex digits`);
  return value.trim().toLowerCase();
}

export function parseId(value: string, what = "id"): bigint {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`malformed ${what} "${value}": expected a positive integer`);
  const id = BigInt(value.trim());
  if (id === 0n) throw new UsageError(`malformed ${what} "${value}": ids start at 1`);
  return id;
}

const GRANTABLE = (Object.keys(Roles) as RoleName[]).filter((name) => name !== "MEMBER" && name !== "SYSTEM");

/** "VOTER,TOKEN_HOLDER" (any case, comma or space separated) -> role set. */
export function parseRoles(value: string): { set: bigint; names: RoleName[] } {
  const names = value
    .split(/[\s,|]+/)
    .filter((part) => part !== "")
    .map((part) => part.toUpperCase());
  if (names.length === 0) throw new UsageError("no roles given");
  for (const name of names) {
    if (!(GRANTABLE as string[]).includes(name)) {
      throw new UsageError(`unknown role "${name}": expected some of ${GRANTABLE.join(", ")}`);
    }
  }
  const typed = names as RoleName[];
  return {
    set: typed.reduce((set, name) => set | Roles[name], 0n),
    names: typed,
  };
}

export function parseKind(value: string): number {
  const match = (Object.keys(MemberKind) as MemberKindName[]).find(
    (name) => name.toLowerCase() === value.toLowerCase(),
  );
  if (match === undefined)
    throw new UsageError(`unknown member kind "${value}": expected one of ${Object.keys(MemberKind).join(", ")}`);
  return MemberKind[match];
}
