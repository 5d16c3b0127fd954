#!/usr/bin/env node
// Launcher for the `consortia` CLI: registers tsx's loader in this process and runs src/cli/main.ts (no build step).
// The repository's tsconfig maps `@consortia/sdk` to the SDK's source, from whatever directory the CLI is run in.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(new URL("../src/cli/main.ts", import.meta.url).href);
