/**
 * What `consortia upgrade verify` checks: that an implementation's code on chain is the local build of a contract,
 * byte for byte, once the values its constructor wrote into immutables (the network constants) are taken from the
 * chain. The build's metadata hash (the last bytes of the code) covers every source file and compiler setting, so
 * equality means the same sources built the same way: build the proposal's source commit, then run the check.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { getBytes, hexlify, keccak256 } from "ethers";

/** The parts of a Hardhat artifact the check reads. */
export interface BuildArtifact {
  contractName: string;
  sourceName: string;
  deployedBytecode: string;
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

export interface BuildComparison {
  /** The code on chain is this build's (immutables aside). */
  matches: boolean;
  /** keccak256 of the code on chain: what `proposeUpgrade` records as the bytecode hash. */
  codeHash: string;
}

/** Compares code read from the chain with a local build of the contract. */
export function compareWithBuild(onChainCode: string, artifact: BuildArtifact): BuildComparison {
  const chain = getBytes(onChainCode);
  const local = Uint8Array.from(getBytes(artifact.deployedBytecode));
  const codeHash = keccak256(chain);
  if (chain.length !== local.length) return { matches: false, codeHash };
  for (const references of Object.values(artifact.immutableReferences ?? {})) {
    for (const { start, length } of references) local.set(chain.subarray(start, start + length), start);
  }
  return { matches: hexlify(local) === hexlify(chain), codeHash };
}

/** Reads the artifact of a suite contract from a Hardhat artifacts directory (`<dir>/<source>/<Name>.json`). */
export async function readArtifact(artifactsDir: string, source: string, name: string): Promise<BuildArtifact> {
  return JSON.parse(await readFile(join(artifactsDir, source, `${name}.json`), "utf8")) as BuildArtifact;
}
