/** Consortia SDK: typed clients, error decoding, nonce management, hashing, keyed subject identifiers, envelope encryption, payload storage. */
export { InvalidHexError, fromHex, toHex, utf8, type Hex } from "./bytes.js";
export {
  DocumentKind,
  InvalidDocumentRefError,
  NonCanonicalJsonError,
  canonicalJson,
  canonicalJsonBytes,
  documentRef,
  hashBytes,
  hashCanonicalJson,
  hashUtf8,
  type DocumentRef,
  type JsonValue,
} from "./hashing.js";
export { hashFile } from "./hashFile.js";
export {
  InvalidConsortiumKeyError,
  InvalidIdentifierError,
  MIN_CONSORTIUM_KEY_BYTES,
  SUBJECT_KEY_DOMAIN,
  SUBJECT_KINDS,
  deriveSubjectKey,
  generateConsortiumKey,
  normaliseIdentifier,
  residentIdCheckDigit,
  subjectKeyMessage,
  usccCheckCharacter,
  type SubjectKind,
} from "./subjectKey.js";
export {
  DOCUMENT_KEY_DOMAIN,
  deriveDocumentKey,
  documentKeyMessage,
  normaliseInvoiceIdentity,
  type InvoiceIdentity,
} from "./documentKey.js";
export { TERM_KEY_DOMAIN, keyedTermHash, termKeyMessage } from "./termKey.js";
export {
  DuplicateRecipientError,
  ENVELOPE_GM_SUITE,
  ENVELOPE_SUITE,
  ENVELOPE_V1_SUITE,
  ENVELOPE_VERSION,
  EnvelopeDecryptionError,
  EnvelopeHashMismatchError,
  InvalidEnvelopeError,
  NotARecipientError,
  encryptionPublicKey,
  envelopeHash,
  envelopeId,
  envelopeReaders,
  envelopeWrapInfo,
  generateEncryptionKeyPair,
  grantReader,
  openEnvelope,
  parseEnvelope,
  rewrapForRotatedKey,
  sealEnvelope,
  type EncryptionKeyPair,
  type Envelope,
  type EnvelopeAuthority,
  type EnvelopeRecipient,
  type EnvelopeRecipientGm,
  type EnvelopeRecipientV1,
  type EnvelopeSuiteName,
  type EnvelopeV1,
  type EnvelopeV2,
  type EnvelopeV3,
  type Reader,
} from "./envelope.js";
export {
  generateGmKeyPair,
  gmPublicKey,
  sm2Decrypt,
  sm2Encrypt,
  sm3Digest,
  sm3Hash,
  sm4GcmDecrypt,
  sm4GcmEncrypt,
  type GmKeyPair,
} from "./gm.js";
export { HPKE_ENC_BYTES, HPKE_SUITE_IDS, hpkeOpen, hpkeSeal } from "./hpke.js";
export {
  InvalidPayloadHashError,
  PayloadCorruptedError,
  PayloadNotFoundError,
  createFileSystemPayloadStore,
  createMemoryPayloadStore,
  normalisePayloadHash,
  type PayloadStore,
} from "./payloadStore.js";
export {
  DuplicateFileError,
  FILE_TREE_ENCODING,
  FileNotInTreeError,
  InvalidFileHashError,
  fileTree,
  verifyFileProof,
  type FileTree,
} from "./merkle.js";
export {
  DeploymentFileError,
  contractAddress,
  deploymentPath,
  deploymentSchema,
  readDeployment,
  writeDeployment,
  type Deployment,
} from "./deployments.js";
// Everything a browser bundle can take, too (typed clients, error decoding, the nonce manager, role bits).
export * from "./browser.js";
