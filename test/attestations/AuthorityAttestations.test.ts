import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { encodeBytes32String, ZeroHash } from "ethers";
import { network } from "hardhat";
import { Roles } from "@consortia/sdk";
import { passProposal } from "../helpers/consortium.js";
import {
  Application,
  bit,
  COMPANY_KEY,
  DAY,
  deployAttestations,
  fact,
  h,
  INVOICE_KEY,
  Kind,
  type AttestationsFixture,
} from "./fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const fixture = () => deployAttestations(connection);
const REASON = h("reason:record corrected");

/** gov1 (tax) attests the invoice; returns the fixture and the attestation id. */
async function withInvoiceAttested(days = 90): Promise<AttestationsFixture & { id: bigint }> {
  const f = await networkHelpers.loadFixture(fixture);
  const tax = f.app.connect(f.platform.accounts.gov1);
  const facts = await fact(connection, {}, days);
  const id = await tax.attest.staticCall(facts);
  await tax.attest(facts);
  return { ...f, id };
}

/** bankA requires a tax attestation before receivable financing. */
async function withPolicy(f: AttestationsFixture, kinds = bit(Kind.InvoiceGenuine)): Promise<void> {
  await f.app.connect(f.platform.accounts.bankA).setPolicy(Application.ReceivableFinancing, kinds);
}

