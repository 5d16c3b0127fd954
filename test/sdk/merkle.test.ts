import { expect } from "chai";
import { AbiCoder, keccak256, solidityPackedKeccak256, ZeroHash } from "ethers";
import { network } from "hardhat";
import {
  DuplicateFileError,
  FileNotInTreeError,
  InvalidFileHashError,
  fileTree,
  verifyFileProof,
} from "@consortia/sdk";
import { deployDataSharing, h, HashKind } from "../data-sharing/fixture.js";

const connection = await network.create(
  process.argv.includes("--coverage") ? { override: { allowUnlimitedContractSize: true } } : undefined,
);
const { loadFixture } = connection.networkHelpers;
const abi = AbiCoder.defaultAbiCoder();

async function dataSharingFixture() {
  return deployDataSharing(connection);
}

/** The contract's encoding written out by hand: leaf keccak(keccak(abi.encode(hash))), pairs hashed sorted. */
const leaf = (fileHash: string) => keccak256(keccak256(abi.encode(["bytes32"], [fileHash])));
const pair = (a: string, b: string) =>
  solidityPackedKeccak256(["bytes32", "bytes32"], BigInt(a) < BigInt(b) ? [a, b] : [b, a]);

describe("sdk: data-sharing file trees (@openzeppelin/merkle-tree)", function () {
  const files = ["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"].map((name) => h(name));

  it("one file: the root is its leaf and the proof is empty", () => {
    const tree = fileTree([files[0]]);
    expect(tree.root).to.equal(leaf(files[0]));
    expect(tree.proof(files[0])).to.deep.equal([]);
  });

  it("two files: the root is the sorted pair of their leaves", () => {
    const tree = fileTree([files[0], files[1]]);
    expect(tree.root).to.equal(pair(leaf(files[0]), leaf(files[1])));
    expect(tree.proof(files[0])).to.deep.equal([leaf(files[1])]);
  });

  it("the root does not depend on the order of the files", () => {
    expect(fileTree([...files].reverse()).root).to.equal(fileTree(files).root);
  });

  it("every proof verifies on chain with verifyFileInTree; a foreign file and a wrong proof do not", async () => {
    const { data, owner } = await loadFixture(dataSharingFixture);
    const tree = fileTree(files);
    await data.connect(owner).publishVersion(1, tree.root, HashKind.MerkleRoot, h("metadata v2"));
    for (const file of files) {
      const proof = tree.proof(file);
      expect(await data.verifyFileInTree(1, 2, file, proof), file).to.equal(true);
      expect(verifyFileProof(tree.root, file, proof)).to.equal(true);
    }
    const proof = tree.proof(files[0]);
    expect(await data.verifyFileInTree(1, 2, h("forged.pdf"), proof)).to.equal(false);
    expect(verifyFileProof(tree.root, h("forged.pdf"), proof)).to.equal(false);
    expect(await data.verifyFileInTree(1, 2, files[0], tree.proof(files[1]))).to.equal(false);
    expect(verifyFileProof(tree.root, files[0], tree.proof(files[1]))).to.equal(false);
    // The version before (a single-file hash) is not a tree.
    expect(await data.verifyFileInTree(1, 1, files[0], proof)).to.equal(false);
  });

  it("upper-case hex is the same file", () => {
    const upper = `0x${files[2].slice(2).toUpperCase()}`;
    const tree = fileTree([files[0], upper]);
    expect(tree.root).to.equal(fileTree([files[0], files[2]]).root);
    expect(tree.proof(files[2])).to.deep.equal(tree.proof(upper));
  });

  it("rejects no files, a file twice, the zero hash and malformed hashes", () => {
    expect(() => fileTree([])).to.throw(InvalidFileHashError, "at least one file");
    expect(() => fileTree([files[0], files[1], files[0]])).to.throw(DuplicateFileError, "files 0 and 2");
    expect(() => fileTree([files[0], `0x${files[0].slice(2).toUpperCase()}`])).to.throw(DuplicateFileError);
    expect(() => fileTree([ZeroHash])).to.throw(InvalidFileHashError, "zero hash");
    for (const bad of ["", "0x", files[0].slice(0, 65), `${files[0]}00`, files[0].slice(2), `0x${"g".repeat(64)}`]) {
      expect(() => fileTree([bad]), bad).to.throw(InvalidFileHashError);
    }
  });

  it("a proof of a file not in the tree is refused, and verifyFileProof answers false to malformed input", () => {
    const tree = fileTree(files.slice(0, 3));
    expect(() => tree.proof(files[4])).to.throw(FileNotInTreeError);
    expect(verifyFileProof("0x1234", files[0], tree.proof(files[0]))).to.equal(false);
    expect(verifyFileProof(tree.root, "nonsense", [])).to.equal(false);
    expect(verifyFileProof(tree.root, files[0], ["0x12"])).to.equal(false);
  });

  it("dumps in OpenZeppelin's format with the bytes32 encoding", () => {
    const dump = fileTree(files).dump();
    expect(dump.format).to.equal("standard-v1");
    expect(dump.leafEncoding).to.deep.equal(["bytes32"]);
    expect(dump.values).to.have.length(files.length);
  });
});
