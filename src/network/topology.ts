/**
 * Where each generated node lives: its key, its p2p address (the host part of its enode URL) and the port its RPC is
 * published on. Besu nodes run in one Docker network with fixed addresses; GoQuorum nodes as processes on one host.
 */
import { isIP } from "node:net";
import type { Client } from "./genesis.js";
import { enodeUrl, generateNodeKey, type NodeKey } from "./keys.js";

/** The Docker bridge network of the generated docker-compose.yml; nodes take .11, .12, … */
export const DOCKER_SUBNET = "172.16.239.0/24";
const DOCKER_FIRST_HOST = 11;
export const P2P_PORT = 30303;
export const RPC_PORT = 8545;
/** Node names are node-1 … node-N; more than this many validators is not a consortium's first network. */
export const MAX_VALIDATORS = 50;

export interface PlannedNode {
  /** node-1 … node-N: the directory and the Compose service. */
  name: string;
  key: NodeKey;
  /** Host in the enode URL: a Docker address (Besu) or the loopback interface (GoQuorum). */
  p2pHost: string;
  p2pPort: number;
  /** Port of the node's JSON-RPC on the operator's interface. */
  rpcPort: number;
  enode: string;
  /** Founding member that runs the node (round-robin over the founders file). */
  operator: string;
}

function dockerAddress(index: number): string {
  const prefix = DOCKER_SUBNET.split(".").slice(0, 3).join(".");
  return `${prefix}.${DOCKER_FIRST_HOST + index}`;
}

/** Checks `--p2p-hosts`: one IP address per node, each host running one node (so all use the standard ports). */
function checkHosts(hosts: readonly string[], count: number): void {
  if (hosts.length !== count) throw new RangeError(`--p2p-hosts names ${hosts.length} hosts for ${count} validators`);
  const bad = hosts.find((host) => isIP(host) === 0);
  // The node allowlists match enode URLs by IP address: a host name would need DNS support switched on everywhere.
  if (bad !== undefined) throw new RangeError(`--p2p-hosts: "${bad}" is not an IP address`);
  if (new Set(hosts).size !== hosts.length) throw new RangeError("--p2p-hosts: one node per host, each host once");
}

/**
 * Plans `count` validator nodes with fresh keys, operated round-robin by `operators`. With `hosts` (one IP address
 * per node) each node runs on a host of its own; without, all run on one host.
 */
export function planNodes(
  client: Client,
  count: number,
  operators: readonly string[],
  hosts?: readonly string[],
): PlannedNode[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_VALIDATORS) {
    throw new RangeError(`--validators must be 1 to ${MAX_VALIDATORS}`);
  }
  if (hosts !== undefined) checkHosts(hosts, count);
  return Array.from({ length: count }, (_, index) => {
    const key = generateNodeKey();
    // Compose gives every Besu node its own address, so all use the standard ports; GoQuorum processes on one host
    // take consecutive ports. A host per node: standard ports everywhere.
    const oneHostAddress = client === "besu" ? dockerAddress(index) : "127.0.0.1";
    const p2pHost = hosts?.[index] ?? oneHostAddress;
    const shared = hosts === undefined && client === "goquorum";
    const p2pPort = shared ? P2P_PORT + index : P2P_PORT;
    return {
      name: `node-${index + 1}`,
      key,
      p2pHost,
      p2pPort,
      rpcPort: hosts === undefined ? RPC_PORT + index : RPC_PORT,
      enode: enodeUrl(key.nodeId, p2pHost, p2pPort),
      operator: operators[index % operators.length],
    };
  });
}
