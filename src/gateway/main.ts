import { loadConfig } from "./config.js";
import { startGateway } from "./server.js";

/** Runs the data gateway from the environment (see README.md "Data sharing"): `npx tsx src/gateway/main.ts`. */
const config = await loadConfig();
const gateway = await startGateway(config);
console.log(
  `data gateway for member ${gateway.ownerMember} (operator ${gateway.operator}) on ${gateway.url}, ` +
    `${config.files.length} file(s)`,
);
const stop = (): void => {
  void gateway.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
