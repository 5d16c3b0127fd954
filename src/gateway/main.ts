/**
 * Runs the data gateway from the environment (see README.md "Data sharing"): `node --import tsx src/gateway/main.ts`.
 * A configuration it cannot start with (environment, manifest, files, the operator key's standing) is one `error:`
 * line and exit code 2 (the stack only with CONSORTIA_DEBUG=1); SIGINT/SIGTERM/SIGHUP stop it (src/local/lifecycle.ts).
 */
import { installShutdown, onShutdown, shutdown } from "../local/lifecycle.js";
import { loadConfig } from "./config.js";
import { GatewayConfigError } from "./errors.js";
import { startGateway } from "./server.js";

const CONFIG_EXIT = 2;

installShutdown();
try {
  const config = await loadConfig();
  const gateway = await startGateway(config);
  onShutdown(`data gateway ${gateway.url}`, gateway.close);
  console.log(
    `data gateway for member ${gateway.ownerMember} (operator ${gateway.operator}) on ${gateway.url}, ` +
      `${config.files.length} file(s)`,
  );
} catch (error) {
  const { code, port, address } = error as NodeJS.ErrnoException & { port?: number; address?: string };
  const taken = code === "EADDRINUSE";
  process.stderr.write(
    taken
      ? `error: port ${port} (GATEWAY_PORT) is already in use on ${address}; set GATEWAY_PORT to another\n`
      : `error: ${(error as Error).message}\n`,
  );
  if (process.env.CONSORTIA_DEBUG === "1") process.stderr.write(`${(error as Error).stack}\n`);
  await shutdown(taken || error instanceof GatewayConfigError ? CONFIG_EXIT : 1);
}
