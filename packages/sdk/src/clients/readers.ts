/**
 * Envelope readers from the registry: the members a deal names plus every active regulator (a reader of every
 * envelope by construction), each with the encryption key it published.
 */
import type { Hex } from "../bytes.js";
import type { Reader } from "../envelope.js";
import { MemberKind } from "../roles.js";
import type { ConsortiumRegistry } from "../typechain/platform/ConsortiumRegistry.js";

/** Active regulator members. */
export async function regulatorMembers(registry: ConsortiumRegistry): Promise<number[]> {
  const count = Number(await registry.memberCount());
  const records = await Promise.all(Array.from({ length: count }, (_, index) => registry.member(index + 1)));
  return records.flatMap((record, index) =>
    Number(record.kind) === MemberKind.Regulator && Number(record.status) === 1 ? [index + 1] : [],
  );
}

/** Envelope readers for member ids plus every active regulator, with their registry encryption keys. */
export async function envelopeReadersOf(registry: ConsortiumRegistry, memberIds: number[]): Promise<Reader[]> {
  const ids = [...new Set([...memberIds, ...(await regulatorMembers(registry))])];
  return Promise.all(
    ids.map(async (memberId) => {
      const record = await registry.member(memberId);
      if (record.status === 0n) throw new Error(`unknown member ${memberId}`);
      if (/^0x0{64}$/.test(record.encryptionKey)) {
        throw new Error(`member ${memberId} (${record.name}) published no encryption key in the registry`);
      }
      return { memberId, publicKey: record.encryptionKey as Hex };
    }),
  );
}
