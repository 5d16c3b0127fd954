/**
 * Storage-layout safety of the suite's implementations, with OpenZeppelin's upgrades-core: every implementation is
 * validated (no constructor logic or immutables outside the annotated network constants, no selfdestruct or
 * delegatecall, initializers...) and its storage layout, namespaced (ERC-7201) structs included, is compared with the
 * layout of the last release kept in `upgrades/layouts.json`. An incompatible change is reported with the offending
 * variable named.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { UPGRADEABLE_SOURCES } from "./contracts.js";
import {
  concatRunData,
  getContractVersion,
  getErrors,
  getStorageLayout,
  getStorageUpgradeReport,
  makeNamespacedInput,
  solcInputOutputDecoder,
  validate,
  withValidationDefaults,
  type SolcInput,
  type SolcOutput,
  type StorageLayout,
  type ValidationDataCurrent,
  type Version,
} from "@openzeppelin/upgrades-core";

export { UPGRADEABLE_SOURCES };

/** The layouts of a release, by contract name, as `upgrades/layouts.json` keeps them. */
export interface LayoutSnapshot {
  /** What the layouts were taken from (a release tag or commit), for the reader. */
  release: string;
  layouts: Record<string, StorageLayout>;
}

/** One implementation's verdict against the release it upgrades. */
export interface UpgradeCheck {
  contract: string;
  /** Upgrade-safety errors of the implementation itself, explained. */
  errors: string[];
  /** Why its layout cannot follow the release's (names the offending variables); empty when it can. */
  layout: string;
}

interface Artifact {
  /** The source as the compiler saw it (`project/contracts/...`). */
  inputSourceName: string;
  buildInfoId: string;
}

const SOLC_VERSION = "0.8.30";
/** The project's compiler (the pinned solc npm package, the same soljson Hardhat compiles with). */
const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };

async function artifactOf(artifactsDir: string, name: string, source: string): Promise<Artifact> {
  return JSON.parse(await readFile(join(artifactsDir, source, `${name}.json`), "utf8")) as Artifact;
}

/** The validations of a build, and where each contract named to `validateBuild` is in them. */
export interface ValidatedBuild {
  data: ValidationDataCurrent;
  /** The version (bytecode hashes) of each contract named, from the build its artifact comes from. */
  versions: Map<string, Version>;
}

/**
 * Validates the contracts named (by artifact name with its source path under the project, e.g.
 * `contracts/credit/CreditBlacklist.sol`) from the build that compiled their current artifacts (an incremental build
 * leaves older build infos behind, with older versions of the same contracts). Runs a second, namespaced compilation
 * (function bodies removed, one state variable per ERC-7201 struct) so that the namespaced fields get slots.
 */
export async function validateBuild(
  artifactsDir: string,
  contracts: { name: string; source: string }[],
): Promise<ValidatedBuild> {
  const byBuild = new Map<string, { name: string; fullName: string }[]>();
  for (const { name, source } of contracts) {
    const artifact = await artifactOf(artifactsDir, name, source);
    const named = byBuild.get(artifact.buildInfoId) ?? [];
    named.push({ name, fullName: `${artifact.inputSourceName}:${name}` });
    byBuild.set(artifact.buildInfoId, named);
  }
  let data: ValidationDataCurrent | undefined;
  const versions = new Map<string, Version>();
  for (const [id, named] of byBuild) {
    const dir = join(artifactsDir, "build-info");
    const { input } = JSON.parse(await readFile(join(dir, `${id}.json`), "utf8")) as { input: SolcInput };
    const { output } = JSON.parse(await readFile(join(dir, `${id}.output.json`), "utf8")) as { output: SolcOutput };
    const namespaced = JSON.parse(solc.compile(JSON.stringify(makeNamespacedInput(input, output)))) as SolcOutput;
    const failures = (namespaced.errors ?? []).filter((e) => e.severity === "error");
    if (failures.length > 0) throw new Error(`namespaced compilation failed: ${failures[0].formattedMessage}`);
    const run = validate(output, solcInputOutputDecoder(input, output), SOLC_VERSION, input, namespaced);
    for (const { name, fullName } of named) versions.set(name, getContractVersion(run, fullName));
    data = concatRunData(run, data);
  }
  return { data: data!, versions };
}

/** The storage layout of a contract named to `validateBuild`. */
export function layoutOf({ data, versions }: ValidatedBuild, name: string): StorageLayout {
  return getStorageLayout(data, versionOf(versions, name));
}

/**
 * Checks an implementation (`name`, validated) as an upgrade of the release's `previous` layout: its own
 * upgrade-safety errors, and whether its layout keeps every variable of the previous one where it was.
 */
export function checkUpgrade(
  { data, versions }: ValidatedBuild,
  name: string,
  previous: StorageLayout | undefined,
): UpgradeCheck {
  const version = versionOf(versions, name);
  const opts = withValidationDefaults({ kind: "uups" });
  const errors = getErrors(data, version, opts).map((e) => `${e.kind} at ${e.src}`);
  if (previous === undefined) return { contract: name, errors, layout: `no layout of ${name} in the release snapshot` };
  const report = getStorageUpgradeReport(previous, getStorageLayout(data, version), opts);
  return { contract: name, errors, layout: report.ok ? "" : report.explain(false) };
}

function versionOf(versions: Map<string, Version>, name: string): Version {
  const version = versions.get(name);
  if (version === undefined) throw new Error(`${name} was not validated`);
  return version;
}
