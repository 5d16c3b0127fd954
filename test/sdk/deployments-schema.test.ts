import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { deploymentSchema, DeploymentFileError, readDeployment } from "@consortia/sdk";

const run = promisify(execFile);

/**
 * Issue 23: one deployments schema (it was declared three times, partly in zod 3 and partly in zod 4), and the whole
 * code base on zod 4. The SDK's `deploymentSchema` is the one; everything else reads files with `readDeployment`.
 */
describe("one deployments schema, on zod 4", () => {
  it("the project depends on zod 4 only, and nothing imports zod 3 (`zod/v3`)", async () => {
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.zod).to.match(/^\^?4\./);
    const sdk = JSON.parse(await readFile("packages/sdk/package.json", "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(sdk.dependencies.zod).to.match(/^\^?4\./);
    const { stdout } = await run("git", [
      "grep",
      "-l",
      "-E",
      `from "zod/v3"|from 'zod/v3'`,
      "--",
      "src",
      "packages",
      "scripts",
    ]).catch((error: { code?: number; stdout?: string }) =>
      error.code === 1 ? { stdout: "" } : Promise.reject(error),
    );
    expect(stdout.trim()).to.equal("");
  });

  it("is declared once: no other file declares a deployments shape (chainId, deploymentBlock and contracts)", async () => {
    const { stdout } = await run("git", [
      "grep",
      "-l",
      "-E",
      "deploymentBlock: z\\.",
      "--",
      "src",
      "packages",
      "scripts",
    ]);
    expect(stdout.trim().split("\n")).to.deep.equal(["packages/sdk/src/deployments.ts"]);
  });

  it("readDeployment validates with it: a good file is read, a bad address or block is refused with the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "consortia-deployments-"));
    try {
      const good = {
        chainId: 1337,
        deploymentBlock: 3,
        contracts: { ConsortiumRegistry: { address: `0x${"ab".repeat(20)}`, block: 3 } },
      };
      await writeFile(join(dir, "good.json"), JSON.stringify(good));
      expect(await readDeployment(join(dir, "good.json"))).to.deep.equal(deploymentSchema.parse(good));
      const bad = { ...good, contracts: { ConsortiumRegistry: { address: "0x12", block: -1 } } };
      await writeFile(join(dir, "bad.json"), JSON.stringify(bad));
      const error = await readDeployment(join(dir, "bad.json")).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(DeploymentFileError);
      expect((error as Error).message).to.contain("contracts.ConsortiumRegistry.address: an address");
      expect((error as Error).message).to.contain("contracts.ConsortiumRegistry.block");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
