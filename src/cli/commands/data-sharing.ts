/**
 * `consortia dataset ...` (catalogue, grants, delegation, the access trail) and `consortia certificate ...`
 * (e-certificates: issue, verify, replace, revoke).
 */
import type { Command } from "commander";
import type { ContractTransactionReceipt } from "ethers";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import {
  CLASSIFICATION,
  DuplicateFileError,
  fileTree,
  type ClassificationName,
  type Consortia,
  type FileTree,
} from "@consortia/sdk";
import { GatewayConfigError } from "../../gateway/errors.js";
import { readStore } from "../../gateway/store.js";
import { signer as traceSigner, traceLeak } from "../../gateway/trace.js";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { NotFoundError, readFound } from "../found.js";
import { details, table } from "../output.js";
import {
  collect,
  formatDate,
  parseAddress,
  parseBytes32,
  parseCount,
  parseDate,
  parseHash,
  parseId,
  parseKind,
  parseOptionalHash,
  parseRoles,
} from "../parse.js";
import { memberIdOf, printed } from "./parties.js";
import { progress } from "./shared.js";

const MAX_UINT64 = (1n << 64n) - 1n;

/** A field mask or scope: decimal, `0x` hex, or `bits:0,1,5` (the field numbers). */
export function parseMask(value: string, what = "scope"): bigint {
  const text = value.trim();
  let mask: bigint;
  if (text.startsWith("bits:")) {
    mask = 0n;
    for (const bit of text.slice(5).split(",")) {
      if (!/^\d+$/.test(bit.trim()) || Number(bit) > 63)
        throw new UsageError(`malformed ${what} "${value}": field numbers 0..63 expected after bits:`);
      mask |= 1n << BigInt(bit.trim());
    }
  } else if (/^(0x[0-9a-fA-F]+|\d+)$/.test(text)) {
    mask = BigInt(text);
  } else {
    throw new UsageError(`malformed ${what} "${value}": expected a number, 0x hex or bits:0,1,5`);
  }
  if (mask === 0n || mask > MAX_UINT64) throw new UsageError(`${what} ${value} is not a non-empty 64-bit mask`);
  return mask;
}

function parseClassification(value: string): ClassificationName {
  const match = CLASSIFICATION.find((name) => name.toLowerCase() === value.trim().toLowerCase());
  if (match === undefined)
    throw new UsageError(`unknown classification "${value}": expected ${CLASSIFICATION.join(", ").toLowerCase()}`);
  return match;
}

function parseProof(value: string | undefined): Promise<string[]> {
  if (value === undefined || value.trim() === "") return Promise.resolve([]);
  return Promise.all(value.split(",").map((hash) => parseHash(hash, "proof hash")));
}

/** Datasets, grants and certificates never created have status None. */
const exists = (record: { status: string }): boolean => record.status !== "None";

