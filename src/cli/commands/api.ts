/**
 * `consortia api login --api <url>`: signs in to a query API with the CLI's key (CONSORTIA_PRIVATE_KEY, --keystore or
 * --as) and prints the bearer token, for curl and scripts: `-H "Authorization: Bearer $TOKEN"`.
 */
import type { Command } from "commander";
import { signIn, SignInError } from "@consortia/sdk";
import type { Cli } from "../context.js";
import { UsageError } from "../errors.js";

export function register(program: Command, cli: () => Cli): void {
  const api = program.command("api").description("the query API (indexer): sign in with the signing key");

  api
    .command("login")
    .requiredOption("--api <url>", "the API's base URL, e.g. http://127.0.0.1:8080")
    .description("sign in to the query API as the signing account's member and print the token (short-lived)")
    .action(async (options: { api: string }) => {
      const c = cli();
      if (!/^https?:\/\//.test(options.api))
        throw new UsageError(`--api: expected an http(s):// URL, not ${options.api}`);
      const wallet = await c.signer();
      const account = await wallet.getAddress();
      try {
        const session = await signIn({ api: options.api, account, signMessage: (m) => wallet.signMessage(m) });
        // Plain output is the token alone, for `TOKEN=$(consortia ... api login --api ...)`; --json has all of it.
        c.out.result({ account, ...session }, () => session.token);
      } catch (error) {
        if (error instanceof SignInError) throw new Error(`sign-in refused (${error.status}): ${error.message}`);
        throw error;
      }
    });
}
