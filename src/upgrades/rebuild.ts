/**
 * `consortia upgrade verify --rebuild`: builds the contract an upgrade proposal names from the proposal's own source
 * commit, so that a member checks what is voted on without trusting anyone's artifacts or their own working tree.
 *
 * The commit's files come out of the member's git repository (`git archive`, nothing checked out in the repository
 * itself) into a temporary directory, which borrows the repository's installed dependencies (`node_modules`). That is
 * only sound when the Solidity inputs those dependencies provide are the commit's: the compiler and the OpenZeppelin
 * packages must be the versions the commit's lockfile pins, or the rebuild refuses (build the commit in its own
 * checkout with `npm ci`, and verify with `--artifacts`). The whole project is compiled, as for a release, not the one
 * source: the metadata hash at the end of the code covers the compiler's remappings, and Hardhat derives those from
 * every import of the build (a one-file build gives the same code with another metadata hash).
 */
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";

/** Lockfile entries whose versions decide the bytecode: the compiler and the Solidity libraries the contracts import. */
const SOLIDITY_INPUTS = /^node_modules\/(solc|@openzeppelin\/contracts|@openzeppelin\/contracts-upgradeable)$/;

export interface Rebuild {
  /** The artifacts directory of the rebuild (`<dir>/<source>/<Name>.json`). */
  artifacts: string;
  /** Removes the temporary directory. */
  cleanup(): Promise<void>;
}

export interface RebuildOptions {
  /** The member's git repository of the suite, with its dependencies installed. */
  repo: string;
  /** The proposal's source commit: 40 hexadecimal digits, with or without 0x. */
  commit: string;
  /** The contract's source, e.g. contracts/credit/CreditBlacklist.sol. */
  source: string;
  progress?: (line: string) => void;
}

/** The versions of the Solidity inputs a lockfile pins. */
function solidityInputs(lockfile: string): Record<string, string> {
  const packages = (JSON.parse(lockfile) as { packages?: Record<string, { version?: string }> }).packages ?? {};
  return Object.fromEntries(
    Object.entries(packages)
      .filter(([path]) => SOLIDITY_INPUTS.test(path))
      .map(([path, entry]) => [path.slice("node_modules/".length), entry.version ?? "?"]),
  );
}

/** The versions actually installed in the repository's node_modules (what the rebuild compiles with). */
async function installedVersions(repo: string, names: readonly string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    names.map(async (name) => {
      const manifest = await readFile(join(repo, "node_modules", name, "package.json"), "utf8").catch(() => undefined);
      return [name, manifest === undefined ? "none" : (JSON.parse(manifest) as { version: string }).version] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Hardhat run from the temporary directory must not follow the caller's configuration (a parent Hardhat's). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("HARDHAT_")));
}

/** Builds `source` as of `commit` in a temporary directory; the caller compares, then calls `cleanup`. */
export async function rebuildAtCommit(options: RebuildOptions): Promise<Rebuild> {
  const repo = resolve(options.repo);
  const commit = options.commit.replace(/^0x/, "").toLowerCase();
  const git = (args: string[]) => execa("git", ["-C", repo, ...args], { reject: false });

  const found = await git(["rev-parse", "--verify", "--quiet", `${commit}^{commit}`]);
  if (found.exitCode !== 0) {
    throw new Error(
      `commit ${commit} is not in the git repository at ${repo}: fetch it (git fetch <remote> ${commit}) and verify again`,
    );
  }
  const lockAtCommit = await git(["show", `${commit}:package-lock.json`]);
  if (lockAtCommit.exitCode !== 0)
    throw new Error(`commit ${commit} has no package-lock.json: it is not a suite commit`);
  const pinned = solidityInputs(lockAtCommit.stdout);
  if (pinned.solc === undefined) throw new Error(`commit ${commit} pins no solc: it is not a suite commit`);
  const installed = await installedVersions(repo, Object.keys(pinned));
  const differing = Object.keys(pinned).filter((name) => pinned[name] !== installed[name]);
  if (differing.length > 0) {
    throw new Error(
      `commit ${commit} pins other Solidity inputs than those installed in ${repo} (` +
        differing.map((name) => `${name} ${pinned[name]} vs ${installed[name]}`).join(", ") +
        `): check the commit out, npm ci, hardhat build, and verify with --artifacts`,
    );
  }

  const dir = await mkdtemp(join(tmpdir(), "consortia-rebuild-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    options.progress?.(`extracting commit ${commit.slice(0, 12)} from ${repo}…`);
    await execa("git", ["-C", repo, "archive", "--format=tar", commit]).pipe("tar", ["-x", "-C", dir]);
    await symlink(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
    options.progress?.(
      `compiling ${options.source} as of ${commit.slice(0, 12)} (the whole project, a minute or two)…`,
    );
    const hardhat = join(repo, "node_modules", "hardhat", "dist", "src", "cli.js");
    const build = await execa(process.execPath, [hardhat, "build", "--no-tests", "--no-typechain", "--quiet"], {
      cwd: dir,
      env: cleanEnv(),
      extendEnv: false,
      reject: false,
      all: true,
    });
    if (build.exitCode !== 0) {
      throw new Error(`building ${options.source} as of ${commit} failed:\n${build.all ?? ""}`.trimEnd());
    }
    return { artifacts: join(dir, "artifacts"), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