export function register(program: Command, cli: () => Cli): void {
  const signed = () => cli().consortia({ sign: true });
  const dataset = program.command("dataset").description("data sharing: datasets, grants, the access trail");
  registerData(program, cli);

  dataset
    .command("register")
    .requiredOption("--content <hash>", "hash of the file, or Merkle root of the files (with --merkle)")
    .option("--merkle", "the content hash is a Merkle root")
    .requiredOption("--metadata <hash>", "hash of the canonical metadata document (lists the fields)")
    .requiredOption("--classification <level>", "public, internal, confidential or secret")
    .requiredOption("--fields <mask>", "field mask: one bit per field (number, 0x hex or bits:0,1,2)")
    .description("register a dataset with its version 1 (owner, DATA_OWNER)")
    .action(
      async (options: {
        content: string;
        merkle?: boolean;
        metadata: string;
        classification: string;
        fields: string;
      }) => {
        const contentHash = await parseHash(options.content, "content hash");
        const metadataHash = await parseHash(options.metadata, "metadata hash");
        const classification = parseClassification(options.classification);
        const fieldMask = parseMask(options.fields, "field mask");
        const consortia = await signed();
        const { datasetId, receipt } = await consortia.dataSharing.registerDataset(
          {
            contentHash,
            hashKind: options.merkle === true ? "MerkleRoot" : "ContentHash",
            metadataHash,
            classification,
            fieldMask,
          },
          progress(cli(), "register dataset"),
        );
        printed(cli(), receipt, { datasetId, version: 1 }, `registered dataset ${datasetId} (version 1)`);
      },
    );
  dataset
    .command("version")
    .argument("<dataset>", "dataset id")
    .requiredOption("--content <hash>", "hash of the file, or Merkle root (with --merkle)")
    .option("--merkle", "the content hash is a Merkle root")
    .requiredOption("--metadata <hash>", "hash of the metadata document")
    .description("publish a new version (owner)")
    .action(async (idText: string, options: { content: string; merkle?: boolean; metadata: string }) => {
      const datasetId = parseId(idText, "dataset id");
      const contentHash = await parseHash(options.content, "content hash");
      const metadataHash = await parseHash(options.metadata, "metadata hash");
      const consortia = await signed();
      const { version, receipt } = await consortia.dataSharing.publishVersion(
        datasetId,
        { contentHash, hashKind: options.merkle === true ? "MerkleRoot" : "ContentHash", metadataHash },
        progress(cli(), `publish a version of dataset ${datasetId}`),
      );
      printed(cli(), receipt, { datasetId, version }, `published version ${version} of dataset ${datasetId}`);
    });
  dataset
    .command("tree")
    .argument("<files...>", "the files of one version (each once)")
    .option("--out <manifest>", "write a gateway manifest with each file's proof (paths relative to it)")
    .option("--dataset <id>", "dataset id for the manifest entries")
    .option("--version <n>", "version number for the manifest entries")
    .option("--content-type <type>", "content type of the served files", "application/octet-stream")
    .description("Merkle root of a version's files (register it with --merkle) and the proofs the gateway needs")
    .action(
      async (paths: string[], options: { out?: string; dataset?: string; version?: string; contentType: string }) => {
        if ((options.dataset === undefined) !== (options.version === undefined))
          throw new UsageError("--dataset and --version go together (the gateway serves one version's files)");
        const entry =
          options.dataset === undefined
            ? {}
            : {
                datasetId: parseId(options.dataset, "dataset id").toString(),
                version: parseCount(options.version!, "version", 2 ** 32 - 1),
              };
        const hashes = await Promise.all(paths.map((path) => parseHash(`file:${path}`, `file ${path}`)));
        let tree: FileTree;
        try {
          tree = fileTree(hashes);
        } catch (error) {
          if (error instanceof DuplicateFileError)
            throw new UsageError(`${error.message}: ${paths.join(", ")} must be different files`);
          throw error;
        }
        const base = options.out === undefined ? process.cwd() : dirname(resolve(options.out));
        const files = paths.map((path, i) => ({
          ...entry,
          path: relative(base, resolve(path)),
          contentType: options.contentType,
          fileHash: tree.fileHashes[i],
          proof: tree.proof(tree.fileHashes[i]),
        }));
        if (options.out !== undefined) {
          await mkdir(base, { recursive: true });
          await writeFile(options.out, `${JSON.stringify({ root: tree.root, files }, null, 2)}\n`);
        }
        cli().out.result({ root: tree.root, files, ...(options.out === undefined ? {} : { out: options.out }) }, () =>
          [
            `root ${tree.root} (${paths.length} file${paths.length === 1 ? "" : "s"}; register it with --content ${tree.root} --merkle)`,
            table(files.map(({ path, fileHash, proof }) => ({ path, fileHash, proof: proof.length }))),
            ...(options.out === undefined ? [] : [`wrote ${options.out}`]),
          ].join("\n"),
        );
      },
    );
  dataset
    .command("verify")
    .argument("<dataset>", "dataset id")
    .argument("<version>", "version number")
    .argument("<file>", "the file's hash: 0x…, file:<path> (hashes the file) or json:<path>")
    .option("--proof <hashes>", "Merkle proof, comma-separated (for a Merkle-root version)")
    .description("check that a file is the registered content of a version (no key needed)")
    .action(async (idText: string, versionText: string, fileText: string, options: { proof?: string }) => {
      const datasetId = parseId(idText, "dataset id");
      const version = parseCount(versionText, "version", 2 ** 32 - 1);
      const fileHash = await parseHash(fileText, "file hash");
      const proof = await parseProof(options.proof);
      const consortia = await cli().consortia();
      // An unknown dataset or version is "not found" (exit 2), not a file that DOES NOT MATCH.
      const record = await readFound("dataset", datasetId, () => consortia.dataSharing.dataset(datasetId), exists);
      if (version < 1 || version > record.latestVersion)
        throw new NotFoundError(`dataset ${datasetId} version`, String(version));
      const matches =
        options.proof === undefined
          ? await consortia.dataSharing.verifyFile(datasetId, version, fileHash)
          : await consortia.dataSharing.verifyFileInTree(datasetId, version, fileHash, proof);
      cli().out.result({ datasetId, version, fileHash, matches }, () =>
        matches
          ? `MATCHES dataset ${datasetId} version ${version}`
          : `DOES NOT MATCH dataset ${datasetId} version ${version}`,
      );
    });
  dataset
    .command("request")
    .argument("<dataset>", "dataset id")
    .requiredOption("--purpose <hash>", "hash of the canonical purpose statement")
    .requiredOption("--scope <mask>", "fields asked for (number, 0x hex or bits:0,1)")
    .description("ask for access (consumer, DATA_CONSUMER); a matching auto-grant policy grants at once")
    .action(async (idText: string, options: { purpose: string; scope: string }) => {
      const datasetId = parseId(idText, "dataset id");
      const purpose = await parseHash(options.purpose, "purpose hash");
      const scope = parseMask(options.scope);
      const consortia = await signed();
      const { grantId, granted, receipt } = await consortia.dataSharing.requestAccess(
        datasetId,
        purpose,
        scope,
        progress(cli(), `request access to dataset ${datasetId}`),
      );
      printed(
        cli(),
        receipt,
        { grantId, granted },
        granted ? `grant ${grantId}: granted at once by the dataset's policy` : `grant ${grantId}: awaits the owner`,
      );
    });

  const grantTerms = (command: Command) =>
    command
      .requiredOption("--scope <mask>", "fields granted (number, 0x hex or bits:0,1)")
      .requiredOption("--expires <date>", "when the grant ends")
      .option("--may-delegate", "the grantee may pass access on");
  const parseGrantTerms = async (options: { scope: string; expires: string; mayDelegate?: boolean }) => ({
    scope: parseMask(options.scope),
    expiresAt: await parseDate(options.expires, "expiry", cli().chainTime),
    mayDelegate: options.mayDelegate === true,
  });
  type GrantOptions = { scope: string; expires: string; mayDelegate?: boolean; purpose?: string };

  grantTerms(dataset.command("grant").argument("<grant>", "the request's grant id"))
    .description("grant a request, possibly narrowing the scope (owner)")
    .action(async (idText: string, options: GrantOptions) => {
      const grantId = parseId(idText, "grant id");
      const terms = await parseGrantTerms(options);
      const consortia = await signed();
      const receipt = await consortia.dataSharing.grantAccess(grantId, terms, progress(cli(), `grant ${grantId}`));
      printed(cli(), receipt, { grantId }, `granted ${grantId} until ${formatDate(terms.expiresAt)}`);
    });
  grantTerms(dataset.command("grant-direct").argument("<dataset>", "dataset id").argument("<grantee>", "member"))
    .requiredOption("--purpose <hash>", "hash of the purpose statement")
    .description("grant a member access without a request (owner)")
    .action(async (idText: string, granteeText: string, options: GrantOptions) => {
      const datasetId = parseId(idText, "dataset id");
      const purpose = await parseHash(options.purpose ?? "", "purpose hash");
      const terms = await parseGrantTerms(options);
      const consortia = await signed();
      const grantee = await memberIdOf(consortia, granteeText);
      const { grantId, receipt } = await consortia.dataSharing.grantDirect(
        datasetId,
        grantee,
        purpose,
        terms,
        progress(cli(), `grant dataset ${datasetId} to member ${grantee}`),
      );
      printed(cli(), receipt, { grantId }, `granted dataset ${datasetId} to member ${grantee}: grant ${grantId}`);
    });
  grantTerms(dataset.command("delegate").argument("<grant>", "your grant id").argument("<grantee>", "member"))
    .description("pass access on within your grant's scope and expiry (grantee whose grant allows it)")
    .action(async (idText: string, granteeText: string, options: GrantOptions) => {
      const parentId = parseId(idText, "grant id");
      const terms = await parseGrantTerms(options);
      const consortia = await signed();
      const grantee = await memberIdOf(consortia, granteeText);
      const { grantId, receipt } = await consortia.dataSharing.delegateAccess(
        parentId,
        grantee,
        terms,
        progress(cli(), `delegate grant ${parentId}`),
      );
      printed(
        cli(),
        receipt,
        { grantId, parentId },
        `delegated grant ${parentId} to member ${grantee}: grant ${grantId}`,
      );
    });

  const reasonStep = (
    name: string,
    description: string,
    run: (consortia: Consortia, id: bigint, reason: string, label: string) => Promise<ContractTransactionReceipt>,
    done: string,
  ) =>
    dataset
      .command(name)
      .argument("<grant>", "grant id")
      .option("--reason <hash>", "hash of the reasons")
      .description(description)
      .action(async (idText: string, options: { reason?: string }) => {
        const grantId = parseId(idText, "grant id");
        const reason = await parseOptionalHash(options.reason, "reason");
        const consortia = await signed();
        const receipt = await run(consortia, grantId, reason, `${name} grant ${grantId}`);
        printed(cli(), receipt, { grantId }, `${done} grant ${grantId}`);
      });
  reasonStep(
    "refuse",
    "refuse a request (owner)",
    (c, id, reason, label) => c.dataSharing.refuseAccess(id, reason, progress(cli(), label)),
    "refused",
  );
  reasonStep(
    "revoke",
    "revoke a grant and everything delegated from it (owner, delegator or grantee)",
    (c, id, reason, label) => c.dataSharing.revokeAccess(id, reason, progress(cli(), label)),
    "revoked",
  );

  dataset
    .command("policy")
    .argument("<dataset>", "dataset id")
    .requiredOption("--kinds <kinds>", "member kinds granted at once, comma-separated (Government,Bank), or none")
    .option("--roles <roles>", "roles the requester must all hold", "DATA_CONSUMER")
    .option("--max-scope <mask>", "largest scope granted at once")
    .option("--days <days>", "days a policy grant lasts", "30")
    .option("--may-delegate", "policy grants may be delegated")
    .option(
      "--purpose <hash>",
      "a purpose granted at once (repeat, 1 to 8; hash of the canonical purpose statement, file: or json:)",
      collect,
      [],
    )
    .description("set the auto-grant policy (owner); --kinds none disables it")
    .action(
      async (
        idText: string,
        options: {
          kinds: string;
          roles: string;
          maxScope?: string;
          days: string;
          mayDelegate?: boolean;
          purpose: string[];
        },
      ) => {
        const datasetId = parseId(idText, "dataset id");
        const disabled = options.kinds.trim().toLowerCase() === "none";
        const memberKinds = disabled ? [] : options.kinds.split(",").map((kind) => parseKind(kind));
        const requiredRoles = parseRoles(options.roles).set;
        if (!disabled && options.maxScope === undefined) throw new UsageError("--max-scope is required with --kinds");
        if (!disabled && options.purpose.length === 0) throw new UsageError("--purpose is required with --kinds");
        if (disabled && options.purpose.length > 0) throw new UsageError("--purpose cannot go with --kinds none");
        if (options.purpose.length > 8) throw new UsageError("at most 8 --purpose values");
        const maxScope = options.maxScope === undefined ? 0n : parseMask(options.maxScope, "max scope");
        const duration = parseCount(options.days, "days", 49_000) * 86_400;
        const allowedPurposes = await Promise.all(options.purpose.map((value) => parseHash(value, "purpose hash")));
        const consortia = await signed();
        const receipt = await consortia.dataSharing.setAutoGrantPolicy(
          datasetId,
          {
            memberKinds,
            requiredRoles,
            maxScope,
            duration,
            mayDelegate: options.mayDelegate === true,
            allowedPurposes,
          },
          progress(cli(), `set the policy of dataset ${datasetId}`),
        );
        printed(
          cli(),
          receipt,
          { datasetId, allowedPurposes },
          disabled ? `disabled the policy of dataset ${datasetId}` : `set the policy of dataset ${datasetId}`,
        );
      },
    );
  dataset
    .command("record-access")
    .argument("<grant>", "grant id")
    .requiredOption("--dataset <id>", "dataset id")
    .requiredOption("--version <n>", "version served")
    .requiredOption("--consumer <address>", "the consumer's account that signed the request")
    .requiredOption("--access-id <hash>", "EIP-712 digest of the consumer's signed request")
    .requiredOption("--result <hash>", "hash of exactly the bytes served (file:<path> hashes the file)")
    .description("record an access before serving it (owner; what the gateway does)")
    .action(
      async (
        grantText: string,
        options: { dataset: string; version: string; consumer: string; accessId: string; result: string },
      ) => {
        const grantId = parseId(grantText, "grant id");
        const datasetId = parseId(options.dataset, "dataset id");
        const version = parseCount(options.version, "version", 2 ** 32 - 1);
        const consumerAccount = parseAddress(options.consumer, "consumer address");
        const accessId = await parseHash(options.accessId, "access id");
        const resultHash = await parseHash(options.result, "result hash");
        const consortia = await signed();
        const { seq, receipt } = await consortia.dataSharing.recordAccess(
          { accessId, grantId, datasetId, version, consumerAccount, resultHash },
          progress(cli(), `record access under grant ${grantId}`),
        );
        printed(cli(), receipt, { datasetId, seq }, `recorded access ${seq} of dataset ${datasetId}`);
      },
    );
  dataset
    .command("access")
    .argument("<dataset>", "dataset id")
    .description("the dataset's access trail: every recorded access with its grant and consumer (no key needed)")
    .action(async (idText: string) => {
      const datasetId = parseId(idText, "dataset id");
      const consortia = await cli().consortia();
      const record = await readFound("dataset", datasetId, () => consortia.dataSharing.dataset(datasetId), exists);
      const entries = await consortia.dataSharing.accessLog(datasetId);
      // The on-chain count commits to the log: a shorter log from the node's events means missing records.
      const complete = BigInt(entries.length) === record.accessCount;
      cli().out.result({ datasetId, accessCount: record.accessCount, complete, entries }, () =>
        [
          `dataset ${datasetId}: ${record.accessCount} accesses on record${complete ? "" : " (EVENTS MISSING)"}`,
          table(entries, ["seq", "grantId", "version", "consumer", "consumerAccount", "resultHash", "transactionHash"]),
        ].join("\n"),
      );
    });
  dataset
    .command("show")
    .argument("<dataset>", "dataset id")
    .description("show a dataset")
    .action(async (idText: string) => {
      const datasetId = parseId(idText, "dataset id");
      const consortia = await cli().consortia();
      const record = await readFound("dataset", datasetId, () => consortia.dataSharing.dataset(datasetId), exists);
      cli().out.result(record, () => details({ ...record, fieldMask: `0x${record.fieldMask.toString(16)}` }));
    });
  dataset
    .command("show-grant")
    .argument("<grant>", "grant id")
    .description("show a grant and whether it is valid now")
    .action(async (idText: string) => {
      const grantId = parseId(idText, "grant id");
      const consortia = await cli().consortia();
      const record = await readFound("grant", grantId, () => consortia.dataSharing.grant(grantId), exists);
      cli().out.result(record, () =>
        details({
          ...record,
          scope: `0x${record.scope.toString(16)}`,
          requestedAt: formatDate(record.requestedAt),
          grantedAt: formatDate(record.grantedAt),
          expiresAt: formatDate(record.expiresAt),
          revokedAt: formatDate(record.revokedAt),
        }),
      );
    });

  // ------------------------------------------------------------------ e-certificates
  const certificate = program.command("certificate").description("e-certificates: issue, verify, replace, revoke");
  const certTerms = (command: Command) =>
    command
      .requiredOption("--holder <hash>", "keyed hash of the holder's identifier (never a plain hash)")
      .requiredOption("--kind <n>", "certificate kind (a number the consortium agrees on)")
      .requiredOption("--document <hash>", "hash of the certificate document (file:<path> hashes the file)")
      .option("--valid-from <date>", "start of validity (default now)")
      .requiredOption("--valid-until <date>", "end of validity");
  type CertOptions = { holder: string; kind: string; document: string; validFrom?: string; validUntil: string };
  const parseCertTerms = async (options: CertOptions) => ({
    holderHash: await parseHash(options.holder, "holder hash"),
    kind: parseCount(options.kind, "certificate kind", 65_535),
    documentHash: await parseHash(options.document, "document hash"),
    // "Now" is the chain's time: validity is checked against block time.
    validFrom: await (options.validFrom === undefined
      ? cli().chainTime()
      : parseDate(options.validFrom, "valid-from date", cli().chainTime)),
    validUntil: await parseDate(options.validUntil, "valid-until date", cli().chainTime),
  });

  certTerms(certificate.command("issue"))
    .description("issue a certificate (agency, CERTIFICATE_ISSUER); prints its id, the reference to print or encode")
    .action(async (options: CertOptions) => {
      const terms = await parseCertTerms(options);
      const consortia = await signed();
      const { certificateId, receipt } = await consortia.dataSharing.certificates.issue(
        terms,
        progress(cli(), "issue certificate"),
      );
      printed(cli(), receipt, { certificateId }, `issued certificate ${certificateId}`);
    });
  certTerms(certificate.command("replace").argument("<id>", "certificate id"))
    .requiredOption("--reason <hash>", "hash of the reasons")
    .description("replace a certificate with new terms (issuing agency)")
    .action(async (idText: string, options: CertOptions & { reason: string }) => {
      const certificateId = parseId(idText, "certificate id");
      const terms = await parseCertTerms(options);
      const reason = await parseHash(options.reason, "reason");
      const consortia = await signed();
      const { newId, receipt } = await consortia.dataSharing.certificates.replace(
        certificateId,
        terms,
        reason,
        progress(cli(), `replace certificate ${certificateId}`),
      );
      printed(cli(), receipt, { certificateId, newId }, `replaced certificate ${certificateId} by ${newId}`);
    });
  certificate
    .command("revoke")
    .argument("<id>", "certificate id")
    .option("--reason <hash>", "hash of the reasons")
    .description("revoke a certificate for good (issuing agency)")
    .action(async (idText: string, options: { reason?: string }) => {
      const certificateId = parseId(idText, "certificate id");
      const reason = await parseOptionalHash(options.reason, "reason");
      const consortia = await signed();
      const receipt = await consortia.dataSharing.certificates.revoke(
        certificateId,
        reason,
        progress(cli(), `revoke certificate ${certificateId}`),
      );
      printed(cli(), receipt, { certificateId }, `revoked certificate ${certificateId}`);
    });
  certificate
    .command("verify")
    .argument("<id>", "certificate id (its reference)")
    .option("--holder <hash>", "keyed hash of the presenting holder (with --document)")
    .option("--document <hash>", "hash of the presented document (file:<path> hashes the file)")
    .description("verify a certificate: valid now, the latest of its lineage, and whether holder and document match")
    .action(async (idText: string, options: { holder?: string; document?: string }) => {
      const certificateId = parseId(idText, "certificate id");
      if ((options.holder === undefined) !== (options.document === undefined))
        throw new UsageError("give both --holder and --document, or neither");
      const presented =
        options.holder === undefined || options.document === undefined
          ? undefined
          : {
              holderHash: await parseHash(options.holder, "holder hash"),
              documentHash: await parseHash(options.document, "document hash"),
            };
      const consortia = await cli().consortia();
      const result = await readFound(
        "certificate",
        certificateId,
        () => consortia.dataSharing.certificates.verify(certificateId, presented),
        (verified) => verified.validity !== "Unknown",
      );
      cli().out.result(result, () => {
        const latest = result.latestId === certificateId ? "" : ` (latest: certificate ${result.latestId})`;
        const match =
          result.matches === undefined ? "" : result.matches ? ", holder and document match" : ", DOES NOT MATCH";
        const validity = result.validity.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase(); // NOT_YET_VALID
        return `certificate ${certificateId}: ${validity}${latest}${match}`;
      });
    });
  certificate
    .command("show")
    .argument("<id>", "certificate id")
    .description("show a certificate's record")
    .action(async (idText: string) => {
      const certificateId = parseId(idText, "certificate id");
      const consortia = await cli().consortia();
      const record = await readFound(
        "certificate",
        certificateId,
        () => consortia.dataSharing.certificates.certificate(certificateId),
        exists,
      );
      cli().out.result(record, () =>
        details({
          ...record,
          validFrom: formatDate(record.validFrom),
          validUntil: formatDate(record.validUntil),
          issuedAt: formatDate(record.issuedAt),
          endedAt: formatDate(record.endedAt),
        }),
      );
    });
}

