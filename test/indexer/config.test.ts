import { expect } from "chai";
import { ConfigError, configFromEnvAndArgs, parseConfig } from "../../src/indexer/config.js";

describe("indexer: configuration", () => {
  it("applies defaults: localhost API, 0 confirmations, PGlite", () => {
    const config = configFromEnvAndArgs([], {});
    expect(config).to.include({
      apiHost: "127.0.0.1",
      apiPort: 8080,
      confirmations: 0,
      dataDir: ".pglite",
      rpcUrl: "http://127.0.0.1:8545",
    });
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.apiToken).to.equal(undefined);
  });
  it("reads environment variables and lets flags override them", () => {
    const config = configFromEnvAndArgs(["--confirmations", "3", "--api-port", "9000"], {
      CONFIRMATIONS: "1",
      RPC_URL: "http://node:8545",
      DATABASE_URL: "postgres://x@db/y",
    });
    expect(config).to.include({
      confirmations: 3,
      apiPort: 9000,
      rpcUrl: "http://node:8545",
      databaseUrl: "postgres://x@db/y",
    });
  });
  it("rejects bad values with every problem named", () => {
    expect(() => configFromEnvAndArgs([], { CONFIRMATIONS: "-1", RPC_URL: "ftp://x", API_TOKEN: "short" })).to.throw(
      ConfigError,
      /confirmations[\s\S]*rpcUrl|rpcUrl[\s\S]*confirmations/,
    );
    expect(() => parseConfig({ rpcUrl: "http://x", deployments: "d.json", minLogRange: 10, maxLogRange: 5 })).to.throw(
      ConfigError,
      /minLogRange/,
    );
    expect(() => configFromEnvAndArgs(["--no-such-flag", "1"], {})).to.throw();
  });
});
