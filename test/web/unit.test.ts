/**
 * The web console's Vitest suite (src/web/app/*.test.ts: i18n completeness, formatters, the API client's sign-in,
 * the work queue, the demo wallet's chain check), run from mocha so that `npm test` and CI run it.
 */
import { expect } from "chai";
import { execa } from "execa";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("web console unit tests (Vitest)", function () {
  this.timeout(300_000);

  it("pass", async () => {
    const result = await execa(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--config", "src/web/vite.config.ts"],
      { cwd: ROOT, env: { NO_COLOR: "1", CI: "1" }, reject: false, all: true },
    );
    expect(result.exitCode, result.all).to.equal(0);
    const summary = /Tests\s+(\d+) passed/.exec(result.all ?? "");
    expect(summary, result.all).to.not.equal(null);
    expect(Number(summary![1])).to.be.greaterThan(15);
  });
});
