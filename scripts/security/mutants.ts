/**
 * Shows that each cross-contract invariant can fail: for every mutant below, copies the contracts and Solidity tests
 * into a temporary project, deliberately breaks one rule in one contract, runs test/solidity/CrossContractInvariant.t.sol
 * there and checks that the invariant guarding that rule fails (and that the unmutated code passes). The work tree is
 * never touched. Run with `npm run test:mutants` (several minutes: one compilation per mutant).
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { HARDHAT_CLI, hardhatEnv } from "../../src/local/hardhat.js";

const run = promisify(execFile);
const ROOT = process.cwd();
const TEST = "test/solidity/CrossContractInvariant.t.sol";

interface Mutant {
  name: string;
  file: string;
  from: string;
  to: string;
  /** The invariant that must fail. */
  invariant: string;
}

export const MUTANTS: Mutant[] = [
  {
    name: "market accepts a quote on a claim that no longer carries the announced value",
    file: "contracts/forfaiting/ForfaitingMarket.sol",
    from: "if (info.amount != trade.amount || info.maturity != trade.maturity || info.obligor != o.obligor) {",
    to: "if (false) {",
    invariant: "invariant_buyerReceivesTheValueItPriced",
  },
  {
    name: "deposit token lets a spender use its allowance whatever its standing",
    file: "contracts/platform/DepositToken.sol",
    from: "        _authorizeAccount(spender, HOLDS);\n        super._spendAllowance(owner, spender, value);",
    to: "        super._spendAllowance(owner, spender, value);",
    invariant: "invariant_noValueMovesForAPartyThatCannotAct",
  },
  {
    name: "certificate lets an approved operator or spender act whatever its standing",
    file: "contracts/receivables/ReceivableCertificate.sol",
    from: "if (msg.sender != owner) registry_.authorize(msg.sender, HOLDER_ROLES);",
    to: "",
    invariant: "invariant_noValueMovesForAPartyThatCannotAct",
  },
  {
    name: "desk accepts an offer whose owner was suspended after offering",
    file: "contracts/receivables/ReceivableDesk.sol",
    from: "holder = _certificates.ownerOf(tokenId);\n        holderMember = _authorizeAccount(holder, HOLDER_ROLES);",
    to: "holder = _certificates.ownerOf(tokenId);\n        holderMember = registry().memberOf(holder);",
    invariant: "invariant_noValueMovesForAPartyThatCannotAct",
  },
  {
    name: "deposit token mints one unit more than it reports",
    file: "contracts/platform/DepositToken.sol",
    from: "_mint(to, amount);",
    to: "_mint(to, amount + 1);",
    invariant: "invariant_supplyIsMintsMinusBurns",
  },
];

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "consortia-mutant-"));
  for (const path of ["contracts", "test/solidity", "hardhat.config.ts", "package.json", "tsconfig.json"]) {
    await cp(join(ROOT, path), join(dir, path), { recursive: true });
  }
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Runs the invariant test in `dir`; returns the names of the failing tests. */
async function failing(dir: string): Promise<string[]> {
  try {
    // The temporary project's own config: hardhatEnv drops a HARDHAT_CONFIG (or network, coverage, …) exported by a
    // parent Hardhat, which would make the child test the work tree instead of the mutant.
    await run(process.execPath, [HARDHAT_CLI, "test", "solidity", TEST], {
      cwd: dir,
      env: hardhatEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return [];
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout ?? "");
    return [...output.matchAll(/\d+\) CrossContractInvariantTest#(\w+)/g)].map((m) => m[1]);
  }
}

async function main(): Promise<void> {
  let ok = true;
  const baseline = await project();
  // The unmutated code must pass, or a "caught" mutant would prove nothing.
  try {
    const failed = await failing(baseline);
    console.log(`unmutated: ${failed.length === 0 ? "all invariants hold" : `FAILED ${failed.join(", ")}`}`);
    ok &&= failed.length === 0;
  } finally {
    await rm(baseline, { recursive: true, force: true });
  }
  // MUTANT=<words> runs only the mutants whose name contains them (while working on one).
  const only = process.env.MUTANT;
  for (const mutant of MUTANTS.filter((m) => only === undefined || m.name.includes(only))) {
    const dir = await project();
    try {
      const path = join(dir, mutant.file);
      const source = await readFile(path, "utf8");
      // The code to break must be there exactly once, or the mutant would break something else (or nothing).
      if (source.split(mutant.from).length !== 2) {
        throw new Error(`${mutant.name}: the code to break is not in ${mutant.file} exactly once`);
      }
      await writeFile(path, source.replace(mutant.from, mutant.to));
      const failed = await failing(dir);
      const caught = failed.includes(mutant.invariant);
      ok &&= caught;
      console.log(`${caught ? "caught" : "MISSED"}: ${mutant.name} -> ${failed.join(", ") || "nothing failed"}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (!ok) process.exitCode = 1;
}

await main();
