/** What every page reads: the run-time configuration, the API client and the signed-in wallet (if any). */
import { createContext, useContext } from "react";
import type { ApiClient } from "./api.js";
import type { ConsoleConfig } from "./config.js";
import type { WalletSession } from "./wallet.js";

export interface AppState {
  config: ConsoleConfig;
  api: ApiClient;
  session: WalletSession | undefined;
  setSession: (session: WalletSession | undefined) => void;
}

export const AppContext = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (state === undefined) throw new Error("useApp outside <AppContext>");
  return state;
}
