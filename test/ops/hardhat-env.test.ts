/**
 * A child Hardhat runs the project of its own working directory, whatever the parent exported. Under `hardhat test`
 * the parent's global options are in the environment (`HARDHAT_CONFIG` = this work tree's config, `HARDHAT_NETWORK`,
 * …; hardhat-mocha's `setGlobalOptionsAsEnvVariables`), and Hardhat reads `HARDHAT_CONFIG` before it looks for the
 * closest config file: a child started in a temporary project (`npm run test:mutants`, a test's `runHardhat` there)
 * used to load the work tree's project instead. `hardhatEnv` (src/local/hardhat.ts) is the one place that cleans it.
 */
import { expect } from "chai";
import { mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hardhatEnv } from "../../src/local/hardhat.js";
import { runHardhat } from "../helpers/commands.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Sets `vars` in process.env for the duration of `work`, then restores what was there. */
async function withEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What `hardhat test mocha` exports in this process (set here too, so that the test holds under plain mocha). */
const PARENT = {
  HARDHAT_CONFIG: join(ROOT, "hardhat.config.ts"),
  HARDHAT_NETWORK: "no-such-network",
  HARDHAT_COVERAGE: "true",
  HH_TEST: "true",
};

describe("ops: child Hardhat processes get a clean environment", function () {
  this.timeout(120_000);

  it("hardhatEnv drops what a parent Hardhat exported, keeps everything else, and lets the caller set any of it", async () => {
    await withEnv({ ...PARENT, CONSORTIA_SOMETHING: "kept", HARDHAT_DISABLE_TELEMETRY: "true" }, async () => {
      const env = hardhatEnv({ FORCE_COLOR: "0", HARDHAT_BUILD_PROFILE: "production" });
      for (const name of Object.keys(PARENT)) expect(env, name).to.not.have.property(name);
      expect(env.CONSORTIA_SOMETHING).to.equal("kept");
      expect(env.HARDHAT_DISABLE_TELEMETRY, "a user's setting for every Hardhat").to.equal("true");
      expect(env.PATH).to.equal(process.env.PATH);
      expect(env.FORCE_COLOR).to.equal("0");
      expect(env.HARDHAT_BUILD_PROFILE).to.equal("production");
      // The parent's own environment is untouched.
      expect(process.env.HARDHAT_CONFIG).to.equal(PARENT.HARDHAT_CONFIG);
    });
  });

  it("drops every global option this `hardhat test` run exported", function () {
    // Under `hardhat test`, hardhat-mocha has exported its global options into this process (not under plain mocha).
    const exported = Object.keys(process.env).filter(
      (name) => /^HARDHAT_/.test(name) && name !== "HARDHAT_DISABLE_TELEMETRY",
    );
    if (!exported.includes("HARDHAT_CONFIG")) this.skip();
    expect(exported).to.include.members(["HARDHAT_CONFIG", "HARDHAT_COVERAGE", "HARDHAT_VERBOSITY"]);
    const env = hardhatEnv();
    expect(exported.filter((name) => name in env && !name.startsWith("HARDHAT_IGNITION_CONFIRM_"))).to.deep.equal([]);
  });

  describe("a Hardhat started in another project", () => {
    let project: string;
    before(async () => {
      project = await realpath(await mkdtemp(join(tmpdir(), "consortia-hardhat-env-")));
      await writeFile(join(project, "package.json"), JSON.stringify({ name: "other", private: true, type: "module" }));
      await writeFile(
        join(project, "hardhat.config.ts"),
        [
          'import { defineConfig, task } from "hardhat/config";',
          "export default defineConfig({",
          "  tasks: [",
          '    task("whereami", "prints the project root and network")',
          "      .setInlineAction(async (_, hre) => {",
          '        console.log(`root=${hre.config.paths.root} network=${hre.globalOptions.network ?? "default"}`);',
          "      })",
          "      .build(),",
          "  ],",
          "});",
          "",
        ].join("\n"),
      );
      await symlink(join(ROOT, "node_modules"), join(project, "node_modules"), "dir");
    });
    after(async () => {
      await rm(project, { recursive: true, force: true });
    });

    it("loads that project's config, not the parent's HARDHAT_CONFIG, and not the parent's network", async () => {
      // Without hardhatEnv the child loads the work tree's config (no `whereami` task: it fails), or the parent's
      // network (`no-such-network`: it fails).
      const { stdout } = await withEnv(PARENT, () => runHardhat(["whereami"], {}, project));
      expect(stdout.trim()).to.equal(`root=${project} network=default`);
    });
  });

  it("every place that starts Hardhat as a child process passes hardhatEnv", async () => {
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.name.endsWith(".ts")) files.push(path);
      }
    };
    for (const dir of ["src", "scripts", "test"]) await walk(join(ROOT, dir));
    const starters: string[] = [];
    const unclean: string[] = [];
    for (const file of files) {
      if (file === fileURLToPath(import.meta.url) || file === join(ROOT, "src/local/hardhat.ts")) continue;
      const text = await readFile(file, "utf8");
      // The CLI file in an argument list, its path spelled out, or `npx hardhat`.
      if (!/[[,]\s*HARDHAT_CLI\s*[,\]]|hardhat\/dist\/src\/cli\.js|"npx",\s*\[\s*"hardhat"/.test(text)) continue;
      starters.push(relative(ROOT, file));
      if (!text.includes("hardhatEnv(")) unclean.push(relative(ROOT, file));
    }
    expect(starters).to.include.members([
      "src/local/node.ts",
      "scripts/start.ts",
      "scripts/bench/deploy.ts",
      "scripts/security/mutants.ts",
      "src/cli/commands/deploy.ts",
      "test/helpers/commands.ts",
    ]);
    expect(unclean, "files that start Hardhat without hardhatEnv").to.deep.equal([]);
  });
});
