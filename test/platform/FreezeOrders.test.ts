import { expect } from "chai";
import { keccak256, toUtf8Bytes, type Addressable, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { fund, passProposal } from "../helpers/consortium.js";
import { AccessLevel } from "../helpers/suite.js";
import { DAY, confirmed, deployReceivables, split, type Receivables } from "../receivables/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const Kind = { None: 0, Certificate: 1, Tokens: 2, Claim: 3 } as const;
const Status = { None: 0n, Proposed: 1n, Active: 2n, Released: 3n, Cancelled: 4n, Lapsed: 5n } as const;
const Path = { None: 0n, Regulators: 1n, Governance: 2n } as const;
const REFERENCE = keccak256(toUtf8Bytes("(2026) Hu 0101 Zhi Bao 123: order document"));
const AUTHORITY = keccak256(toUtf8Bytes("authority: Shanghai Pudong People's Court"));
const MAX = 2n ** 256n - 1n;

interface Scope {
  kind: number;
  asset: string | Addressable;
  claimContract: string;
  id: bigint;
  amount: bigint;
}

interface Fx extends Receivables {
  regulator2: HardhatEthersSigner;
  tokenId: bigint;
  maturity: bigint;
}

/** Receivables deployed; a second Transact account of the regulator; supplier1 holds certificate 1 (1,000,000). */
async function deployed(): Promise<Fx> {
  const fx = await deployReceivables(connection);
  const [regulator2] = fx.outsiders;
  await fx.registry.connect(fx.accounts.regulator).addAccount(fx.ids.regulator, regulator2, AccessLevel.Transact);
  const { rootTokenId, maturity } = await confirmed(fx);
  await fund(fx, fx.accounts.supplier2, 500_000n);
  return { ...fx, regulator2, tokenId: rootTokenId, maturity };
}

async function expiry(fx: Fx, days = 30): Promise<number> {
  return (await fx.now()) + days * DAY;
}

function certificateScope(fx: Fx, tokenId: bigint, amount: bigint): Scope {
  return {
    kind: Kind.Certificate,
    asset: fx.certificates.target,
    claimContract: ethers.ZeroAddress,
    id: tokenId,
    amount,
  };
}

function tokenScope(fx: Fx, account: string, amount: bigint): Scope {
  return { kind: Kind.Tokens, asset: fx.token.target, claimContract: ethers.ZeroAddress, id: BigInt(account), amount };
}

/** The regulator proposes, its second account approves: returns the order id. */
async function frozen(fx: Fx, scope: Scope, days = 30): Promise<bigint> {
  const orders = fx.freezeOrders;
  const until = await expiry(fx, days);
  const id = await orders.connect(fx.accounts.regulator).propose.staticCall(scope, REFERENCE, AUTHORITY, until);
  await orders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, until);
  await orders.connect(fx.regulator2).approve(id);
  return id;
}

async function suspend(fx: Fx, memberId: number): Promise<ContractTransactionResponse> {
  return passProposal(fx, fx.registry, fx.registry.interface.encodeFunctionData("suspendMember", [memberId]));
}

function splitTx(fx: Fx, signer: HardhatEthersSigner, tokenId: bigint, to: string, value: bigint) {
  return fx.certificates.connect(signer)["transferFrom(uint256,address,uint256)"](tokenId, to, value);
}

