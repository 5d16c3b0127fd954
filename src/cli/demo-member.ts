/**
 * `consortia --as <member>`: sign as a member of the local demo that `npm start` seeds, with its key from the Hardhat
 * test mnemonic (public, demo only). Refused on any chain but the local demo: a node of another chain id, or a chain
 * 1337 whose registry does not hold the demo member at the demo account (for instance `npm start --no-demo`).
 */
import { ConfigError, UsageError } from "./errors.js";

/** The chain id of `npm start`'s local chain (hardhat.config.ts). */
export const LOCAL_DEMO_CHAIN_ID = 1337;

/** The demo member named `reference`: its short key (`bankA`), registered name or short name, in any case. */
export async function demoMember(reference: string) {
  // Imported on use: deriving the thirteen demo accounts costs a PBKDF2 run that other commands need not pay.
  const { demoConsortium } = await import("../demo/consortium.js");
  const wanted = reference.trim().toLowerCase();
  const members = Object.values(demoConsortium());
  const found = members.find((member) =>
    [member.key, member.name, member.shortName].some((name) => name.toLowerCase() === wanted),
  );
  if (found === undefined) {
    throw new UsageError(
      `--as: no demo member "${reference}": expected one of ${members.map((member) => member.key).join(", ")} (or a member name)`,
    );
  }
  return found;
}

/**
 * The demo member's private key, once the node is known to be the local demo: chain 1337 with that member (same id,
 * same name) at that account.
 */
export async function demoSigningKey(
  reference: string,
  chainId: number,
  rpcUrl: string,
  memberAt: (account: string) => Promise<{ id: number; name: string } | undefined>,
): Promise<string> {
  const member = await demoMember(reference);
  if (chainId !== LOCAL_DEMO_CHAIN_ID) {
    throw new ConfigError(
      `--as works only on the local demo chain (chain id ${LOCAL_DEMO_CHAIN_ID}, npm start); the node at ${rpcUrl} is chain ${chainId}`,
    );
  }
  // Hardhat's accounts are the same on every local chain: the member there must be the demo's, by id and name.
  const registered = await memberAt(member.account);
  if (registered?.id !== member.memberId || registered.name !== member.name) {
    throw new ConfigError(
      `--as: ${member.name} (account ${member.account}) is not member ${member.memberId} on this chain: ` +
        "--as works only on the local demo that npm start seeds (not with --no-demo)",
    );
  }
  return member.privateKey;
}
