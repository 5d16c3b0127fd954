import type {
  ArgumentType,
  IgnitionModuleBuilder,
  NamedArtifactContractAtFuture,
} from "@nomicfoundation/ignition-core";

/**
 * Deploys `contractName` the way every suite contract is deployed: its implementation (`<Name>Implementation`, built
 * with the network constants in `constructorArgs`), then a `SuiteProxy` (`<Name>Proxy`) whose constructor runs
 * `initialize(...initializeArgs)` in the same transaction, so nobody can initialize the proxy first. The result
 * (`<Name>`) is the proxy seen through the implementation's ABI: module results, the deployments file, the SDK, the
 * CLI and the indexer all use the proxy's address, which an upgrade never changes.
 */
export function deployUpgradeable<ContractNameT extends string>(
  m: IgnitionModuleBuilder,
  contractName: ContractNameT,
  constructorArgs: ArgumentType[],
  initializeArgs: ArgumentType[] = [],
): NamedArtifactContractAtFuture<ContractNameT> {
  const implementation = m.contract(contractName, constructorArgs, { id: `${contractName}Implementation` });
  const initialize = m.encodeFunctionCall(implementation, "initialize", initializeArgs, {
    id: `${contractName}Initialize`,
  });
  const proxy = m.contract("SuiteProxy", [implementation, initialize], { id: `${contractName}Proxy` });
  return m.contractAt(contractName, proxy, { id: contractName });
}
