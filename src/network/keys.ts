/**
 * Node keys: the secp256k1 key a Besu or GoQuorum node signs p2p handshakes and (for a validator) QBFT messages with.
 * Keys come from ethers' SigningKey over the OS random source; nothing here does curve arithmetic of its own.
 */
import { computeAddress, randomBytes, SigningKey, hexlify } from "ethers";

export interface NodeKey {
  /** 0x-prefixed 32-byte private key (secret: written to disk with owner-only permissions). */
  privateKey: string;
  /** 64-byte uncompressed public key, hex without 0x and without the 04 prefix: the node id of an enode URL. */
  nodeId: string;
  /** The node's address: a validator's identity in QBFT extraData and votes. */
  address: string;
}

/** Derives the public parts of a node key from its private key. */
export function nodeKeyFrom(privateKey: string): NodeKey {
  const signingKey = new SigningKey(privateKey);
  return {
    privateKey: signingKey.privateKey,
    nodeId: signingKey.publicKey.slice(4),
    address: computeAddress(signingKey.publicKey),
  };
}

/** A fresh node key from the OS random source. */
export function generateNodeKey(): NodeKey {
  return nodeKeyFrom(hexlify(randomBytes(32)));
}

/** `enode://<node id>@<host>:<port>`: how peers, static-nodes.json and the node allowlists name a node. */
export function enodeUrl(nodeId: string, host: string, port: number): string {
  return `enode://${nodeId}@${host}:${port}`;
}