describe("FreezeOrders", () => {
  describe("a regulator proposes, a second regulator account approves", () => {
    it("records the order (hashes, authority, scope, expiry) and announces every step", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const scope = certificateScope(fx, fx.tokenId, 300_000n);
      const until = await expiry(fx);
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, until))
        .to.emit(fx.freezeOrders, "FreezeProposed")
        .withArgs(
          1n,
          fx.accounts.regulator.address,
          fx.ids.regulator,
          Object.values(scope).map((v) => (typeof v === "number" ? BigInt(v) : v)),
          REFERENCE,
          AUTHORITY,
          until,
        );
      // Proposed only: nothing frozen yet.
      expect(await fx.freezeOrders.frozenAmount(fx.certificates, ethers.ZeroAddress, fx.tokenId)).to.equal(0n);
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(1n))
        .to.emit(fx.freezeOrders, "FreezeActivated")
        .withArgs(
          1n,
          fx.regulator2.address,
          fx.ids.regulator,
          Path.Regulators,
          Object.values(scope).map((v) => (typeof v === "number" ? BigInt(v) : v)),
          REFERENCE,
          AUTHORITY,
          until,
        );
      const o = await fx.freezeOrders.order(1n);
      expect([o.status, o.path, o.proposer, o.approver, o.referenceHash, o.authorityHash]).to.deep.equal([
        Status.Active,
        Path.Regulators,
        fx.accounts.regulator.address,
        fx.regulator2.address,
        REFERENCE,
        AUTHORITY,
      ]);
      expect(await fx.freezeOrders.isInForce(1n)).to.equal(true);
      expect(await fx.freezeOrders.frozenAmount(fx.certificates, ethers.ZeroAddress, fx.tokenId)).to.equal(300_000n);
      expect(await fx.certificates.freezeCount(ethers.ZeroAddress, fx.tokenId)).to.equal(1n);
    });

    it("refuses a proposal or approval by a non-regulator, even one with AUDITOR of another kind", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const scope = certificateScope(fx, fx.tokenId, 1n);
      const until = await expiry(fx);
      await expect(
        fx.freezeOrders.connect(fx.accounts.bankA).propose(scope, REFERENCE, AUTHORITY, until),
      ).to.be.revertedWithCustomError(fx.registry, "MissingRole");
      await expect(
        fx.freezeOrders.connect(fx.outsiders[5]).propose(scope, REFERENCE, AUTHORITY, until),
      ).to.be.revertedWithCustomError(fx.registry, "UnknownAccount");
      // A government department given AUDITOR by vote is still no regulator.
      await passProposal(
        fx,
        fx.registry,
        fx.registry.interface.encodeFunctionData("setRoles", [fx.ids.gov2, (1n << 17n) | (1n << 6n)]),
      );
      await expect(fx.freezeOrders.connect(fx.accounts.gov2).propose(scope, REFERENCE, AUTHORITY, until))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeNotRegulator")
        .withArgs(fx.accounts.gov2.address);
      await fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, until);
      await expect(fx.freezeOrders.connect(fx.accounts.gov2).approve(1n)).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeNotRegulator",
      );
      await expect(fx.freezeOrders.connect(fx.accounts.supplier1).approve(1n)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
    });

    it("refuses the same regulator account approving its own proposal (two-person rule)", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const scope = certificateScope(fx, fx.tokenId, 1n);
      await fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, await expiry(fx));
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).approve(1n))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeSameRegulator")
        .withArgs(1n, fx.accounts.regulator.address);
      await fx.freezeOrders.connect(fx.regulator2).approve(1n);
      // A second approval of an active order is refused too.
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(1n))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeWrongStatus")
        .withArgs(1n, Status.Active);
    });

    it("refuses a suspended regulator, and a proposal whose proposer was suspended since", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const scope = certificateScope(fx, fx.tokenId, 1n);
      await fx.freezeOrders.connect(fx.regulator2).propose(scope, REFERENCE, AUTHORITY, await expiry(fx));
      // The proposing account suspended by its member's admin since: the proposal cannot take effect.
      await fx.registry.connect(fx.accounts.regulator).setAccount(fx.regulator2, 2, AccessLevel.Transact);
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).approve(1n))
        .to.be.revertedWithCustomError(fx.registry, "AccountNotActive")
        .withArgs(fx.regulator2.address, 2);
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(1n)).to.be.revertedWithCustomError(
        fx.registry,
        "AccountNotActive",
      );
      await fx.registry.connect(fx.accounts.regulator).setAccount(fx.regulator2, 1, AccessLevel.Transact);
      await fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, await expiry(fx));
      await suspend(fx, fx.ids.regulator);
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(2n)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
      await expect(
        fx.freezeOrders.connect(fx.accounts.regulator).propose(scope, REFERENCE, AUTHORITY, await expiry(fx)),
      ).to.be.revertedWithCustomError(fx.registry, "MemberNotActive");
    });

    it("refuses an empty reference or authority, a past or too distant expiry, and a foreign asset", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const reg = fx.freezeOrders.connect(fx.accounts.regulator);
      const scope = certificateScope(fx, fx.tokenId, 1n);
      const until = await expiry(fx);
      await expect(reg.propose(scope, ethers.ZeroHash, AUTHORITY, until)).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeInvalid",
      );
      await expect(reg.propose(scope, REFERENCE, ethers.ZeroHash, until)).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeInvalid",
      );
      await expect(reg.propose(scope, REFERENCE, AUTHORITY, await fx.now())).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeExpired",
      );
      await expect(reg.propose(scope, REFERENCE, AUTHORITY, await expiry(fx, 4 * 365))).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeInvalid",
      );
      // The desk does not obey the register; nor does an account without code.
      await expect(reg.propose({ ...scope, asset: fx.desk.target }, REFERENCE, AUTHORITY, until)).to.be.revert(ethers);
      await expect(
        reg.propose({ ...scope, asset: fx.accounts.bankA.address }, REFERENCE, AUTHORITY, until),
      ).to.be.revertedWithCustomError(fx.freezeOrders, "FreezeInvalidScope");
      // A certificate scope on the token, and a token scope on a suite contract's escrow.
      await expect(
        reg.propose({ ...scope, asset: fx.token.target }, REFERENCE, AUTHORITY, until),
      ).to.be.revertedWithCustomError(fx.token, "FreezeScopeUnsupported");
      await expect(
        reg.propose(tokenScope(fx, await fx.desk.getAddress(), 0n), REFERENCE, AUTHORITY, until),
      ).to.be.revertedWithCustomError(fx.token, "FreezeScopeUnsupported");
    });

    it("refuses to freeze value that has already moved (more than the certificate holds, a redeemed one)", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const reg = fx.freezeOrders.connect(fx.accounts.regulator);
      await split(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2.address, 600_000n);
      await expect(reg.propose(certificateScope(fx, fx.tokenId, 500_000n), REFERENCE, AUTHORITY, await expiry(fx)))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeValueNotThere")
        .withArgs(1n, 400_000n, 500_000n);
      // Proposed while there, moved before the approval: refused at approval.
      await reg.propose(certificateScope(fx, fx.tokenId, 300_000n), REFERENCE, AUTHORITY, await expiry(fx));
      await split(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2.address, 200_000n);
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(1n))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeValueNotThere")
        .withArgs(1n, 200_000n, 300_000n);
      await expect(
        reg.propose(certificateScope(fx, 999n, 0n), REFERENCE, AUTHORITY, await expiry(fx)),
      ).to.be.revertedWithCustomError(fx.certificates, "ERC721NonexistentToken");
      await expect(
        reg.propose(tokenScope(fx, fx.accounts.supplier2.address, 500_001n), REFERENCE, AUTHORITY, await expiry(fx)),
      ).to.be.revertedWithCustomError(fx.freezeOrders, "FreezeValueNotThere");
    });

    it("lets the proposer withdraw a proposal, nobody else", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fx.freezeOrders
        .connect(fx.accounts.regulator)
        .propose(certificateScope(fx, fx.tokenId, 1n), REFERENCE, AUTHORITY, await expiry(fx));
      await expect(fx.freezeOrders.connect(fx.regulator2).cancel(1n)).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeNotRegulator",
      );
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).cancel(1n))
        .to.emit(fx.freezeOrders, "FreezeCancelled")
        .withArgs(1n, fx.accounts.regulator.address);
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(1n))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeWrongStatus")
        .withArgs(1n, Status.Cancelled);
    });
  });

  describe("frozen value cannot move", () => {
    it("a certificate frozen for a value: only the value above it splits; no whole transfer, offer or redemption", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await frozen(fx, certificateScope(fx, fx.tokenId, 300_000n));
      const s1 = fx.accounts.supplier1;
      await expect(splitTx(fx, s1, fx.tokenId, fx.accounts.supplier2.address, 700_001n))
        .to.be.revertedWithCustomError(fx.certificates, "AssetFrozen")
        .withArgs(fx.certificates.target, fx.tokenId, 300_000n, 1_000_000n, 700_001n);
      await splitTx(fx, s1, fx.tokenId, fx.accounts.supplier2.address, 600_000n);
      await expect(
        fx.certificates
          .connect(s1)
          ["transferFrom(address,address,uint256)"](s1.address, fx.accounts.supplier2.address, fx.tokenId),
      ).to.be.revertedWithCustomError(fx.certificates, "AssetFrozen");
      // A discount offer locks value: frozen value cannot be offered.
      const deadline = (await fx.now()) + DAY;
      await expect(
        fx.desk.connect(s1).offerDiscount(fx.tokenId, 200_000n, fx.ids.bankA, 190_000n, deadline),
      ).to.be.revertedWithCustomError(fx.certificates, "AssetFrozen");
      await fx.desk.connect(s1).offerDiscount(fx.tokenId, 100_000n, fx.ids.bankA, 95_000n, deadline);
    });

    it("a certificate frozen whole: no split, merge, whole transfer, discount acceptance or redemption", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const s1 = fx.accounts.supplier1;
      const other = await split(fx, s1, fx.tokenId, fx.accounts.supplier2.address, 100_000n);
      // An offer made before the freeze cannot be accepted after it.
      const deadline = (await fx.now()) + DAY;
      const offerId = await fx.desk
        .connect(s1)
        .offerDiscount.staticCall(fx.tokenId, 100_000n, fx.ids.bankA, 95_000n, deadline);
      await fx.desk.connect(s1).offerDiscount(fx.tokenId, 100_000n, fx.ids.bankA, 95_000n, deadline);
      // Until after maturity (90 days), so that it still holds at redemption.
      await frozen(fx, certificateScope(fx, fx.tokenId, 0n), 120);
      expect(await fx.freezeOrders.frozenAmount(fx.certificates, ethers.ZeroAddress, fx.tokenId)).to.equal(MAX);
      await expect(splitTx(fx, s1, fx.tokenId, s1.address, 1n)).to.be.revertedWithCustomError(
        fx.certificates,
        "AssetFrozen",
      );
      await expect(
        fx.certificates.connect(s1)["transferFrom(uint256,uint256,uint256)"](fx.tokenId, other, 1n),
      ).to.be.revertedWithCustomError(fx.certificates, "AssetFrozen");
      await fund(fx, fx.accounts.bankA, 95_000n);
      await fx.token.connect(fx.accounts.bankA).approve(fx.desk, 95_000n);
      await expect(
        fx.desk.connect(fx.accounts.bankA).acceptDiscount(offerId, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(fx.certificates, "AssetFrozen");
      // Value may still arrive (a merge into the frozen certificate).
      await fx.certificates
        .connect(fx.accounts.supplier2)
        ["transferFrom(uint256,uint256,uint256)"](other, fx.tokenId, 1n);
      // At maturity, funded: the holder of a frozen certificate cannot redeem it.
      await fx.desk.connect(s1).cancelDiscount(offerId);
      await networkHelpers.time.increaseTo(fx.maturity);
      await fund(fx, fx.accounts.core, 1_000_000n);
      await fx.token.connect(fx.accounts.core).approve(fx.desk, 1_000_000n);
      await fx.desk.connect(fx.accounts.core).fund(1n);
      await expect(fx.desk.connect(s1).redeem(fx.tokenId)).to.be.revertedWithCustomError(
        fx.certificates,
        "AssetFrozen",
      );
      // The other certificate is not frozen: it redeems.
      await fx.desk.connect(fx.accounts.supplier2).redeem(other);
    });

    it("an account's tokens frozen for an amount: it keeps spending what is above, never the frozen part", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const s2 = fx.accounts.supplier2;
      await frozen(fx, tokenScope(fx, s2.address, 200_000n));
      await expect(fx.token.connect(s2).transfer(fx.accounts.supplier1, 300_001n))
        .to.be.revertedWithCustomError(fx.token, "AssetFrozen")
        .withArgs(fx.token.target, BigInt(s2.address), 200_000n, 500_000n, 300_001n);
      await fx.token.connect(s2).transfer(fx.accounts.supplier1, 300_000n);
      // A spender (settlement, DvP) cannot take it either; incoming payments land and stay above the frozen part.
      await fx.token.connect(s2).approve(fx.accounts.supplier1, 1n);
      await expect(
        fx.token.connect(fx.accounts.supplier1).transferFrom(s2, fx.accounts.supplier1, 1n),
      ).to.be.revertedWithCustomError(fx.token, "AssetFrozen");
      await fx.token.connect(fx.accounts.supplier1).transfer(s2, 10n);
      await fx.token.connect(fx.accounts.supplier1).transferFrom(s2, fx.accounts.supplier1, 1n);
    });

    it("an account's tokens frozen whole: nothing leaves, also not a burn by an issuing bank", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      await fund(fx, fx.accounts.bankB, 1_000n);
      await frozen(fx, tokenScope(fx, fx.accounts.bankB.address, 0n));
      await expect(fx.token.connect(fx.accounts.bankB).burn(1n)).to.be.revertedWithCustomError(fx.token, "AssetFrozen");
      await expect(fx.token.connect(fx.accounts.bankB).transfer(fx.accounts.bankA, 1n)).to.be.revertedWithCustomError(
        fx.token,
        "AssetFrozen",
      );
      // Other accounts are untouched.
      await fx.token.connect(fx.accounts.supplier2).transfer(fx.accounts.supplier1, 1n);
    });

    it("two orders on one target add up; releasing one leaves the other", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const s2 = fx.accounts.supplier2;
      const first = await frozen(fx, tokenScope(fx, s2.address, 100_000n));
      await frozen(fx, tokenScope(fx, s2.address, 150_000n));
      expect(await fx.token.freezeCount(ethers.ZeroAddress, BigInt(s2.address))).to.equal(2n);
      await expect(fx.token.connect(s2).transfer(fx.accounts.supplier1, 250_001n)).to.be.revertedWithCustomError(
        fx.token,
        "AssetFrozen",
      );
      await fx.freezeOrders.connect(fx.accounts.regulator).proposeRelease(first);
      await fx.freezeOrders.connect(fx.regulator2).approveRelease(first);
      await fx.token.connect(s2).transfer(fx.accounts.supplier1, 350_000n);
      await expect(fx.token.connect(s2).transfer(fx.accounts.supplier1, 1n)).to.be.revertedWithCustomError(
        fx.token,
        "AssetFrozen",
      );
    });

    it("only the register changes an asset's freeze count", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      for (const asset of [fx.token, fx.certificates]) {
        await expect(asset.connect(fx.accounts.bankA).freezeCountChanged(ethers.ZeroAddress, 1n, false))
          .to.be.revertedWithCustomError(asset, "FreezeNotRegister")
          .withArgs(fx.accounts.bankA.address);
      }
    });
  });

  describe("release and expiry", () => {
    it("two regulator accounts release: the value moves again; a double release is refused", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await frozen(fx, certificateScope(fx, fx.tokenId, 0n));
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).proposeRelease(id))
        .to.emit(fx.freezeOrders, "FreezeReleaseProposed")
        .withArgs(id, fx.accounts.regulator.address, fx.ids.regulator);
      await expect(fx.freezeOrders.connect(fx.regulator2).approveRelease(id))
        .to.emit(fx.freezeOrders, "FreezeReleased")
        .withArgs(id, fx.regulator2.address, fx.ids.regulator, Path.Regulators);
      expect((await fx.freezeOrders.order(id)).status).to.equal(Status.Released);
      expect(await fx.certificates.freezeCount(ethers.ZeroAddress, fx.tokenId)).to.equal(0n);
      await splitTx(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2.address, 1_000_000n - 1n);
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).proposeRelease(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeWrongStatus")
        .withArgs(id, Status.Released);
      await expect(fx.freezeOrders.connect(fx.regulator2).approveRelease(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeWrongStatus")
        .withArgs(id, Status.Released);
    });

    it("refuses a release by the wrong party: a holder, a bank, the same regulator account, none proposed", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await frozen(fx, certificateScope(fx, fx.tokenId, 0n));
      await expect(fx.freezeOrders.connect(fx.accounts.supplier1).proposeRelease(id)).to.be.revertedWithCustomError(
        fx.registry,
        "MissingRole",
      );
      await expect(fx.freezeOrders.connect(fx.accounts.bankA).releaseByGovernance(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "OnlyGovernance")
        .withArgs(fx.accounts.bankA.address);
      await expect(fx.freezeOrders.connect(fx.regulator2).approveRelease(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeNoReleaseProposed")
        .withArgs(id);
      await fx.freezeOrders.connect(fx.accounts.regulator).proposeRelease(id);
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).approveRelease(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeSameRegulator")
        .withArgs(id, fx.accounts.regulator.address);
      await expect(fx.freezeOrders.connect(fx.regulator2).proposeRelease(id)).to.be.revertedWithCustomError(
        fx.freezeOrders,
        "FreezeWrongStatus",
      );
      // The regulator suspended since it proposed the release: the release cannot go through.
      await suspend(fx, fx.ids.regulator);
      await expect(fx.freezeOrders.connect(fx.regulator2).approveRelease(id)).to.be.revertedWithCustomError(
        fx.registry,
        "MemberNotActive",
      );
    });

    it("an order lapses at its expiry without any action; it can then only be tidied up, not released", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const id = await frozen(fx, certificateScope(fx, fx.tokenId, 0n), 10);
      const o = await fx.freezeOrders.order(id);
      await expect(fx.freezeOrders.connect(fx.accounts.bankA).lapse(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeNotExpired")
        .withArgs(id, o.expiry);
      await networkHelpers.time.increaseTo(o.expiry);
      expect(await fx.freezeOrders.isInForce(id)).to.equal(false);
      expect(await fx.freezeOrders.frozenAmount(fx.certificates, ethers.ZeroAddress, fx.tokenId)).to.equal(0n);
      await splitTx(fx, fx.accounts.supplier1, fx.tokenId, fx.accounts.supplier2.address, 1n);
      await expect(fx.freezeOrders.connect(fx.accounts.regulator).proposeRelease(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeExpired")
        .withArgs(id, o.expiry);
      await expect(fx.freezeOrders.connect(fx.outsiders[5]).lapse(id)).to.be.revertedWithCustomError(
        fx.registry,
        "UnknownAccount",
      );
      await expect(fx.freezeOrders.connect(fx.accounts.supplier3).lapse(id))
        .to.emit(fx.freezeOrders, "FreezeLapsed")
        .withArgs(id, fx.accounts.supplier3.address, o.expiry);
      expect(await fx.certificates.freezeCount(ethers.ZeroAddress, fx.tokenId)).to.equal(0n);
      await expect(fx.freezeOrders.connect(fx.accounts.supplier3).lapse(id))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeWrongStatus")
        .withArgs(id, Status.Lapsed);
    });

    it("refuses to approve a proposal past its expiry", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const until = await expiry(fx, 1);
      await fx.freezeOrders
        .connect(fx.accounts.regulator)
        .propose(certificateScope(fx, fx.tokenId, 1n), REFERENCE, AUTHORITY, until);
      await networkHelpers.time.increaseTo(until);
      await expect(fx.freezeOrders.connect(fx.regulator2).approve(1n))
        .to.be.revertedWithCustomError(fx.freezeOrders, "FreezeExpired")
        .withArgs(1n, until);
    });
  });

  describe("by governance vote", () => {
    it("a passed proposal freezes at once and another releases; nobody calls either directly", async () => {
      const fx = await networkHelpers.loadFixture(deployed);
      const scope = tokenScope(fx, fx.accounts.supplier2.address, 0n);
      const until = await expiry(fx);
      const data = fx.freezeOrders.interface.encodeFunctionData("executeByGovernance", [
        scope,
        REFERENCE,
        AUTHORITY,
        until,
      ]);
      await expect(fx.freezeOrders.connect(fx.accounts.bankA).executeByGovernance(scope, REFERENCE, AUTHORITY, until))
        .to.be.revertedWithCustomError(fx.freezeOrders, "OnlyGovernance")
        .withArgs(fx.accounts.bankA.address);
      await expect(passProposal(fx, fx.freezeOrders, data))
        .to.emit(fx.freezeOrders, "FreezeActivated")
        .withArgs(
          1n,
          fx.registry.target,
          0,
          Path.Governance,
          [BigInt(Kind.Tokens), fx.token.target, ethers.ZeroAddress, BigInt(fx.accounts.supplier2.address), 0n],
          REFERENCE,
          AUTHORITY,
          until,
        );
      await expect(
        fx.token.connect(fx.accounts.supplier2).transfer(fx.accounts.supplier1, 1n),
      ).to.be.revertedWithCustomError(fx.token, "AssetFrozen");
      await expect(
        passProposal(fx, fx.freezeOrders, fx.freezeOrders.interface.encodeFunctionData("releaseByGovernance", [1n])),
      )
        .to.emit(fx.freezeOrders, "FreezeReleased")
        .withArgs(1n, fx.registry.target, 0, Path.Governance);
      await fx.token.connect(fx.accounts.supplier2).transfer(fx.accounts.supplier1, 1n);
      const o = await fx.freezeOrders.order(1n);
      expect([o.status, o.path, o.releasePath]).to.deep.equal([Status.Released, Path.Governance, Path.Governance]);
    });
  });
});
