/**
 * Public: verify an e-certificate with its file. The file is read and hashed (keccak-256, the SDK's `hashBytes`) in
 * this browser — it is never uploaded — and compared with the document hash the certificate records, through the API
 * and, when the console has a node, on chain (`ECertificates.verifyDocument`, a read through the SDK).
 */
import { useState, type DragEvent, type FormEvent } from "react";
import { hashBytes } from "@consortia/sdk/hashing";
import { ApiError } from "../api.js";
import { useFormatters } from "../amounts.js";
import { absoluteUrl } from "../config.js";
import { useApp } from "../context.js";
import { useI18n } from "../i18n.js";
import { errorMessage } from "../TxStatus.js";

interface Certificate {
  id: number;
  holderHash: string;
  documentHash: string;
  validity: string;
  validUntil: number | null;
  root: number;
  replacedBy: number | null;
}

interface Outcome {
  id: number;
  matches: boolean;
  validity: string;
  validUntil: number | null;
  latestId: string;
  onChain: boolean;
}

/** keccak-256 of a file's bytes, computed here. */
export async function hashFileInBrowser(file: Blob): Promise<string> {
  return hashBytes(new Uint8Array(await file.arrayBuffer()));
}

export function VerifyCertificate() {
  const { t } = useI18n();
  const { api, config } = useApp();
  const format = useFormatters();
  const [id, setId] = useState("");
  const [fileName, setFileName] = useState<string>();
  const [hash, setHash] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [over, setOver] = useState(false);

  async function take(file: File | undefined) {
    if (file === undefined) return;
    setFileName(file.name);
    setOutcome(undefined);
    setHash(await hashFileInBrowser(file));
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    void take(event.dataTransfer.files[0]);
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setOutcome(undefined);
    if (hash === undefined || !/^[1-9][0-9]*$/.test(id.trim())) return;
    const certificateId = Number(id.trim());
    try {
      const certificate = await api.get<Certificate>(`/ecertificates/${certificateId}`);
      let result: Outcome = {
        id: certificateId,
        matches: certificate.documentHash.toLowerCase() === hash.toLowerCase(),
        validity: certificate.validity,
        validUntil: certificate.validUntil,
        latestId: String(certificate.replacedBy ?? certificateId),
        onChain: false,
      };
      if (config.rpcUrl !== undefined) {
        // ethers and the SDK's clients load on first use (not in the main bundle).
        const [{ JsonRpcProvider }, { createConsortia }] = await Promise.all([
          import("ethers"),
          import("@consortia/sdk/client"),
        ]);
        const consortia = await createConsortia({
          runner: new JsonRpcProvider(absoluteUrl(config.rpcUrl)),
          deployment: config.deployment,
        });
        const chain = await consortia.dataSharing.certificates.verify(BigInt(certificateId), {
          holderHash: certificate.holderHash,
          documentHash: hash,
        });
        result = {
          ...result,
          matches: chain.matches === true,
          validity: chain.validity,
          latestId: String(chain.latestId),
          onChain: true,
        };
      }
      setOutcome(result);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 404
          ? t("certificate.notFound", { id: certificateId })
          : t("common.error", { message: errorMessage(failure) }),
      );
    }
  }

  return (
    <section aria-labelledby="certificate-title">
      <h2 id="certificate-title">{t("certificate.title")}</h2>
      <p>{t("certificate.intro")}</p>
      <form onSubmit={(event) => void verify(event)}>
        <p>
          <label htmlFor="certificate-id">{t("certificate.id")}</label>{" "}
          <input
            id="certificate-id"
            inputMode="numeric"
            value={id}
            onChange={(event) => setId(event.target.value)}
            autoComplete="off"
          />
        </p>
        <div
          className={`drop${over ? " over" : ""}`}
          onDragOver={(event) => {
            event.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <label htmlFor="certificate-file">{t("certificate.drop")}</label>
          <input id="certificate-file" type="file" onChange={(event) => void take(event.target.files?.[0])} />
          {fileName !== undefined && <p>{fileName}</p>}
        </div>
        {hash !== undefined && (
          <p>
            {t("certificate.hash")}: <code data-hash={hash}>{hash}</code>
          </p>
        )}
        <button type="submit" disabled={hash === undefined}>
          {t("certificate.verify")}
        </button>
      </form>
      <div aria-live="polite">
        {error !== undefined && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {outcome !== undefined && (
          <div className={outcome.matches ? "ok" : "warn"} data-matches={String(outcome.matches)}>
            <p>
              <strong>{t(outcome.matches ? "certificate.match" : "certificate.mismatch", { id: outcome.id })}</strong>
            </p>
            <dl>
              <dt>{t("certificate.validity")}</dt>
              <dd>{outcome.validity}</dd>
              {outcome.validUntil !== null && (
                <>
                  <dt>{t("certificate.validUntil")}</dt>
                  <dd>{format.date(outcome.validUntil)}</dd>
                </>
              )}
              <dt>{t("certificate.latest")}</dt>
              <dd>#{outcome.latestId}</dd>
              <dt>{t("certificate.onChain")}</dt>
              <dd>{t(outcome.onChain ? "guarantee.yes" : "guarantee.no")}</dd>
            </dl>
          </div>
        )}
      </div>
    </section>
  );
}
