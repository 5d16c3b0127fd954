import { expect } from "chai";
import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import { passProposal } from "../helpers/consortium.js";
import { DAY, ReceiverMode, confirmed, deployReceivables, eventNames, split } from "./fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const SPLIT = "transferFrom(uint256,address,uint256)";
const WHOLE = "transferFrom(address,address,uint256)";
const MERGE = "transferFrom(uint256,uint256,uint256)";
const VALUE_OF = "balanceOf(uint256)";
const COUNT_OF = "balanceOf(address)";
const APPROVE_VALUE = "approve(uint256,address,uint256)";
const APPROVE_TOKEN = "approve(address,uint256)";
const SAFE_TRANSFER = "safeTransferFrom(address,address,uint256)";

async function deployed() {
  return deployReceivables(connection);
}

/** A confirmed receivable of 1,000,000 whose root certificate supplier1 holds. */
async function withRoot() {
  const fx = await deployReceivables(connection);
  const r = await confirmed(fx);
  return { fx, ...r };
}

function interfaceId(signatures: string[]): string {
  let id = 0n;
  for (const s of signatures) id ^= BigInt(keccak256(toUtf8Bytes(s)).slice(0, 10));
  return "0x" + id.toString(16).padStart(8, "0");
}

async function suspend(fx: Awaited<ReturnType<typeof deployed>>, memberId: number) {
  await passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

describe("ReceivableCertificate", () => {
  describe("ERC-165 and metadata", () => {
    it("declares ERC-165, ERC-721, ERC-721 metadata, ERC-3525, ERC-3525 metadata and ITransferableClaim", async () => {
      const { certificates } = await networkHelpers.loadFixture(deployed);
      const claimId = interfaceId([
        "claimInfo(uint256)",
        "approveClaim(uint256,address)",
        "transferClaim(uint256,address)",
      ]);
      for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0xd5358140", "0xe1600902", claimId]) {
        expect(await certificates.supportsInterface(id), id).to.equal(true);
      }
      expect(await certificates.supportsInterface("0xffffffff")).to.equal(false);
      expect(await certificates.supportsInterface("0x780e9d63")).to.equal(false); // not enumerable
    });

    it("computes the ERC-3525 ids the ERC publishes", () => {
      expect(
        interfaceId([
          "valueDecimals()",
          "balanceOf(uint256)",
          "slotOf(uint256)",
          "approve(uint256,address,uint256)",
          "allowance(uint256,address)",
          "transferFrom(uint256,uint256,uint256)",
          "transferFrom(uint256,address,uint256)",
        ]),
      ).to.equal("0xd5358140");
      expect(interfaceId(["contractURI()", "slotURI(uint256)"])).to.equal("0xe1600902");
      expect(interfaceId(["onERC3525Received(address,uint256,uint256,uint256,bytes)"])).to.equal("0x009ce20b");
    });

    it("names itself, uses the currency's decimals and serves URIs under a base governance sets", async () => {
      const { fx, rootTokenId, receivableId } = await networkHelpers.loadFixture(withRoot);
      const { certificates } = fx;
      expect(await certificates.name()).to.equal("Consortia Receivable Certificate");
      expect(await certificates.symbol()).to.equal("CRC");
      expect(await certificates.valueDecimals()).to.equal(2n);
      expect(await certificates.tokenURI(rootTokenId)).to.equal("");
      expect(await certificates.contractURI()).to.equal("");
      await expect(certificates.setBaseURI("https://x/")).to.be.revertedWithCustomError(certificates, "OnlyGovernance");
      await expect(
        passProposal(
          fx,
          certificates,
          certificates.interface.encodeFunctionData("setBaseURI", ["https://meta.example/crc/"]),
        ),
      ).to.emit(certificates, "BaseURIChanged");
      expect(await certificates.tokenURI(rootTokenId)).to.equal(`https://meta.example/crc/token/${rootTokenId}`);
      expect(await certificates.slotURI(receivableId)).to.equal(`https://meta.example/crc/slot/${receivableId}`);
      expect(await certificates.contractURI()).to.equal("https://meta.example/crc/contract");
      await expect(certificates.tokenURI(999)).to.be.revertedWithCustomError(certificates, "ERC721NonexistentToken");
    });
  });

  describe("minting on confirmation", () => {
    it("emits Transfer, SlotChanged, TransferValue, CertificateDerived in that order with the ERC's arguments", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const { makeTerms } = await import("./fixture.js");
      const terms = await makeTerms(fx);
      await fx.desk.connect(fx.accounts.supplier1).register(terms);
      const tx = await fx.desk.connect(fx.accounts.core).confirm(1);
      expect(await eventNames(tx, fx.certificates)).to.deep.equal([
        "Transfer",
        "SlotChanged",
        "TransferValue",
        "CertificateDerived",
      ]);
      const s1 = fx.accounts.supplier1.address;
      await expect(tx).to.emit(fx.certificates, "Transfer").withArgs(ZeroAddress, s1, 1);
      await expect(tx).to.emit(fx.certificates, "SlotChanged").withArgs(1, 0, 1);
      await expect(tx).to.emit(fx.certificates, "TransferValue").withArgs(0, 1, terms.faceValue);
      await expect(tx).to.emit(fx.certificates, "CertificateDerived").withArgs(1, 0, 1, 1);
      expect(await fx.certificates.ownerOf(1)).to.equal(s1);
      expect(await fx.certificates[VALUE_OF](1)).to.equal(terms.faceValue);
      expect(await fx.certificates.slotOf(1)).to.equal(1n);
      expect(await fx.certificates[COUNT_OF](s1)).to.equal(1n);
      expect(await fx.certificates.lineage(1)).to.deep.equal([0n, 1n, 1n]);
      expect(await fx.certificates.totalMinted()).to.equal(1n);
    });

    it("only the desk mints, locks, unlocks, takes locked value or burns", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates.connect(fx.accounts.core);
      const s1 = fx.accounts.supplier1.address;
      for (const call of [
        c.mint(s1, 1, (await fx.now()) + DAY, 1),
        c.lock(rootTokenId, 1),
        c.unlock(rootTokenId, 1),
        c.takeLocked(rootTokenId, s1, 1),
        c.burn(rootTokenId),
      ]) {
        await expect(call).to.be.revertedWithCustomError(c, "CertificateOnlyDesk").withArgs(fx.accounts.core.address);
      }
    });

    it("binds its desk once, by the deployer only", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await expect(fx.certificates.bindDesk(fx.accounts.core.address))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateDeskBinding")
        .withArgs(fx.deployer.address, fx.accounts.core.address);
      await expect(
        fx.certificates.connect(fx.accounts.core).bindDesk(fx.accounts.core.address),
      ).to.be.revertedWithCustomError(fx.certificates, "CertificateDeskBinding");
      expect(await fx.certificates.desk()).to.equal(await fx.desk.getAddress());
    });
  });

  describe("split: transferFrom(tokenId, to, value)", () => {
    it("creates a child certificate one tier down and emits the ERC events in order", async () => {
      const { fx, rootTokenId, receivableId } = await networkHelpers.loadFixture(withRoot);
      const { certificates } = fx;
      const s2 = fx.accounts.supplier2.address;
      const tx = await certificates.connect(fx.accounts.supplier1)[SPLIT](rootTokenId, s2, 300_000n);
      expect(await eventNames(tx, certificates)).to.deep.equal([
        "Transfer",
        "SlotChanged",
        "TransferValue",
        "CertificateDerived",
      ]);
      await expect(tx).to.emit(certificates, "Transfer").withArgs(ZeroAddress, s2, 2);
      await expect(tx).to.emit(certificates, "SlotChanged").withArgs(2, 0, receivableId);
      await expect(tx).to.emit(certificates, "TransferValue").withArgs(rootTokenId, 2, 300_000n);
      await expect(tx).to.emit(certificates, "CertificateDerived").withArgs(2, rootTokenId, receivableId, 2);
      expect(await certificates[VALUE_OF](rootTokenId)).to.equal(700_000n);
      expect(await certificates[VALUE_OF](2)).to.equal(300_000n);
      expect(await certificates.ownerOf(2)).to.equal(s2);
      expect(await certificates.lineage(2)).to.deep.equal([rootTokenId, rootTokenId, 2n]);
    });

    it("traces a second-tier split back to the root", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const tier2 = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 300_000n);
      const tier3 = await split(fx, fx.accounts.supplier2, tier2, fx.accounts.supplier3, 100_000n);
      expect(await fx.certificates.lineage(tier3)).to.deep.equal([tier2, rootTokenId, 3n]);
      const cert = await fx.certificates.certificate(tier3);
      expect(cert.parent).to.equal(tier2);
      expect(cert.tier).to.equal(3n);
      expect(cert.value).to.equal(100_000n);
    });

    it("rejects zero value, value above the free value and a split to the zero address", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      const s2 = fx.accounts.supplier2.address;
      await expect(c[SPLIT](rootTokenId, s2, 0)).to.be.revertedWithCustomError(c, "CertificateZeroValue");
      await expect(c[SPLIT](rootTokenId, s2, 1_000_001n))
        .to.be.revertedWithCustomError(c, "CertificateInsufficientValue")
        .withArgs(rootTokenId, 1_000_000n, 1_000_001n);
      await expect(c[SPLIT](rootTokenId, ZeroAddress, 1)).to.be.revertedWithCustomError(c, "ERC721InvalidReceiver");
      await expect(c[SPLIT](999, s2, 1))
        .to.be.revertedWithCustomError(c, "ERC721NonexistentToken")
        .withArgs(999);
    });

    it("goes only to accounts of active members allowed to hold receivables", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      await expect(c[SPLIT](rootTokenId, fx.outsiders[0].address, 1)).to.be.revertedWithCustomError(
        fx.registry,
        "UnknownAccount",
      );
      await expect(c[SPLIT](rootTokenId, fx.accounts.agency.address, 1)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(c[SPLIT](rootTokenId, fx.accounts.regulator.address, 1)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await suspend(fx, fx.ids.supplier2);
      await expect(c[SPLIT](rootTokenId, fx.accounts.supplier2.address, 1)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
      // a bank (FINANCIER) may hold
      await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.bankA, 1n);
    });

    it("a suspended holder can move nothing", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      await suspend(fx, fx.ids.supplier1);
      await expect(
        fx.certificates.connect(fx.accounts.supplier1)[SPLIT](rootTokenId, fx.accounts.supplier2.address, 1),
      ).to.be.revertedWithCustomError(fx.registry, "MemberNotActive");
    });

    it("nothing moves from maturity on", async () => {
      const { fx, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      await networkHelpers.time.increaseTo(maturity);
      await expect(fx.certificates.connect(fx.accounts.supplier1)[SPLIT](rootTokenId, fx.accounts.supplier2.address, 1))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateMatured")
        .withArgs(rootTokenId, maturity);
    });

    it("is refused while the certificate contract is paused", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      await passProposal(fx, fx.certificates, fx.certificates.interface.encodeFunctionData("pause"));
      await expect(
        fx.certificates.connect(fx.accounts.supplier1)[SPLIT](rootTokenId, fx.accounts.supplier2.address, 1),
      ).to.be.revertedWithCustomError(fx.certificates, "EnforcedPause");
      await passProposal(fx, fx.certificates, fx.certificates.interface.encodeFunctionData("unpause"));
      await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 1n);
    });
  });

  describe("merge: transferFrom(fromTokenId, toTokenId, value)", () => {
    it("moves value between certificates of one receivable and emits only TransferValue", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const child = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 100_000n);
      const tx = await fx.certificates.connect(fx.accounts.supplier1)[MERGE](rootTokenId, child, 50_000n);
      expect(await eventNames(tx, fx.certificates)).to.deep.equal(["TransferValue"]);
      await expect(tx).to.emit(fx.certificates, "TransferValue").withArgs(rootTokenId, child, 50_000n);
      expect(await fx.certificates[VALUE_OF](rootTokenId)).to.equal(850_000n);
      expect(await fx.certificates[VALUE_OF](child)).to.equal(150_000n);
    });

    it("rejects a merge across receivables, into itself, of zero or above the free value", async () => {
      const { fx, rootTokenId, receivableId } = await networkHelpers.loadFixture(withRoot);
      const other = await confirmed(fx);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      await expect(c[MERGE](rootTokenId, other.rootTokenId, 1))
        .to.be.revertedWithCustomError(c, "CertificateSlotMismatch")
        .withArgs(rootTokenId, other.rootTokenId, receivableId, other.receivableId);
      await expect(c[MERGE](rootTokenId, rootTokenId, 1)).to.be.revertedWithCustomError(c, "CertificateSelfTransfer");
      const child = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 100_000n);
      await expect(c[MERGE](rootTokenId, child, 0)).to.be.revertedWithCustomError(c, "CertificateZeroValue");
      await expect(c[MERGE](rootTokenId, child, 900_001n)).to.be.revertedWithCustomError(
        c,
        "CertificateInsufficientValue",
      );
      await expect(c[MERGE](rootTokenId, 999, 1)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(
        fx.certificates.connect(fx.accounts.supplier3)[MERGE](rootTokenId, child, 1),
      ).to.be.revertedWithCustomError(c, "CertificateInsufficientAllowance");
    });

    it("refuses value into a certificate held by a suspended member", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const child = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 100_000n);
      await suspend(fx, fx.ids.supplier2);
      await expect(
        fx.certificates.connect(fx.accounts.supplier1)[MERGE](rootTokenId, child, 1),
      ).to.be.revertedWithCustomError(fx.registry, "MemberNotActive");
    });
  });

  describe("value approvals", () => {
    it("lets an operator move up to its allowance and spends it", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const op = fx.accounts.supplier2;
      await expect(fx.certificates.connect(fx.accounts.supplier1)[APPROVE_VALUE](rootTokenId, op.address, 100n))
        .to.emit(fx.certificates, "ApprovalValue")
        .withArgs(rootTokenId, op.address, 100n);
      expect(await fx.certificates.allowance(rootTokenId, op.address)).to.equal(100n);
      await expect(fx.certificates.connect(op)[SPLIT](rootTokenId, fx.accounts.supplier3.address, 101n))
        .to.be.revertedWithCustomError(fx.certificates, "CertificateInsufficientAllowance")
        .withArgs(rootTokenId, op.address, 100n, 101n);
      await expect(fx.certificates.connect(op)[SPLIT](rootTokenId, fx.accounts.supplier3.address, 60n))
        .to.emit(fx.certificates, "ApprovalValue")
        .withArgs(rootTokenId, op.address, 40n);
      expect(await fx.certificates.allowance(rootTokenId, op.address)).to.equal(40n);
    });

    it("never spends an unlimited allowance", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const op = fx.accounts.supplier2;
      await fx.certificates.connect(fx.accounts.supplier1)[APPROVE_VALUE](rootTokenId, op.address, ethers.MaxUint256);
      await split(fx, op, rootTokenId, fx.accounts.supplier3, 10n);
      expect(await fx.certificates.allowance(rootTokenId, op.address)).to.equal(ethers.MaxUint256);
    });

    it("only the owner, its operator or the approved address approves value, never to zero or the owner", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates;
      await expect(c.connect(fx.accounts.supplier2)[APPROVE_VALUE](rootTokenId, fx.accounts.supplier3.address, 1))
        .to.be.revertedWithCustomError(c, "ERC721InvalidApprover")
        .withArgs(fx.accounts.supplier2.address);
      await expect(
        c.connect(fx.accounts.supplier1)[APPROVE_VALUE](rootTokenId, ZeroAddress, 1),
      ).to.be.revertedWithCustomError(c, "ERC721InvalidOperator");
      await expect(
        c.connect(fx.accounts.supplier1)[APPROVE_VALUE](rootTokenId, fx.accounts.supplier1.address, 1),
      ).to.be.revertedWithCustomError(c, "ERC721InvalidOperator");
      await c.connect(fx.accounts.supplier1).setApprovalForAll(fx.accounts.supplier2.address, true);
      await c.connect(fx.accounts.supplier2)[APPROVE_VALUE](rootTokenId, fx.accounts.supplier3.address, 5);
      expect(await c.allowance(rootTokenId, fx.accounts.supplier3.address)).to.equal(5n);
    });

    it("voids value allowances when the certificate changes hands, also if it comes back", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates;
      const [s1, s2, s3] = [fx.accounts.supplier1, fx.accounts.supplier2, fx.accounts.supplier3];
      await c.connect(s1)[APPROVE_VALUE](rootTokenId, s3.address, 100n);
      await c.connect(s1)[WHOLE](s1.address, s2.address, rootTokenId);
      expect(await c.allowance(rootTokenId, s3.address)).to.equal(0n);
      await c.connect(s2)[WHOLE](s2.address, s1.address, rootTokenId);
      expect(await c.allowance(rootTokenId, s3.address)).to.equal(0n);
      await expect(c.connect(s3)[SPLIT](rootTokenId, s3.address, 1)).to.be.revertedWithCustomError(
        c,
        "CertificateInsufficientAllowance",
      );
    });

    it("an account that is not an active member can be given no allowance to move value", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const outsider = fx.outsiders[0];
      await expect(
        fx.certificates.connect(fx.accounts.supplier1)[APPROVE_VALUE](rootTokenId, outsider.address, 100n),
      ).to.be.revertedWithCustomError(fx.registry, "UnknownAccount");
    });

    it("approvals need an active member", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      await suspend(fx, fx.ids.supplier1);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      await expect(c[APPROVE_VALUE](rootTokenId, fx.accounts.supplier2.address, 1)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
      await expect(c[APPROVE_TOKEN](fx.accounts.supplier2.address, rootTokenId)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
      await expect(c.setApprovalForAll(fx.accounts.supplier2.address, true)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });
  });

  describe("ERC-721 whole transfers and approvals", () => {
    it("transfers a whole certificate with Transfer and ClaimTransferred and clears its approval", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates;
      const [s1, s2, s3] = [fx.accounts.supplier1, fx.accounts.supplier2, fx.accounts.supplier3];
      await expect(c.connect(s1)[APPROVE_TOKEN](s3.address, rootTokenId))
        .to.emit(c, "Approval")
        .withArgs(s1.address, s3.address, rootTokenId);
      expect(await c.getApproved(rootTokenId)).to.equal(s3.address);
      const tx = await c.connect(s3)[WHOLE](s1.address, s2.address, rootTokenId);
      expect(await eventNames(tx, c)).to.deep.equal(["Transfer", "ClaimTransferred"]);
      await expect(tx).to.emit(c, "Transfer").withArgs(s1.address, s2.address, rootTokenId);
      expect(await c.ownerOf(rootTokenId)).to.equal(s2.address);
      expect(await c[COUNT_OF](s1.address)).to.equal(0n);
      expect(await c[COUNT_OF](s2.address)).to.equal(1n);
      expect(await c.getApproved(rootTokenId)).to.equal(ZeroAddress);
      expect(await c[VALUE_OF](rootTokenId)).to.equal(1_000_000n);
    });

    it("lets an operator for all transfer, and stops when revoked", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates;
      const [s1, s2, s3] = [fx.accounts.supplier1, fx.accounts.supplier2, fx.accounts.supplier3];
      await expect(c.connect(s1).setApprovalForAll(s3.address, true))
        .to.emit(c, "ApprovalForAll")
        .withArgs(s1.address, s3.address, true);
      expect(await c.isApprovedForAll(s1.address, s3.address)).to.equal(true);
      await c.connect(s1).setApprovalForAll(s3.address, false);
      await expect(c.connect(s3)[WHOLE](s1.address, s2.address, rootTokenId))
        .to.be.revertedWithCustomError(c, "ERC721InsufficientApproval")
        .withArgs(s3.address, rootTokenId);
      await c.connect(s1).setApprovalForAll(s3.address, true);
      await c.connect(s3)[WHOLE](s1.address, s2.address, rootTokenId);
      expect(await c.ownerOf(rootTokenId)).to.equal(s2.address);
    });

    it("rejects a wrong from, the zero address, oneself, unknown tokens and bad queries", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      const [s1, s2] = [fx.accounts.supplier1.address, fx.accounts.supplier2.address];
      await expect(c[WHOLE](s2, s1, rootTokenId))
        .to.be.revertedWithCustomError(c, "ERC721IncorrectOwner")
        .withArgs(s2, rootTokenId, s1);
      await expect(c[WHOLE](s1, ZeroAddress, rootTokenId)).to.be.revertedWithCustomError(c, "ERC721InvalidReceiver");
      await expect(c[WHOLE](s1, s1, rootTokenId)).to.be.revertedWithCustomError(c, "CertificateSelfTransfer");
      await expect(c.ownerOf(999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c.getApproved(999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c[COUNT_OF](ZeroAddress)).to.be.revertedWithCustomError(c, "ERC721InvalidOwner");
      await expect(c.setApprovalForAll(ZeroAddress, true)).to.be.revertedWithCustomError(c, "ERC721InvalidOperator");
      await expect(c.setApprovalForAll(s1, true)).to.be.revertedWithCustomError(c, "ERC721InvalidOperator");
      await expect(c.connect(fx.accounts.supplier2)[APPROVE_TOKEN](s2, rootTokenId)).to.be.revertedWithCustomError(
        c,
        "ERC721InvalidApprover",
      );
      await expect(c.certificate(999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c.lineage(999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c.slotOf(999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c[VALUE_OF](999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c.allowance(999, s1)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
      await expect(c.isApprovedOrOwner(s1, 999)).to.be.revertedWithCustomError(c, "ERC721NonexistentToken");
    });

    it("refuses a whole transfer to a non-member, after maturity or with locked value", async () => {
      const { fx, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      const s1 = fx.accounts.supplier1.address;
      await expect(c[WHOLE](s1, fx.outsiders[0].address, rootTokenId)).to.be.revertedWithCustomError(
        fx.registry,
        "UnknownAccount",
      );
      await fx.desk.connect(fx.accounts.supplier1).pledge(rootTokenId, 1n, fx.ids.bankA, (await fx.now()) + DAY);
      await expect(c[WHOLE](s1, fx.accounts.supplier2.address, rootTokenId))
        .to.be.revertedWithCustomError(c, "CertificateLocked")
        .withArgs(rootTokenId, 1n);
      await networkHelpers.time.increaseTo(maturity);
      await expect(c[WHOLE](s1, fx.accounts.supplier2.address, rootTokenId)).to.be.revertedWithCustomError(
        c,
        "CertificateMatured",
      );
    });

    it("safeTransferFrom calls onERC721Received and honours its answer", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates.connect(fx.accounts.supplier1);
      const s1 = fx.accounts.supplier1.address;
      const receiver = await fx.receiver.getAddress();
      await fx.receiver.setMode(ReceiverMode.WrongAnswer);
      await expect(c[SAFE_TRANSFER](s1, receiver, rootTokenId))
        .to.be.revertedWithCustomError(c, "ERC721InvalidReceiver")
        .withArgs(receiver);
      await fx.receiver.setMode(ReceiverMode.Revert);
      await expect(c[SAFE_TRANSFER](s1, receiver, rootTokenId)).to.be.revertedWith("receiver refuses");
      await fx.receiver.setMode(ReceiverMode.Accept);
      await c[SAFE_TRANSFER](s1, receiver, rootTokenId);
      expect(await c.ownerOf(rootTokenId)).to.equal(receiver);
      expect(await fx.receiver.received()).to.equal(1n);
      // an EOA needs no hook
      const back = fx.receiver.interface.encodeFunctionData("execute", [
        await c.getAddress(),
        c.interface.encodeFunctionData("safeTransferFrom(address,address,uint256,bytes)", [
          receiver,
          s1,
          rootTokenId,
          "0x",
        ]),
      ]);
      await fx.accounts.supplier2.sendTransaction({ to: receiver, data: back });
      expect(await c.ownerOf(rootTokenId)).to.equal(s1);
    });
  });

  describe("ERC-3525 receiver hook", () => {
    it("calls onERC3525Received on a receiving contract with operator, from, to and value", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const receiver = await fx.receiver.getAddress();
      const tx = await fx.certificates.connect(fx.accounts.supplier1)[SPLIT](rootTokenId, receiver, 10n);
      await expect(tx).to.emit(fx.receiver, "Received").withArgs(fx.accounts.supplier1.address, rootTokenId, 2, 10n);
      // a merge into the contract's certificate calls it too
      await expect(fx.certificates.connect(fx.accounts.supplier1)[MERGE](rootTokenId, 2, 5n))
        .to.emit(fx.receiver, "Received")
        .withArgs(fx.accounts.supplier1.address, rootTokenId, 2, 5n);
      expect(await fx.certificates[VALUE_OF](2)).to.equal(15n);
    });

    it("reverts the transfer when the receiver refuses or answers wrongly", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const receiver = await fx.receiver.getAddress();
      const c = fx.certificates.connect(fx.accounts.supplier1);
      await fx.receiver.setMode(ReceiverMode.WrongAnswer);
      await expect(c[SPLIT](rootTokenId, receiver, 10n))
        .to.be.revertedWithCustomError(c, "CertificateReceiverRejected")
        .withArgs(receiver);
      await fx.receiver.setMode(ReceiverMode.Revert);
      await expect(c[SPLIT](rootTokenId, receiver, 10n)).to.be.revertedWith("receiver refuses");
      expect(await c[VALUE_OF](rootTokenId)).to.equal(1_000_000n);
    });

    it("does not call a contract that does not declare the receiver interface", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      await fx.receiver.setMode(ReceiverMode.Silent);
      await split(fx, fx.accounts.supplier1, rootTokenId, fx.receiver, 10n);
      expect(await fx.receiver.received()).to.equal(0n);
    });

    it("a malicious receiver that re-enters cannot spend the same allowance twice", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const receiver = await fx.receiver.getAddress();
      await fx.certificates.connect(fx.accounts.supplier1)[APPROVE_VALUE](rootTokenId, receiver, 300_000n);
      await fx.receiver.setMode(ReceiverMode.Reenter);
      await fx.receiver.pull(rootTokenId, 300_000n);
      expect(await fx.receiver.reentryAttempts()).to.equal(1n);
      expect(await fx.receiver.reentrySucceeded()).to.equal(false);
      const error = fx.certificates.interface.parseError(await fx.receiver.reentryError());
      expect(error?.name).to.equal("CertificateInsufficientAllowance");
      expect(error?.args.toArray()).to.deep.equal([rootTokenId, receiver, 0n, 300_000n]);
      expect(await fx.certificates.totalMinted()).to.equal(2n);
      expect(await fx.certificates[VALUE_OF](rootTokenId)).to.equal(700_000n);
      expect(await fx.certificates[VALUE_OF](2)).to.equal(300_000n);
      expect(await fx.certificates.allowance(rootTokenId, receiver)).to.equal(0n);
    });

    it("a malicious receiver that re-enters cannot move value beyond the certificate's balance", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const receiver = await fx.receiver.getAddress();
      const child = await split(fx, fx.accounts.supplier1, rootTokenId, fx.accounts.supplier2, 400_000n);
      await fx.certificates.connect(fx.accounts.supplier2)[APPROVE_VALUE](child, receiver, ethers.MaxUint256);
      await fx.receiver.setMode(ReceiverMode.Reenter);
      await fx.receiver.pull(child, 400_000n);
      const error = fx.certificates.interface.parseError(await fx.receiver.reentryError());
      expect(error?.name).to.equal("CertificateInsufficientValue");
      expect(await fx.certificates[VALUE_OF](child)).to.equal(0n);
      expect(await fx.certificates[VALUE_OF](3)).to.equal(400_000n);
      expect(await fx.certificates.totalMinted()).to.equal(3n);
    });
  });

  describe("ITransferableClaim", () => {
    it("describes a certificate as a claim on its obligor", async () => {
      const { fx, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      const info = await fx.certificates.claimInfo(rootTokenId);
      expect(info.holder).to.equal(fx.accounts.supplier1.address);
      expect(info.obligor).to.equal(BigInt(fx.ids.core));
      expect(info.maturity).to.equal(maturity);
      expect(info.amount).to.equal(1_000_000n);
      expect(info.settled).to.equal(false);
      await expect(fx.certificates.claimInfo(999)).to.be.revertedWithCustomError(
        fx.certificates,
        "ERC721NonexistentToken",
      );
    });

    it("approveClaim lets an operator transfer the claim once", async () => {
      const { fx, rootTokenId } = await networkHelpers.loadFixture(withRoot);
      const c = fx.certificates;
      const [s1, s2, bank] = [fx.accounts.supplier1, fx.accounts.supplier2, fx.accounts.bankA];
      await expect(c.connect(s2).approveClaim(rootTokenId, bank.address)).to.be.revertedWithCustomError(
        c,
        "ERC721InvalidApprover",
      );
      await expect(c.connect(s1).approveClaim(rootTokenId, bank.address))
        .to.emit(c, "ClaimApproval")
        .withArgs(rootTokenId, s1.address, bank.address);
      await expect(c.connect(bank).transferClaim(rootTokenId, s2.address))
        .to.emit(c, "ClaimTransferred")
        .withArgs(rootTokenId, s1.address, s2.address);
      expect((await c.claimInfo(rootTokenId)).holder).to.equal(s2.address);
      await expect(c.connect(bank).transferClaim(rootTokenId, s1.address)).to.be.revertedWithCustomError(
        c,
        "ERC721InsufficientApproval",
      );
    });

    it("never transfers a matured claim", async () => {
      const { fx, rootTokenId, maturity } = await networkHelpers.loadFixture(withRoot);
      await networkHelpers.time.increaseTo(maturity);
      await expect(
        fx.certificates.connect(fx.accounts.supplier1).transferClaim(rootTokenId, fx.accounts.supplier2.address),
      ).to.be.revertedWithCustomError(fx.certificates, "CertificateMatured");
    });
  });
});
