#!/usr/bin/env node
// Launcher for the `consortia` CLI: registers tsx's loader in this process and runs src/cli/main.ts (no build step).
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/cli/main.ts", import.meta.url).href);