/** Reads a gateway store, a configuration error (exit 3) when it is not one. */
async function openGatewayStore(dir: string) {
  try {
    return await readStore(resolve(dir));
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

/** `consortia data ...`: the data owner's side of its gateway (needs the gateway's store, not the chain). */
function registerData(program: Command, cli: () => Cli): void {
  const data = program
    .command("data")
    .description("data gateway, owner side: trace a leaked file, the consumers' signed requests");
  data
    .command("request")
    .argument("<access-id>", "the access id (AccessRecorded.accessId: the digest of the consumer's signed request)")
    .requiredOption("--store <dir>", "the gateway's store (GATEWAY_STORE)")
    .description("the consumer's signed request kept for an access, and the account its signature recovers")
    .action(async (accessIdText: string, options: { store: string }) => {
      const accessId = parseBytes32(accessIdText, "access id").toLowerCase();
      const store = await openGatewayStore(options.store);
      const kept = store.deliveries.filter((d) => d.accessId.toLowerCase() === accessId);
      if (kept.length === 0) throw new NotFoundError("signed request kept for access", accessId);
      const deliveries = kept.map(({ tag: _tag, sourceRows: _rows, ...d }) => {
        const signedBy = traceSigner(d);
        return {
          ...d,
          signedBy,
          signatureValid: signedBy !== null && signedBy.toLowerCase() === d.account.toLowerCase(),
        };
      });
      cli().out.result({ accessId, deliveries }, () =>
        [
          `access ${accessId}: ${deliveries.length} signed request(s) kept`,
          table(
            deliveries.map((d) => ({
              grant: d.grantId,
              dataset: `${d.datasetId} v${d.version}`,
              consumer: d.consumer,
              account: d.account,
              purpose: d.request.purpose,
              signature: d.signatureValid ? `valid (${d.signedBy})` : "INVALID",
              at: d.at,
            })),
          ),
        ].join("\n"),
      );
    });
  data
    .command("trace")
    .argument("<file>", "the leaked file (CSV, JSON or text; edited copies too)")
    .requiredOption("--store <dir>", "the gateway's store (GATEWAY_STORE: fingerprint key and delivery records)")
    .description("name the grant, consumer and access that delivered a leaked file")
    .action(async (path: string, options: { store: string }) => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
      }
      const store = await openGatewayStore(options.store);
      const { matches, unverifiedMarkers } = traceLeak(bytes, store);
      const rows = matches.map(({ delivery: d, evidence, rows, signer }) => ({
        accessId: d.accessId,
        grantId: d.grantId,
        datasetId: d.datasetId,
        version: d.version,
        consumer: d.consumer,
        account: d.account,
        signedBy: signer,
        signatureValid: signer !== null && signer.toLowerCase() === d.account.toLowerCase(),
        evidence,
        rows,
        at: d.at,
      }));
      cli().out.result({ file: path, matches: rows, unverifiedMarkers }, () =>
        rows.length === 0
          ? `NOT TRACED: no delivery of this store matches ${path}` +
            (unverifiedMarkers > 0 ? ` (${unverifiedMarkers} marker(s) of this store that no delivery made)` : "")
          : [
              `TRACED ${path} to ${rows.length} access${rows.length === 1 ? "" : "es"}:`,
              table(
                rows.map((r) => ({
                  access: r.accessId,
                  grant: r.grantId,
                  dataset: `${r.datasetId} v${r.version}`,
                  consumer: r.consumer,
                  account: r.account,
                  signature: r.signatureValid ? "valid" : "INVALID",
                  evidence: r.evidence === "rows" ? `${r.rows} row(s)` : r.evidence,
                  at: r.at,
                })),
              ),
              ...(unverifiedMarkers > 0
                ? [`${unverifiedMarkers} marker(s) that no delivery made (edited or forged)`]
                : []),
            ].join("\n"),
      );
    });
}
