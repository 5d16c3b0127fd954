/**
 * Every client `createConsortia` offers, by the property name it gets. To add an application: write
 * `./<app>.ts` (default export `defineClient({...})`, see ./registry.ts) and add one line here.
 */
import ledger from "./ledger.js";
import registry from "./registry.js";
import token from "./token.js";

export const CLIENTS = {
  registry,
  token,
  ledger,
} as const;

export type ClientName = keyof typeof CLIENTS;
