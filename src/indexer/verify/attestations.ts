import { AuthorityAttestations__factory } from "@consortia/sdk/typechain/factories/attestations/AuthorityAttestations__factory.js";
import { ATTESTATION_KINDS, FINANCING_APPLICATIONS } from "../projections/attestations.js";
import { currencyCode } from "../projections/receivables.js";
import { asOf, counted, deployed, reader, rowByRow, type Check } from "./check.js";

/** As viem decodes it: integers up to 48 bits as numbers, wider ones as bigints. */
interface AttestationView {
  kind: number;
  attester: number;
  validFrom: number;
  validUntil: number;
  revokedAt: number;
  factDate: number;
  amount: bigint;
  currency: string;
  account: string;
  subjectKey: string;
  evidenceHash: string;
}

export const ATTESTATION_CHECKS: readonly Check[] = [
  {
    name: "authority attestations and financing policies",
    tables: ["attestations", "financing_policies"],
    async run(ctx) {
      if (!deployed(ctx, "AuthorityAttestations")) return [];
      const call = reader(ctx, "AuthorityAttestations", AuthorityAttestations__factory.abi);
      const attestations = await asOf(ctx, "t.*", "attestations");
      const policies = await asOf(ctx, "t.*", "financing_policies");
      return [
        await counted("attestationCount", attestations, call("attestationCount")),
        ...(await rowByRow<AttestationView>(
          attestations,
          (a) => call("attestation", [a.attestation_id]),
          (a) => `attestation ${String(a.attestation_id)}`,
          (a, c) => [
            ["kind", a.kind, ATTESTATION_KINDS[Number(c.kind)]],
            ["attester", a.attester, c.attester],
            ["account", a.account, c.account],
            ["subjectKey", a.subject_key, c.subjectKey],
            ["evidenceHash", a.evidence_hash, c.evidenceHash],
            ["validFrom", a.valid_from, c.validFrom],
            ["validUntil", a.valid_until, c.validUntil],
            ["factDate", a.fact_date, c.factDate],
            ["amount", a.amount, c.amount],
            ["currency", a.currency ?? "", BigInt(c.amount) === 0n ? "" : currencyCode(c.currency)],
            ["revoked", a.revoked, BigInt(c.revokedAt) !== 0n],
          ],
        )),
        ...(await rowByRow<bigint>(
          policies,
          (p) => call("policyOf", [p.bank, FINANCING_APPLICATIONS.indexOf(p.application as "None")]),
          (p) => `financing policy of bank ${String(p.bank)} for ${String(p.application)}`,
          (p, c) => [["kinds", p.kinds, c]],
        )),
      ];
    },
  },
];

export const ATTESTATION_GAPS: Readonly<Record<string, string>> = {
  "attestations.supersedes/superseded_by/revoked_block/revoked_by_governance/revoke_reason_hash/attested_block/attested_tx":
    "the attestation view keeps the revocation time only; supersession is the subject's latest pointer (events only)",
  "financing_policies.account/kind_names": "the policy view is the kind set only (compared); the account is in events",
};
