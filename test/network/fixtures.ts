import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChainParameters } from "../../src/network/genesis.js";

/** Chain parameters of the network tests (validators and funded accounts are each test's own). */
export const TEST_CHAIN: Omit<ChainParameters, "validators" | "funded"> = {
  chainId: 4242,
  blockPeriodSeconds: 2,
  requestTimeoutSeconds: 10,
  epochLength: 30_000,
  gasLimit: 100_000_000n,
  contractSizeLimit: 24_576,
  fork: "berlin",
  minGasPrice: 0n,
  timestamp: 1_700_000_000,
};

/** A stand-in for validator nodes' JSON-RPC: records each request; `/refuse` answers with a JSON-RPC error. */
export interface VoteRecorder {
  url: string;
  received: unknown[];
  close(): Promise<void>;
}

export async function startVoteRecorder(): Promise<VoteRecorder> {
  const received: unknown[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push(JSON.parse(body));
      const answer =
        request.url === "/refuse"
          ? { jsonrpc: "2.0", id: 1, error: { code: -32601, message: "Method not found" } }
          : { jsonrpc: "2.0", id: 1, result: true };
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