describe("AuthorityAttestations", () => {
  describe("attest: only an active member holding the kind's authority role", () => {
    it("records a tax attestation on an invoice key and emits everything an indexer needs", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids } = f.platform;
      const facts = await fact(connection);
      await expect(f.app.connect(accounts.gov1).attest(facts))
        .to.emit(f.app, "Attested")
        .withArgs(1n, INVOICE_KEY, ids.gov1, accounts.gov1.address, anyValue, 0);
      const [log] = await f.app.queryFilter(f.app.filters.Attested());
      expect(log.args.fact.kind).to.equal(BigInt(Kind.InvoiceGenuine));
      expect(log.args.fact.evidenceHash).to.equal(facts.evidenceHash);
      expect(log.args.fact.validUntil).to.equal(BigInt(facts.validUntil));
      const a = await f.app.attestation(1);
      expect(a.attester).to.equal(ids.gov1);
      expect(a.subjectKey).to.equal(INVOICE_KEY);
      expect(a.revokedAt).to.equal(0n);
      expect(await f.app.latestOf(INVOICE_KEY, Kind.InvoiceGenuine)).to.equal(1n);
      expect(await f.app.attestationCount()).to.equal(1n);
      expect(await f.app.isValid(1, 0)).to.equal(true);
    });

    it("records a customs export declaration with amount, currency and date", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const now = await networkHelpers.time.latest();
      const facts = await fact(connection, {
        kind: Kind.ExportDeclaration,
        factDate: now - DAY,
        amount: 1_000_000n,
        currency: "0x434e59",
      });
      await f.app.connect(f.platform.accounts.gov2).attest(facts);
      const a = await f.app.attestation(1);
      expect(a.amount).to.equal(1_000_000n);
      expect(a.factDate).to.equal(BigInt(now - DAY));
    });

    it("a newer attestation of the same kind supersedes the older one", async () => {
      const f = await withInvoiceAttested();
      await expect(f.app.connect(f.platform.accounts.gov1).attest(await fact(connection)))
        .to.emit(f.app, "Attested")
        .withArgs(2n, INVOICE_KEY, f.platform.ids.gov1, f.platform.accounts.gov1.address, anyValue, 1n);
      expect(await f.app.latestOf(INVOICE_KEY, Kind.InvoiceGenuine)).to.equal(2n);
    });

    it("rejects an attester without the kind's role (a bank, a customs office attesting an invoice)", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids, registry } = f.platform;
      await expect(f.app.connect(accounts.bankA).attest(await fact(connection)))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.bankA, Roles.TAX_AUTHORITY);
      await expect(f.app.connect(accounts.gov2).attest(await fact(connection)))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.gov2, Roles.TAX_AUTHORITY);
      await expect(
        f.app.connect(accounts.gov1).attest(await fact(connection, { kind: Kind.CourtFreeze })),
      ).to.be.revertedWithCustomError(registry, "MissingRole");
    });

    it("rejects an outsider and a suspended authority", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids, registry, outsiders } = f.platform;
      await expect(f.app.connect(outsiders[0]).attest(await fact(connection))).to.be.revertedWithCustomError(
        registry,
        "UnknownAccount",
      );
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.gov1]));
      await expect(f.app.connect(accounts.gov1).attest(await fact(connection)))
        .to.be.revertedWithCustomError(registry, "MemberNotActive")
        .withArgs(ids.gov1, 2);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ["kind None", { kind: Kind.None }, "kind"],
      ["an empty subject key", { subjectKey: ZeroHash }, "subjectKey"],
      ["an empty evidence hash", { evidenceHash: ZeroHash }, "evidenceHash"],
      ["a period that ended", { validUntil: 1 }, "validUntil"],
      ["a period ending before it starts", { validFrom: 4_000_000_000, validUntil: 3_999_999_999 }, "validUntil"],
      ["an amount without a currency", { amount: 5n }, "currency"],
      ["a currency without an amount", { currency: "0x434e59" }, "currency"],
      ["a fact date in the future", { factDate: 4_000_000_000 }, "factDate"],
    ];
    for (const [name, overrides, field] of invalid) {
      it(`rejects ${name}`, async () => {
        const f = await networkHelpers.loadFixture(fixture);
        await expect(f.app.connect(f.platform.accounts.gov1).attest(await fact(connection, overrides)))
          .to.be.revertedWithCustomError(f.app, "AttestationInvalid")
          .withArgs(encodeBytes32String(field));
      });
    }

    it("rejects an export declaration without amount or date, a warehouse receipt without amount", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const customs = f.app.connect(f.platform.accounts.gov2);
      const now = await networkHelpers.time.latest();
      await expect(customs.attest(await fact(connection, { kind: Kind.ExportDeclaration, factDate: now })))
        .to.be.revertedWithCustomError(f.app, "AttestationInvalid")
        .withArgs(encodeBytes32String("amount"));
      await expect(
        customs.attest(await fact(connection, { kind: Kind.ExportDeclaration, amount: 5n, currency: "0x434e59" })),
      )
        .to.be.revertedWithCustomError(f.app, "AttestationInvalid")
        .withArgs(encodeBytes32String("factDate"));
      await expect(customs.attest(await fact(connection, { kind: Kind.WarehouseReceipt })))
        .to.be.revertedWithCustomError(f.app, "AttestationInvalid")
        .withArgs(encodeBytes32String("amount"));
    });

    it("refuses attestations while governance has paused the contract", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await passProposal(f.platform, f.app, f.app.interface.encodeFunctionData("pause"));
      await expect(
        f.app.connect(f.platform.accounts.gov1).attest(await fact(connection)),
      ).to.be.revertedWithCustomError(f.app, "EnforcedPause");
    });
  });

  describe("revoke: the attester or governance", () => {
    it("the attester revokes with a reason; the attestation no longer counts", async () => {
      const f = await withInvoiceAttested();
      const { accounts, ids } = f.platform;
      await expect(f.app.connect(accounts.gov1).revoke(f.id, REASON))
        .to.emit(f.app, "AttestationRevoked")
        .withArgs(f.id, INVOICE_KEY, ids.gov1, Kind.InvoiceGenuine, accounts.gov1.address, false, REASON);
      expect(await f.app.isValid(f.id, 0)).to.equal(false);
      expect((await f.app.attestation(f.id)).revokedAt).to.not.equal(0n);
    });

    it("governance revokes by a passed proposal", async () => {
      const f = await withInvoiceAttested();
      const data = f.app.interface.encodeFunctionData("revoke", [f.id, REASON]);
      await expect(passProposal(f.platform, f.app, data))
        .to.emit(f.app, "AttestationRevoked")
        .withArgs(
          f.id,
          INVOICE_KEY,
          f.platform.ids.gov1,
          Kind.InvoiceGenuine,
          await f.platform.registry.getAddress(),
          true,
          REASON,
        );
    });

    it("rejects another member, even one holding the same role", async () => {
      const f = await withInvoiceAttested();
      const { accounts, ids } = f.platform;
      await expect(f.app.connect(accounts.bankC).revoke(f.id, REASON))
        .to.be.revertedWithCustomError(f.app, "AttestationNotAttester")
        .withArgs(f.id, accounts.bankC.address, ids.bankC, ids.gov1);
    });

    it("rejects an unknown id, a second revocation and an empty reason", async () => {
      const f = await withInvoiceAttested();
      const tax = f.app.connect(f.platform.accounts.gov1);
      await expect(tax.revoke(99, REASON)).to.be.revertedWithCustomError(f.app, "AttestationUnknown").withArgs(99);
      await expect(tax.revoke(f.id, ZeroHash))
        .to.be.revertedWithCustomError(f.app, "AttestationInvalid")
        .withArgs(encodeBytes32String("reasonHash"));
      await tax.revoke(f.id, REASON);
      await expect(tax.revoke(f.id, REASON)).to.be.revertedWithCustomError(f.app, "AttestationAlreadyRevoked");
    });
  });

  describe("setPolicy: a bank's required kinds per financing application", () => {
    it("a financier sets its receivable-financing policy", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids } = f.platform;
      const kinds = bit(Kind.InvoiceGenuine) | bit(Kind.CompanyRegistered);
      await expect(f.app.connect(accounts.bankA).setPolicy(Application.ReceivableFinancing, kinds))
        .to.emit(f.app, "FinancingPolicySet")
        .withArgs(ids.bankA, Application.ReceivableFinancing, kinds, accounts.bankA.address);
      expect(await f.app.policyOf(ids.bankA, Application.ReceivableFinancing)).to.equal(kinds);
      expect(await f.app.policyOf(ids.bankA, Application.LcHonour)).to.equal(0n);
    });

    it("an issuing bank (LC_BANK) sets its LcHonour policy, which LcPresentationChecks enforces (issue 22)", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids, registry } = f.platform;
      expect(await f.app.financingRoleOf(Application.LcHonour)).to.equal(Roles.LC_BANK);
      await expect(f.app.connect(accounts.bankA).setPolicy(Application.LcHonour, bit(Kind.InvoiceGenuine)))
        .to.emit(f.app, "FinancingPolicySet")
        .withArgs(ids.bankA, Application.LcHonour, bit(Kind.InvoiceGenuine), accounts.bankA.address);
      await expect(f.app.connect(accounts.gov1).setPolicy(Application.LcHonour, 0n))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.gov1, Roles.LC_BANK);
    });

    it("rejects a member without the application's financing role", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids, registry } = f.platform;
      await expect(
        f.app.connect(accounts.supplier1).setPolicy(Application.ReceivableFinancing, bit(Kind.InvoiceGenuine)),
      )
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.supplier1, Roles.FINANCIER);
      await expect(f.app.connect(accounts.gov1).setPolicy(Application.GuaranteeIssue, 0n))
        .to.be.revertedWithCustomError(registry, "MissingRole")
        .withArgs(ids.gov1, Roles.GUARANTOR);
    });

    it("rejects a suspended bank", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids, registry } = f.platform;
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.bankA]));
      await expect(
        f.app.connect(accounts.bankA).setPolicy(Application.ReceivableFinancing, 0n),
      ).to.be.revertedWithCustomError(registry, "MemberNotActive");
    });

    for (const [name, application, kinds] of [
      ["a court kind", Application.ReceivableFinancing, bit(Kind.CourtFreeze)],
      ["kind None", Application.ReceivableFinancing, bit(Kind.None)],
      ["an undefined kind", Application.ReceivableFinancing, bit(7)],
      ["application None", Application.None, 0n],
    ] as const) {
      it(`rejects a policy with ${name}`, async () => {
        const f = await networkHelpers.loadFixture(fixture);
        await expect(f.app.connect(f.platform.accounts.bankA).setPolicy(application, kinds))
          .to.be.revertedWithCustomError(f.app, "AttestationPolicyInvalid")
          .withArgs(application, kinds);
      });
    }
  });

  describe("requireBacked: no financing that a bank's policy forbids", () => {
    it("a bank without a policy finances without attestations", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
      expect(await f.app.missingKind(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY)).to.equal(0n);
    });

    it("refuses when the policy requires a kind the subject lacks", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      await withPolicy(f);
      await expect(f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY))
        .to.be.revertedWithCustomError(f.app, "AttestationRequired")
        .withArgs(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY, Kind.InvoiceGenuine, 0);
    });

    it("accepts a valid tax attestation, and only for the application the policy names", async () => {
      const f = await withInvoiceAttested();
      await withPolicy(f);
      const { ids } = f.platform;
      await f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
      // Another subject is not backed by this invoice's attestation.
      await expect(
        f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, COMPANY_KEY),
      ).to.be.revertedWithCustomError(f.app, "AttestationRequired");
    });

    it("names the missing kind when the policy requires two and one is present", async () => {
      const f = await withInvoiceAttested();
      await withPolicy(f, bit(Kind.InvoiceGenuine) | bit(Kind.ExportDeclaration));
      await expect(f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY))
        .to.be.revertedWithCustomError(f.app, "AttestationRequired")
        .withArgs(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY, Kind.ExportDeclaration, 0);
    });

    it("refuses an expired attestation", async () => {
      const f = await withInvoiceAttested(10);
      await withPolicy(f);
      await networkHelpers.time.increase(11 * DAY);
      await expect(f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY))
        .to.be.revertedWithCustomError(f.app, "AttestationRequired")
        .withArgs(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY, Kind.InvoiceGenuine, f.id);
    });

    it("refuses an attestation whose period has not started", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const now = await networkHelpers.time.latest();
      await f.app.connect(f.platform.accounts.gov1).attest(await fact(connection, { validFrom: now + 5 * DAY }));
      await withPolicy(f);
      await expect(
        f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY),
      ).to.be.revertedWithCustomError(f.app, "AttestationRequired");
      await networkHelpers.time.increase(6 * DAY);
      await f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
    });

    it("refuses a revoked attestation", async () => {
      const f = await withInvoiceAttested();
      await withPolicy(f);
      await f.app.connect(f.platform.accounts.gov1).revoke(f.id, REASON);
      await expect(f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY))
        .to.be.revertedWithCustomError(f.app, "AttestationRequired")
        .withArgs(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY, Kind.InvoiceGenuine, f.id);
    });

    it("refuses while the attester is suspended, and again once it lost the role", async () => {
      const f = await withInvoiceAttested();
      await withPolicy(f);
      const { registry, ids } = f.platform;
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.gov1]));
      await expect(
        f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY),
      ).to.be.revertedWithCustomError(f.app, "AttestationRequired");
      await passProposal(f.platform, registry, registry.interface.encodeFunctionData("reinstateMember", [ids.gov1]));
      await f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
      const withoutTax = f.roles.gov1 & ~Roles.TAX_AUTHORITY;
      await passProposal(
        f.platform,
        registry,
        registry.interface.encodeFunctionData("setRoles", [ids.gov1, withoutTax]),
      );
      await expect(
        f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY),
      ).to.be.revertedWithCustomError(f.app, "AttestationRequired");
    });

    it("refuses an attestation by the financing bank itself; another bank may rely on it", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { accounts, ids } = f.platform;
      await f.app.connect(accounts.bankC).attest(await fact(connection));
      await f.app.connect(accounts.bankC).setPolicy(Application.ReceivableFinancing, bit(Kind.InvoiceGenuine));
      await withPolicy(f);
      await expect(f.app.requireBacked(ids.bankC, Application.ReceivableFinancing, INVOICE_KEY))
        .to.be.revertedWithCustomError(f.app, "AttestationRequired")
        .withArgs(ids.bankC, Application.ReceivableFinancing, INVOICE_KEY, Kind.InvoiceGenuine, 1);
      expect(await f.app.isValid(1, ids.bankC)).to.equal(false);
      await f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
    });

    it("the policy in force when the bank finances applies, not the one when the offer was made", async () => {
      // Decision: a bank may tighten (or relax) its policy at any time; it binds every financing from then on,
      // including offers made before the change.
      const f = await networkHelpers.loadFixture(fixture);
      const { ids } = f.platform;
      // Offer made: no policy, financing would pass.
      await f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
      await withPolicy(f);
      // Acceptance after the change: refused.
      await expect(
        f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY),
      ).to.be.revertedWithCustomError(f.app, "AttestationRequired");
      await withPolicy(f, 0n);
      await f.app.requireBacked(ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
    });

    it("a superseding attestation replaces a revoked one", async () => {
      const f = await withInvoiceAttested();
      await withPolicy(f);
      const tax = f.app.connect(f.platform.accounts.gov1);
      await tax.revoke(f.id, REASON);
      await tax.attest(await fact(connection));
      await f.app.requireBacked(f.platform.ids.bankA, Application.ReceivableFinancing, INVOICE_KEY);
    });
  });
});
