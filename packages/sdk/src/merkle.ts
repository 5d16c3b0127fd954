/**
 * Merkle trees of a data-sharing version's files, in the encoding `DataSharing.verifyFileInTree` checks: OpenZeppelin's
 * StandardMerkleTree over one `bytes32` column (leaf `keccak256(bytes.concat(keccak256(abi.encode(fileHash))))`,
 * pairs hashed sorted, as `MerkleProof`). Browser-safe: hashes, not files (`hashFile` gives a file's hash in Node).
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "./bytes.js";

/** The leaf encoding of a file tree: one `bytes32`, the keccak-256 of the file. */
export const FILE_TREE_ENCODING = ["bytes32"] as const;

const HASH32 = /^0x[0-9a-fA-F]{64}$/;

/** A file hash that is not 0x and 64 hex digits, or is zero (the contract refuses a zero file hash). */
export class InvalidFileHashError extends Error {
  override name = "InvalidFileHashError";
}

/** The same file content twice in one tree: its proof would be ambiguous, and a version lists each file once. */
export class DuplicateFileError extends Error {
  override name = "DuplicateFileError";
}

/** The hash is not a leaf of the tree. */
export class FileNotInTreeError extends Error {
  override name = "FileNotInTreeError";
}

export interface FileTree {
  /** The `contentHash` to register with `hashKind: "MerkleRoot"`. */
  readonly root: Hex;
  /** The file hashes, in the order given. */
  readonly fileHashes: readonly Hex[];
  /** The proof `verifyFileInTree` (and the gateway manifest's `proof`) needs for one file hash. */
  proof(fileHash: string): Hex[];
  /** The tree in OpenZeppelin's dump format (`StandardMerkleTree.load` reads it back). */
  dump(): ReturnType<StandardMerkleTree<[Hex]>["dump"]>;
}

function normalise(fileHash: string): Hex {
  if (typeof fileHash !== "string" || !HASH32.test(fileHash))
    throw new InvalidFileHashError(`file hash ${String(fileHash)} is not 0x and 64 hex digits`);
  const lower = fileHash.toLowerCase() as Hex;
  if (/^0x0{64}$/.test(lower)) throw new InvalidFileHashError("the zero hash is not a file hash");
  return lower;
}

/** Builds the tree of a version's files from their keccak-256 hashes (at least one, each once). */
export function fileTree(fileHashes: readonly string[]): FileTree {
  if (fileHashes.length === 0) throw new InvalidFileHashError("a file tree needs at least one file");
  const hashes = fileHashes.map(normalise);
  const index = new Map<Hex, number>();
  hashes.forEach((hash, i) => {
    const earlier = index.get(hash);
    if (earlier !== undefined)
      throw new DuplicateFileError(`files ${earlier} and ${i} have the same content (hash ${hash})`);
    index.set(hash, i);
  });
  const tree = StandardMerkleTree.of(
    hashes.map((hash): [Hex] => [hash]),
    [...FILE_TREE_ENCODING],
  );
  return {
    root: tree.root as Hex,
    fileHashes: hashes,
    proof: (fileHash) => {
      const i = index.get(normalise(fileHash));
      if (i === undefined) throw new FileNotInTreeError(`file hash ${fileHash} is not in the tree ${tree.root}`);
      return tree.getProof(i) as Hex[];
    },
    dump: () => tree.dump(),
  };
}

/** Whether `proof` shows `fileHash` in the tree of `root` (what `verifyFileInTree` answers, off chain). */
export function verifyFileProof(root: string, fileHash: string, proof: readonly string[]): boolean {
  if (!HASH32.test(root) || !proof.every((node) => HASH32.test(node))) return false;
  let hash: Hex;
  try {
    hash = normalise(fileHash);
  } catch {
    return false;
  }
  return StandardMerkleTree.verify(root, [...FILE_TREE_ENCODING], [hash], [...proof]);
}
