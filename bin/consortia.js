#!/usr/bin/env node
// Launcher for the `consortia` CLI: registers tsx's loader in this process and runs src/cli/main.ts (no build step).
// The repository's tsconfig maps `@consortia/sdk` to the SDK's source, from whatever directory the CLI is run in.
import module from "node:module";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// Node's compile cache (V8 code of every module loaded, in the OS temporary directory; NODE_DISABLE_COMPILE_CACHE=1
// turns it off): less CPU at each start. The processes the CLI starts (serve, index) use the same directory.
const compileCache = module.enableCompileCache?.();
if (compileCache?.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= compileCache.directory;
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(new URL("../src/cli/main.ts", import.meta.url).href);
