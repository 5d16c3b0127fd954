/** Splits `RPC_URL=a,b,c` (or the CLI's `--rpc a,b,c`) into its URLs. Kept free of imports: the CLI loads it. */
export const splitUrls = (list: string): string[] =>
  list
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
