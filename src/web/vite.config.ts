/**
 * The web console's build (Vite + React). `root` is this folder; the bundle goes to `dist/web/` at the repository
 * root, which `npm start` serves (src/web/server.ts). The SDK is taken from its sources (`@consortia/sdk/client`, the
 * browser entry, its keccak hashing and its envelope sealing), none of which imports a Node built-in (`hashFile`, the
 * one that needs `node:fs`, lives in the SDK's Node-only hashFile.ts).
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** A typechain factory of the SDK (`…/typechain/factories/…/X__factory.ts`). */
const FACTORY = /[\\/]packages[\\/]sdk[\\/]src[\\/]typechain[\\/]factories[\\/].*__factory\.ts$/;
const BYTECODE = /const _bytecode =\s*"0x[0-9a-fA-F]*"/;

/**
 * The SDK's clients connect to deployed contracts through typechain's factories, which also carry each contract's
 * creation bytecode (for `deploy`, never done in a browser): up to ~50 KB of hex per contract, which made most of the
 * SDK chunk loaded on sign-in (257 KB gzip with it, 67 KB without, December 2026). The console drops it
 * (`_bytecode = "0x"`); ABIs and `connect` are untouched.
 */
export function dropFactoryBytecode(): Plugin {
  return {
    name: "consortia:drop-factory-bytecode",
    enforce: "pre",
    transform(code, id) {
      if (!FACTORY.test(id) || !BYTECODE.test(code)) return null;
      return { code: code.replace(BYTECODE, 'const _bytecode = "0x"'), map: null };
    },
  };
}

export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [react(), dropFactoryBytecode()],
  resolve: {
    alias: [
      { find: /^@consortia\/sdk\/client$/, replacement: here("../../packages/sdk/src/browser.ts") },
      { find: /^@consortia\/sdk\/hashing$/, replacement: here("../../packages/sdk/src/hashing.ts") },
      // envelope sealing (a credit report's details): Node-free since bytes.ts does base64 with btoa/atob
      { find: /^@consortia\/sdk\/envelope$/, replacement: here("../../packages/sdk/src/envelope.ts") },
    ],
  },
  build: {
    outDir: here("../../dist/web"),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    reportCompressedSize: true,
  },
  test: {
    root: here("."),
    include: ["app/**/*.test.{ts,tsx}"],
    environment: "node",
  },
});
