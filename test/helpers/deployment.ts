import type { Deployment } from "@consortia/sdk";
import type { Platform } from "./consortium.js";

/** The deployments-file view of a test platform (registry, token, ledger; block 0), as the SDK reads one. */
export async function platformDeployment(platform: Platform): Promise<Deployment> {
  const provider = platform.deployer.provider;
  if (provider === null) throw new Error("the platform's deployer has no provider");
  const { chainId } = await provider.getNetwork();
  const entry = async (contract: { getAddress(): Promise<string> }) => ({
    address: await contract.getAddress(),
    block: 0,
  });
  return {
    chainId: Number(chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: await entry(platform.registry),
      DepositToken: await entry(platform.token),
      PaymentLedger: await entry(platform.ledger),
    },
  };
}
