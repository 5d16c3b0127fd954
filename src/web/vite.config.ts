/**
 * The web console's build (Vite + React). `root` is this folder; the bundle goes to `dist/web/` at the repository
 * root, which `npm start` serves (src/web/server.ts). The SDK is taken from its sources (`@consortia/sdk/client`, the
 * browser entry, its keccak hashing and its envelope sealing), none of which imports a Node built-in (`hashFile`, the
 * one that needs `node:fs`, lives in the SDK's Node-only hashFile.ts).
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [react()],
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
