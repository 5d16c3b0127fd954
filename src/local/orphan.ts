/**
 * Preloaded (`node --import tsx --import src/local/orphan.ts <program>`) into a child that is not ours to edit, such as
 * `hardhat node`: when the Consortia process that started it dies without stopping it, it stops itself.
 */
import { watchParent } from "./lifecycle.js";

watchParent(() => process.kill(process.pid, "SIGTERM"));
