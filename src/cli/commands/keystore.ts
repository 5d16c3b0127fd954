/** `consortia keystore create` and `consortia whoami`: keys live in the environment or an encrypted keystore. */
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { Wallet } from "ethers";
import type { Command } from "commander";
import type { Cli } from "../context.js";
import { ConfigError, UsageError } from "../errors.js";
import { details } from "../output.js";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("private key (hex), then Enter and Ctrl-D: ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

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
      const key = await readStdin();
      const hex = key.startsWith("0x") ? key : `0x${key}`;
      if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError("stdin is not a private key: expected 64 hex digits");
      const wallet = new Wallet(hex);
      cli().out.progress("encrypting (scrypt)…");
      const json = await wallet.encrypt(password);
      const path = resolve(options.out);
      let handle;
      try {
        handle = await open(path, "wx", 0o600);
      } catch (error) {
        throw new ConfigError(`cannot create ${path}: ${(error as Error).message}`);
      }
      await handle.writeFile(`${json}\n`);
      await handle.close();
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
