/**
 * `consortia/sdk/client`: the part of the SDK a browser bundle can take without Node built-ins — typed clients,
 * error decoding, the nonce manager, role bits. Pass `createConsortia` a parsed deployments object (not a directory).
 */
export { MemberKind, Roles, roleSet, type MemberKindName, type RoleName } from "./roles.js";
export {
  DeploymentMismatchError,
  createConsortia,
  type Consortia,
  type ConsortiaClients,
  type CreateConsortiaOptions,
} from "./client.js";
export type { Deployment } from "./deployments.js";
export {
  ContractError,
  decodeContractError,
  decodeRevertData,
  toContractError,
  type DecodeOptions,
  type DecodedContractError,
} from "./errors.js";
export {
  ManagedSigner,
  ReusedGasEstimates,
  withNonceManager,
  type GasLimits,
  type ManagedSignerOptions,
} from "./nonce.js";
export { ReceiptWatcher, type WatchedTransaction, type WatchOptions } from "./watcher.js";
export { NativeCodecJsonRpcProvider } from "./provider.js";
export {
  DEFAULT_RECEIPT_TIMEOUT_MS,
  TransactionDroppedError,
  TransactionReplacedError,
  TransactionTimeoutError,
  waitForReceipt,
  type WaitOptions,
} from "./receipts.js";
export {
  ReadOnlyClientError,
  defineClient,
  type ClientContext,
  type ClientDefinition,
  type ContractFactoryLike,
  type SendOptions,
} from "./clients/define.js";
export { CLIENTS, type ClientName } from "./clients/index.js";
export {
  ACCESS_LEVEL,
  ACCOUNT_STATUS,
  IMPLEMENTATION_SLOT,
  MEMBER_STATUS,
  PROPOSAL_STATUS,
  UnknownMemberError,
  descriptionHash,
  roleNames,
  type GovernanceArgs,
  type GovernanceFunction,
  type ImplementationRecord,
  type MemberInfo,
  type ProposalInfo,
  type RegistryClient,
} from "./clients/registry.js";
export { InvalidAmountError, formatAmount, parseAmount, type TokenClient } from "./clients/token.js";
export type { LedgerClient } from "./clients/ledger.js";
export {
  CREDIT_CATEGORY,
  CREDIT_ENTRY_STATUS,
  CREDIT_RESOLUTION,
  CREDIT_SUBJECT_KIND,
  creditEnvelopeAad,
  type CreditCategory,
  type CreditClient,
  type CreditContent,
  type CreditListing,
  type CreditPayload,
  type CreditQueryResult,
  type CreditSubject,
  type CreditSubjectKind,
} from "./clients/credit.js";
export {
  ISO_NUMERIC_CURRENCIES,
  LC_STATE,
  OBLIGATION_STATUS,
  PRESENTATION_CHECK_CODES,
  PRESENTATION_STATE,
  currencyCode,
  currencyName,
  documentKinds,
  documentMask,
  interbankCurrency,
  interbankCurrencyLabel,
  presentationCheckCodes,
  presentationDocumentsHash,
  presentationId,
  splitPresentationId,
  type LcAmendmentInput,
  type PresentationCheckCode,
  type LcTermsInput,
  type LettersOfCreditClient,
} from "./clients/letters-of-credit.js";
export {
  RELEASE_STATE,
  documentsHash,
  marginRequired,
  type DocumentReleaseView,
  type LcApplicantClient,
  type MarginView,
  type ReleaseStateName,
} from "./clients/lc-applicant.js";
export {
  confirmedTermsDigest,
  type ConfirmationView,
  type ConfirmedTermsView,
  type LcConfirmationsClient,
} from "./clients/lc-confirmations.js";
export {
  SECOND_PRESENTATION_STATE,
  TRANSFER_STATE,
  type LcTransfersClient,
  type SecondPresentationStateName,
  type SecondPresentationView,
  type TransferStateName,
  type TransferTermsInput,
  type TransferView,
} from "./clients/lc-transfers.js";
export {
  GUARANTEE_CLAIM_STATE,
  GUARANTEE_KIND,
  GUARANTEE_STATE,
  type GuaranteeApplicationInput,
  type GuaranteeDemandInput,
  type GuaranteeKindName,
  type GuaranteesClient,
} from "./clients/guarantees.js";
export {
  OFFER_STATE,
  QUOTE_STATE,
  quoteCommitment,
  quoteOpeningAad,
  encodeQuoteOpening,
  decodeQuoteOpening,
  type AnnouncementInput,
  type ForfaitingClient,
  type SealedQuote,
} from "./clients/forfaiting.js";
export {
  DOCUMENT_CLOSURE,
  DocumentAlreadyFinancedError,
  type DocumentClosureName,
  type DocumentStanding,
  type DocumentsClient,
} from "./clients/documents.js";
export {
  DAY_COUNT,
  FINANCING_QUOTE_STATUS,
  FINANCING_REQUEST_STATUS,
  encodeQuoteTerms,
  financingPrice,
  financingQuoteCommitment,
  type DayCountName,
  type FinancingClient,
  type FinancingPrice,
  type FinancingQuoteTerms,
  type FinancingQuoteView,
  type FinancingRequestInput,
  type FinancingRequestView,
  type SealedFinancingQuote,
} from "./clients/financing.js";
export {
  RECOURSE_CLAIM_STATUS,
  RECOURSE_OFFER_STATUS,
  type RecourseClaimStatusName,
  type RecourseClaimView,
  type RecourseClient,
  type RecourseOfferInput,
  type RecourseOfferStatusName,
  type RecourseOfferView,
  type RecourseSaleView,
} from "./clients/recourse.js";
export { type ArrangementsClient, type PartPaymentsView } from "./clients/arrangements.js";
export { IssuanceLimitError, type LimitsClient, type ObligorLimitsView } from "./clients/limits.js";
export {
  RECEIPT_MODE,
  RECEIPT_STATUS,
  receiptOf,
  type ReceiptIssue,
  type ReceiptView,
  type WarehouseClient,
} from "./clients/warehouse.js";
export {
  FREEZE_PATHS,
  FREEZE_STATUSES,
  FreezeScopeKind,
  freezeReferenceHash,
  type FreezeClient,
  type FreezeOrderView,
  type FreezeScope,
  type FreezeStatus,
} from "./clients/freeze.js";
export {
  PLEDGE_STATUS,
  RECEIVABLE_OFFER_STATUS,
  RECEIVABLE_STATUS,
  type CertificateNode,
  type ReceivableDocumentInput,
  type ReceivableTermsInput,
  type ReceivablesClient,
} from "./clients/receivables.js";
export {
  CLASSIFICATION,
  E_CERTIFICATE_STATUS,
  E_CERTIFICATE_VALIDITY,
  GRANT_STATUS,
  GRANT_VALIDITY,
  HASH_KIND,
  memberKindMask,
  type AccessInput,
  type AutoGrantPolicyInput,
  type ClassificationName,
  type DataSharingClient,
  type DatasetInput,
  type ECertificateTermsInput,
  type GrantTermsInput,
  type VersionInput,
} from "./clients/data-sharing.js";
export {
  APPROVAL_CASE_STATE,
  APPROVAL_STEP_STATE,
  dayNumber,
  documentKind,
  isoDay,
  workingDaysBitmap,
  yearWorkingDays,
  type ApprovalCaseStateName,
  type ApprovalDocumentInput,
  type ApprovalProcessInput,
  type ApprovalStepInput,
  type ApprovalStepStateName,
  type ApprovalsClient,
} from "./clients/approvals.js";
export {
  ATTESTATION_KINDS,
  AttestationKind,
  FINANCING_APPLICATIONS,
  FinancingApplication,
  kindsOfPolicy,
  policyKinds,
  type AttestationKindName,
  type AttestationsClient,
  type AttestationView,
  type FactInput,
  type FinancingApplicationName,
} from "./clients/attestations.js";
export { authorization, signIn, SignInError, type ApiSession, type SignInOptions } from "./signIn.js";
