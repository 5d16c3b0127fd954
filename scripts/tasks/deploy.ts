import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import ConsortiaModule from "../../ignition/modules/Consortia.js";
import { deploySuite } from "../../src/deploy/deploy.js";

interface DeployArgs {
  founders: string;
  deployments: string;
}

/**
 * `npm run deploy -- --network <name> [--founders file.json]`: deploys (or resumes) the suite with Ignition, seeds the
 * founders once, and writes deployments/<chainId>.json.
 */
export default async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const connection = await hre.network.create();
  await deploySuite(connection, ConsortiaModule, {
    foundersPath: args.founders === "" ? undefined : args.founders,
    deploymentsDir: args.deployments,
    log: (line) => console.log(line),
  });
}
