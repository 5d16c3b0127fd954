#!/usr/bin/env node
// Launcher for the `consortia` CLI: registers tsx's loader in this process and runs src/cli/main.ts (no build step).
// The repository's tsconfig maps `@consortia/sdk` to the SDK's source, from whatever directory the CLI is run in.
import { mkdirSync, statSync } from "node:fs";
import module from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// Node's compile cache (V8 code of every module loaded; NODE_DISABLE_COMPILE_CACHE=1 turns it off): less CPU at each
// start. The processes the CLI starts (serve, index) use the same directory. Not Node's default in the shared temporary
// directory: a code cache planted there by another user would run as this one. The user's own cache directory, as the
// PGlite template cache (src/indexer/db.ts), and only if it is this user's and not writable by others.
function ownCompileCacheDir() {
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "consortia", "node-compile-cache");
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    const uid = process.getuid?.();
    return (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}
const cacheDir = process.env.NODE_COMPILE_CACHE ?? ownCompileCacheDir();
const compileCache = cacheDir === undefined ? undefined : module.enableCompileCache?.(cacheDir);
if (compileCache?.directory !== undefined) process.env.NODE_COMPILE_CACHE ??= compileCache.directory;
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import(new URL("../src/cli/main.ts", import.meta.url).href);
