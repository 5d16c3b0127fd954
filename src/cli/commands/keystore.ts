/** `consortia keystore create` and `consortia whoami`: keys live in the environment or an encrypted keystore. */
import { open, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { Wallet } from "ethers";
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { details } from "../output.js";
import { readStdin } from "../stdin.js";

export function register(program: Command, cli: () => Cli): void {
  const keystore = program.command("keystore").description("encrypted JSON keystores (scrypt, Web3 Secret Storage v3)");

  keystore
    .command("create")
    .requiredOption("--out <file>", "where to write the keystore (never overwritten)")
    .description("encrypt a private key read from stdin with CONSORTIA_KEYSTORE_PASSWORD")
    .action(async (options: { out: string }) => {
      const password = process.env.CONSORTIA_KEYSTORE_PASSWORD;
      if (password === undefined || password.length < 8) {
        throw new ConfigError("set CONSORTIA_KEYSTORE_PASSWORD (at least 8 characters) to encrypt the keystore");
      }
      // Claim the file before reading the key and before the slow encryption: an existing file fails at once.
      const path = resolve(options.out);
      let handle;
      try {
        handle = await open(path, "wx", 0o600);
      } catch (error) {
        const exists = (error as NodeJS.ErrnoException).code === "EEXIST";
        throw new ConfigError(
          exists
            ? `cannot create ${path}: the file exists (never overwritten)`
            : `cannot create ${path}: ${(error as Error).message}`,
        );
      }
      let wallet: Wallet;
      try {
        const key = await readStdin("private key (hex), then Enter and Ctrl-D: ");
        const hex = key.startsWith("0x") ? key : `0x${key}`;
        if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
          throw new UsageError("stdin is not a private key: expected 64 hex digits");
        wallet = new Wallet(hex);
        cli().out.progress("encrypting (scrypt)…");
        await handle.writeFile(`${await wallet.encrypt(password)}\n`);
        await handle.close();
      } catch (error) {
        // Leave no empty or partial keystore behind.
        await handle.close().catch(() => undefined);
        await rm(path, { force: true });
        throw error;
      }
      cli().out.result({ address: wallet.address, keystore: path }, () => `wrote ${path} for ${wallet.address}`);
    });

  program
    .command("whoami")
    .description("the signing account, its member and the node's chain")
    .action(async () => {
      const c = cli();
      const signer = await c.signer();
      const address = await signer.getAddress();
      const { registry } = await c.consortia();
      const memberId = await registry.memberOf(address);
      const found = memberId === undefined ? undefined : await registry.member(memberId);
      const info = {
        address,
        chainId: await c.chainId(),
        memberId,
        member: found?.name,
        memberStatus: found?.status,
      };
      c.out.result(info, () => details({ ...info, member: found?.name ?? "(none)" }));
    });
}
