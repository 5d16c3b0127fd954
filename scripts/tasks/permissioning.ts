import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { readRegistrySnapshot, writeAllowlists } from "../../src/deploy/permissioning.js";
import { contractAddress, deploymentPath, readDeployment } from "@consortia/sdk";

interface PermissioningArgs {
  out: string;
  deployments: string;
}

/** `npm run permissioning -- --network <name> --out <dir>`: exports the registry as node allowlists. */
export default async function permissioning(args: PermissioningArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const { ethers } = await hre.network.create();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const deployment = await readDeployment(deploymentPath(chainId, args.deployments));
  const registry = await ethers.getContractAt("ConsortiumRegistry", contractAddress(deployment, "ConsortiumRegistry"));
  const snapshot = await readRegistrySnapshot(registry);
  const files = await writeAllowlists(snapshot, args.out);
  console.log(`${snapshot.accounts.length} accounts, ${snapshot.nodes.length} nodes -> ${files.join(", ")}`);
  console.log(
    "Reload on every Besu node: perm_reloadPermissionsFromFile; on GoQuorum nodes: restart or admin_addPeer.",
  );
}
