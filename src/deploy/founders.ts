import { readFile } from "node:fs/promises";
import { getAddress } from "ethers";
import { z } from "zod";
import { MemberKind, type RoleName, Roles, roleSet } from "@consortia/sdk";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex value");
const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "an address")
  .transform((value) => getAddress(value.toLowerCase()));
const grantableRoles = Object.keys(Roles).filter((name) => name !== "MEMBER" && name !== "SYSTEM") as [
  RoleName,
  ...RoleName[],
];

/** A founding member as the bootstrap seeds it. */
export const founderSchema = z.object({
  kind: z.enum(Object.keys(MemberKind) as [keyof typeof MemberKind, ...(keyof typeof MemberKind)[]]),
  name: z.string().min(1),
  /** Keyed hash of the organisation's registration number (SDK: deriveSubjectKey, kind "uscc"). */
  registrationHash: bytes32,
  /**
   * Public key for payloads shared with the member (SDK: generateEncryptionKeyPair): X25519, or with the "gm" envelope
   * suite the x coordinate of an SM2 key (generateEncryptionKeyPair("gm")).
   */
  encryptionKey: bytes32,
  roles: z.array(z.enum(grantableRoles)),
  /** The member's first admin account. */
  admin: address,
});

/** The founders file: who the consortium starts with and the approvals a proposal needs. */
export const foundersSchema = z.object({
  threshold: z.number().int().positive(),
  members: z.array(founderSchema).min(1),
});

export type Founder = z.infer<typeof founderSchema>;
export type Founders = z.infer<typeof foundersSchema>;

/** Reads and validates a founders file. */
export async function readFounders(path: string): Promise<Founders> {
  const parsed = foundersSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success) throw new Error(`invalid founders file ${path}: ${parsed.error.message}`);
  return parsed.data;
}

/** The registry calls bootstrap needs; typed structurally so ethers and TypeChain contracts both fit. */
export interface BootstrapRegistry {
  threshold(): Promise<bigint>;
  memberOf(account: string): Promise<bigint>;
  bootstrapMember(
    kind: number,
    name: string,
    registrationHash: string,
    encryptionKey: string,
    roles: bigint,
    admin: string,
  ): Promise<{ wait(): Promise<unknown> }>;
  endBootstrap(threshold: number): Promise<{ wait(): Promise<unknown> }>;
}

export interface BootstrapResult {
  /** Members seeded by this run (a re-run seeds only those not yet present). */
  seeded: string[];
  /** Whether this run ended bootstrap (false if it had ended before). */
  ended: boolean;
}

/**
 * Seeds the founders and ends bootstrap. Idempotent: founders whose admin account is already registered are skipped,
 * and nothing happens once bootstrap has ended (a non-zero threshold).
 */
export async function bootstrapConsortium(registry: BootstrapRegistry, founders: Founders): Promise<BootstrapResult> {
  if ((await registry.threshold()) !== 0n) return { seeded: [], ended: false };
  const seeded: string[] = [];
  for (const founder of founders.members) {
    if ((await registry.memberOf(founder.admin)) !== 0n) continue;
    const tx = await registry.bootstrapMember(
      MemberKind[founder.kind],
      founder.name,
      founder.registrationHash,
      founder.encryptionKey,
      roleSet(...founder.roles),
      founder.admin,
    );
    await tx.wait();
    seeded.push(founder.name);
  }
  await (await registry.endBootstrap(founders.threshold)).wait();
  return { seeded, ended: true };
}
