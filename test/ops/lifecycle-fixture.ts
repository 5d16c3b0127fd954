/**
 * A process that uses src/local/lifecycle.ts the way the services do, for test/ops/lifecycle.test.ts:
 * `node --import tsx test/ops/lifecycle-fixture.ts parent <step delay ms>` spawns this file as a `child`, registers a
 * step that takes the given time to stop, and prints `ready <child pid>`; a `child` registers one step and prints
 * `child ready`. Mocha loads every file under test/: nothing runs unless this file is the process's main module.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installShutdown, onShutdown, spawnChild } from "../../src/local/lifecycle.js";

const self = fileURLToPath(import.meta.url);

if (process.argv[1] !== undefined && resolve(process.argv[1]) === self) {
  const [mode, delay] = process.argv.slice(2);
  installShutdown({ log: (line) => console.log(line) });
  if (mode === "parent") {
    const child = spawnChild(process.execPath, ["--import", "tsx", self, "child"], { buffer: false });
    child.stdout?.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    onShutdown(`child (pid ${child.pid})`, async () => {
      child.kill("SIGTERM");
      await child;
    });
    onShutdown(`slow step (${delay} ms)`, () => new Promise((done) => setTimeout(done, Number(delay))));
    // Ready once the child is (its line comes first).
    await new Promise((done) => child.stdout?.once("data", done));
    console.log(`ready ${child.pid}`);
  } else {
    onShutdown("child work", async () => {});
    console.log("child ready");
  }
  setInterval(() => {}, 60_000);
}
