/**
 * Deploys the whole suite with Hardhat Ignition and writes deployments/<chainId>.json.
 *   npm run deploy -- --network <name>
 * Environment: CONSORTIA_FOUNDERS=<founders.json> seeds the founding members and ends bootstrap (once).
 * Ignition journals every step under ignition/deployments/chain-<id>/: a re-run resumes an interrupted deployment or
 * reports that everything exists; it never deploys twice.
 */
import { network } from "hardhat";
import ConsortiaModule from "../ignition/modules/Consortia.js";
import { deploySuite } from "../src/deploy/deploy.js";

const connection = await network.create();
const deployment = await deploySuite(connection, ConsortiaModule, {
  foundersPath: process.env.CONSORTIA_FOUNDERS,
  log: (line) => console.log(line),
});
console.log(JSON.stringify(deployment, null, 2));
