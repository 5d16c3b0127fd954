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
export { ManagedSigner, withNonceManager } from "./nonce.js";
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
  UnknownMemberError,
  descriptionHash,
  roleNames,
  type GovernanceArgs,
  type GovernanceFunction,
  type MemberInfo,
  type ProposalInfo,
  type RegistryClient,
} from "./clients/registry.js";
export { InvalidAmountError, formatAmount, parseAmount, type TokenClient } from "./clients/token.js";
export type { LedgerClient } from "./clients/ledger.js";
