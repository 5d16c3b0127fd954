/**
 * Records the storage layouts of this release's implementations in `upgrades/layouts.json`, the reference the
 * upgrade-safety test (test/upgrades/layout.test.ts) compares every later implementation with. Run it when cutting a
 * release, after `npx hardhat build`: `npm run upgrades:snapshot -- <release name>`.
 */
import { writeFile } from "node:fs/promises";
import { UPGRADEABLE_SOURCES, layoutOf, validateBuild, type LayoutSnapshot } from "../../src/upgrades/layout.js";

const release = process.argv[2];
if (release === undefined) throw new Error("usage: npm run upgrades:snapshot -- <release name>");
const artifacts = new URL("../../artifacts", import.meta.url).pathname;
const contracts = Object.entries(UPGRADEABLE_SOURCES).map(([name, source]) => ({ name, source }));
const validated = await validateBuild(artifacts, contracts);
const snapshot: LayoutSnapshot = {
  release,
  layouts: Object.fromEntries(contracts.map(({ name }) => [name, layoutOf(validated, name)])),
};
await writeFile(new URL("../../upgrades/layouts.json", import.meta.url), `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`upgrades/layouts.json: ${contracts.length} layouts of ${release}`);
