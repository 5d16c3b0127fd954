import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import ConsortiaModule from "../../ignition/modules/Consortia.js";
import { deploySuite } from "../../src/deploy/deploy.js";

interface DeployArgs {
  founders: string;
  deployments: string;
  deploymentId: string;
  envelopeSuite: string;
}

/**
 * `npm run deploy -- --network <name> [--founders file.json]`: deploys (or resumes) the suite with Ignition, seeds the
 * founders once, and writes deployments/<chainId>.json.
 */
export default async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  if (args.envelopeSuite !== "standard" && args.envelopeSuite !== "gm") {
    throw new Error(`--envelope-suite: "standard" or "gm", not "${args.envelopeSuite}"`);
  }
  await hre.tasks.getTask("build").run({});
  const connection = await hre.network.create();
  await deploySuite(connection, ConsortiaModule, {
    foundersPath: args.founders === "" ? undefined : args.founders,
    deploymentsDir: args.deployments,
    deploymentId: args.deploymentId === "" ? undefined : args.deploymentId,
    envelopeSuite: args.envelopeSuite,
    ignitionDir: hre.config.paths.ignition,
    log: (line) => console.log(line),
  });
}
