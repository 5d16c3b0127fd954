/**
 * Records the storage layouts of this release's implementations in `upgrades/layouts.json`, the reference the
 * upgrade-safety test (test/upgrades/layout.test.ts) compares every later implementation with. Run it when cutting a
 * release, after `npx hardhat build`: `npm run upgrades:snapshot -- <release name>`. `--out <file>` writes the snapshot
 * there instead (what test/upgrades/snapshot.test.ts does, so that the committed file stays as it is).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UPGRADEABLE_SOURCES, layoutOf, validateBuild, type LayoutSnapshot } from "../../src/upgrades/layout.js";

const [release, flag, file, ...rest] = process.argv.slice(2);
if (
  release === undefined ||
  release.startsWith("-") ||
  (flag !== undefined && (flag !== "--out" || file === undefined)) ||
  rest.length > 0
)
  throw new Error("usage: npm run upgrades:snapshot -- <release name> [--out <file>]");
const out = file === undefined ? fileURLToPath(new URL("../../upgrades/layouts.json", import.meta.url)) : resolve(file);
const artifacts = new URL("../../artifacts", import.meta.url).pathname;
const contracts = Object.entries(UPGRADEABLE_SOURCES).map(([name, source]) => ({ name, source }));
const validated = await validateBuild(artifacts, contracts);
const snapshot: LayoutSnapshot = {
  release,
  layouts: Object.fromEntries(contracts.map(({ name }) => [name, layoutOf(validated, name)])),
};
await writeFile(out, `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`${out}: ${contracts.length} layouts of ${release}`);
