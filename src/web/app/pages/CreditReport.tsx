/**
 * A credit reporter's report, all of it prepared in the browser: the identifier and the consortium key become the
 * subject key here (the SDK's `credit.subjectKey`; neither is sent anywhere), the customer's consent / evidence file is
 * hashed here (only its hash goes on chain), and the details are sealed here for the regulator (the SDK's envelope,
 * to the registry's encryption keys, bound to the subject key). Only the envelope's hash and its content address go
 * on chain (`credit.report`); the sealed envelope is offered as a file for the member's payload store.
 */
import { useEffect, useState } from "react";
import { creditEnvelopeAad } from "@consortia/sdk/client";
import { hashBytes } from "@consortia/sdk/hashing";
import { useApp } from "../context.js";
import { shortHex } from "../format.js";
import { useTx } from "../hooks.js";
import { useI18n } from "../i18n.js";
import { DefinedForm } from "../TradeForm.js";
import { CREDIT_REPORT, type Values } from "../tradeForms.js";
import { useChainNow } from "./TradeActions.js";

type IdentifierKind = "uscc" | "resident-id" | "passport" | "other";

interface Reported {
  number: number;
  subjectKey: string;
  envelopeUrl: string;
  payloadHash: string;
}

export function CreditReportForm({ after }: { after?: () => Promise<void> }) {
  const { t } = useI18n();
  const { config } = useApp();
  const chainNow = useChainNow();
  const tx = useTx(after);
  const [reported, setReported] = useState<Reported>();
  useEffect(() => () => (reported === undefined ? undefined : URL.revokeObjectURL(reported.envelopeUrl)), [reported]);

  const submit = (v: Values) =>
    void tx.send(async (c, o) => {
      const subjectKey = c.credit.subjectKey({
        identifier: { kind: v.identifierKind as IdentifierKind, value: v.identifier as string },
        consortiumKey: v.consortiumKey as `0x${string}`,
      });
      // the sealing code (and its ciphers) loads with the first report only
      const { sealEnvelope, envelopeHash } = await import("@consortia/sdk/envelope");
      const { envelope } = await sealEnvelope({
        plaintext: new TextEncoder().encode(v.details as string),
        recipients: await c.credit.readers([]),
        associatedData: creditEnvelopeAad(subjectKey),
        suite: config.deployment.envelopeSuite ?? "standard",
      });
      const bytes = new TextEncoder().encode(JSON.stringify(envelope));
      const payloadHash = envelopeHash(envelope);
      const result = await c.credit.report(
        { subjectKey },
        v.subjectKind as "Company" | "Person",
        {
          category: v.category as "Default",
          severity: v.severity as number,
          expiresAt: v.expiresAt as number,
          evidenceHash: v.evidence as string,
          // a payload store addresses the bytes by their keccak-256
          payload: { payloadHash, payloadLocationHash: hashBytes(bytes) },
        },
        o,
      );
      setReported({
        number: result.number,
        subjectKey,
        payloadHash,
        envelopeUrl: URL.createObjectURL(new Blob([bytes], { type: "application/json" })),
      });
      return result;
    });

  return (
    <DefinedForm def={CREDIT_REPORT} chainNow={chainNow} state={tx.state} busy={tx.busy} onSubmit={submit}>
      {reported !== undefined && (
        <>
          <span />
          <p data-reported={reported.number} data-reported-key={reported.subjectKey}>
            {t("forms.reported", { number: reported.number, key: shortHex(reported.subjectKey) })}{" "}
            <a href={reported.envelopeUrl} download={`credit-envelope-${reported.payloadHash.slice(2, 14)}.json`}>
              {t("forms.envelope")}
            </a>
          </p>
        </>
      )}
    </DefinedForm>
  );
}
