/** Role bits of contracts/platform/libraries/Roles.sol and member kinds of IConsortiumRegistry. */
export const Roles = {
  VOTER: 1n << 0n,
  TOKEN_ISSUER: 1n << 1n,
  TOKEN_HOLDER: 1n << 2n,
  PAYMENT_BANK: 1n << 3n,
  CREDIT_REPORTER: 1n << 4n,
  CREDIT_QUERIER: 1n << 5n,
  DATA_OWNER: 1n << 6n,
  DATA_CONSUMER: 1n << 7n,
  CERTIFICATE_ISSUER: 1n << 8n,
  RECEIVABLE_OBLIGOR: 1n << 9n,
  RECEIVABLE_HOLDER: 1n << 10n,
  FINANCIER: 1n << 11n,
  LC_BANK: 1n << 12n,
  LC_TRADER: 1n << 13n,
  GUARANTOR: 1n << 14n,
  GUARANTEE_PARTY: 1n << 15n,
  FORFAITER: 1n << 16n,
  AUDITOR: 1n << 17n,
  TAX_AUTHORITY: 1n << 18n,
  CUSTOMS: 1n << 19n,
  COURT: 1n << 20n,
  BUSINESS_REGISTRY: 1n << 21n,
  WAREHOUSE: 1n << 22n,
  SYSTEM: 1n << 62n,
  MEMBER: 1n << 63n,
} as const;

export const MemberKind = {
  Bank: 1,
  Enterprise: 2,
  CreditAgency: 3,
  Government: 4,
  Regulator: 5,
  ServiceProvider: 6,
} as const;

export type MemberKindName = keyof typeof MemberKind;
export type RoleName = keyof typeof Roles;

/** Combines role names into the registry's role set. */
export function roleSet(...names: RoleName[]): bigint {
  return names.reduce((set, name) => set | Roles[name], 0n);
}
