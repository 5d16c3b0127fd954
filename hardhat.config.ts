import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig, task } from "hardhat/config";

const require = createRequire(import.meta.url);

/** GoQuorum's EVM stops at Berlin and Besu genesis files commonly pin it: compile and simulate for it. */
const EVM_TARGET = "berlin";
const LOCAL_CHAIN_ID = 1337;
/** Coverage instrumentation inflates bytecode past EIP-170's 24 KB; the limit stays enforced in every other run. */
const COVERAGE_RUN = process.argv.includes("--coverage");

const deployTask = task("deploy", "Deploys (or resumes) the whole suite and writes deployments/<chainId>.json")
  .addOption({ name: "founders", description: "Founders file that seeds members and ends bootstrap", defaultValue: "" })
  .addOption({ name: "deployments", description: "Directory of deployments files", defaultValue: "deployments" })
  .addOption({
    name: "deploymentId",
    description: "Ignition deployment id (default chain-<chainId>-<genesis hash prefix>)",
    defaultValue: "",
  })
  .addOption({
    name: "envelopeSuite",
    description: 'Envelope suite members seal payloads with: "standard" (HPKE X25519) or "gm" (SM2/SM3/SM4)',
    defaultValue: "standard",
  })
  .setAction(() => import("./scripts/tasks/deploy.js"))
  .build();

const permissioningTask = task("permissioning", "Exports the registry as Besu and GoQuorum node allowlists")
  .addOption({ name: "out", description: "Output directory", defaultValue: "permissioning" })
  .addOption({ name: "deployments", description: "Directory of deployments files", defaultValue: "deployments" })
  .setAction(() => import("./scripts/tasks/permissioning.js"))
  .build();

/**
 * CONSORTIA_FUZZ=deep (`npm run test:deep`): deeper fuzz and invariant campaigns (1,024 fuzz runs; 256 invariant runs
 * of 48 steps), beyond CI's time budget. `npm test` (CI) runs 256 fuzz runs and 64 invariant runs of 32 steps, on the
 * same fixed seed. A test's own `hardhat-config:` lines override both (CrossContractInvariant: 256 runs of 48 steps).
 */
const DEEP_FUZZ = process.env.CONSORTIA_FUZZ === "deep";
/**
 * `npm run test:invariants` (scripts/test/invariants-deep.mjs) sets these: every invariant campaign's runs and depth,
 * the seed, and the directory of Solidity tests (a copy of the invariant suites without their own `hardhat-config:`).
 */
const INVARIANT_RUNS = process.env.CONSORTIA_INVARIANT_RUNS;
const INVARIANT_DEPTH = process.env.CONSORTIA_INVARIANT_DEPTH;

/** Optimizer runs of the sources that must stay under the code-size limit. */
const SIZE_RUNS = 1;

/** The suite's compiler: solc 0.8.30 (the npm build), optimized for `runs`. */
function compiler(runs: number) {
  return {
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_TARGET,
      optimizer: { enabled: true, runs },
      // The storage layout of every contract, which the upgrade-safety check (test/upgrades) compares release
      // to release. Hardhat adds its own outputs; this selection does not change the bytecode.
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  };
}

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks: [deployTask, permissioningTask],
  solidity: {
    profiles: {
      default: {
        compilers: [compiler(200)],
        // The letter of credit is close to the 24,576-byte code limit (EIP-170): its sources are optimized for size.
        overrides: {
          "contracts/letters-of-credit/LetterOfCredit.sol": compiler(SIZE_RUNS),
          "contracts/mocks/RehearsalV2.sol": compiler(SIZE_RUNS),
          // Solidity tests that deploy LetterOfCredit (in the directory `npm run test:invariants` runs, if set)
          ...Object.fromEntries(
            ["LetterOfCreditInvariant.t.sol", "AttestationPolicyInvariant.t.sol", "LcTransfersInvariant.t.sol"].map(
              (file) => [`${process.env.CONSORTIA_SOLIDITY_TESTS ?? "test/solidity"}/${file}`, compiler(SIZE_RUNS)],
            ),
          ),
        },
      },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: process.env.CONSORTIA_SOLIDITY_TESTS ?? "test" },
    // Ignition's journals go under <ignition>/deployments: `npm start --data-dir` and the tests move them elsewhere.
    ignition: process.env.CONSORTIA_IGNITION_DIR ?? "ignition",
  },
  test: {
    // CONSORTIA_TEST_TIMINGS=<file>: also write each test file's wall time there (where CI's time goes).
    mocha:
      process.env.CONSORTIA_TEST_TIMINGS === undefined
        ? {}
        : // A path, not require.resolve: a copy of this file without test/ (the upgrade rebuild's clone) still loads.
          { reporter: fileURLToPath(new URL("./test/reporters/timings.cjs", import.meta.url)) },
    solidity: {
      // A fixed seed: CI replays the same fuzz and invariant sequences every run (change it to explore others).
      // CI's share is bounded; `npm run test:deep` (CONSORTIA_FUZZ=deep) runs every campaign deeper.
      fuzz: { runs: DEEP_FUZZ ? 1024 : 256, seed: process.env.CONSORTIA_FUZZ_SEED ?? "0x636f6e736f72746961" },
      invariant: {
        runs: INVARIANT_RUNS === undefined ? (DEEP_FUZZ ? 256 : 64) : Number(INVARIANT_RUNS),
        depth: INVARIANT_DEPTH === undefined ? (DEEP_FUZZ ? 48 : 32) : Number(INVARIANT_DEPTH),
        failOnRevert: false,
      },
    },
  },
  // The bindings are part of the SDK package (generated, not committed): code imports them as `@consortia/sdk/typechain`.
  typechain: { outDir: "packages/sdk/src/typechain" },
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: EVM_TARGET,
      chainId: LOCAL_CHAIN_ID,
      allowUnlimitedContractSize: COVERAGE_RUN,
    },
    node: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: EVM_TARGET,
      chainId: LOCAL_CHAIN_ID,
    },
    localhost: {
      type: "http",
      chainType: "l1",
      // A local JSON-RPC node; tests point it at the node they start.
      url: process.env.CONSORTIA_LOCAL_RPC_URL ?? "http://127.0.0.1:8545",
      gasPrice: 0,
    },
    besu: {
      type: "http",
      chainType: "l1",
      url: configVariable("BESU_RPC_URL"),
      chainId: Number(process.env.BESU_CHAIN_ID ?? 1337),
      accounts: [configVariable("BESU_OPERATOR_KEY")],
      gasPrice: 0,
    },
  },
});
