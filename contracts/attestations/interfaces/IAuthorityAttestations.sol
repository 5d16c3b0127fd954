// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IConsortiumApp} from "../../platform/interfaces/IConsortiumApp.sol";

/// @title IAuthorityAttestations
/// @notice Authority attestations for trade background (贸易背景真实性): members holding an authority role (tax
/// bureau, customs, court, business registry, warehouse) attest facts about keyed identifiers, and each bank declares,
/// per financing application, which attestation kinds it requires before it finances.
/// @dev Subjects are keyed identifiers only (HMAC with the consortium key: an invoice key of `IFinancedDocuments`, a
/// credit subject key, a company key); evidence is the hash of a file kept off chain. A financing application asks
/// `requireBacked(bank, application, subjectKey)` at the moment it finances; it reverts with
/// `AttestationRequired` naming the first kind the bank's policy requires and the subject lacks.
///
/// An attestation is valid at time t when it is not revoked, `validFrom <= t <= validUntil`, its attester is an active
/// member that still holds the kind's role, and (for a financing check) the attester is not the financing bank itself.
/// A newer attestation of the same kind on the same subject supersedes the older one (only the latest counts).
///
/// Policy changes take effect at once: the policy in force when the bank finances (accepts a discount, honours a
/// presentation, issues a guarantee, buys a claim) applies, not the one in force when the offer was made.
interface IAuthorityAttestations is IConsortiumApp {
    /// @notice What an attestation states. Each kind is attested by members holding one role (`roleOf`).
    enum Kind {
        None,
        /// Tax bureau: the invoice (subject: its invoice key) is genuine and recorded as unpaid-for.
        InvoiceGenuine,
        /// Customs: an export declaration exists for the subject, for `amount` in `currency`, dated `factDate`.
        ExportDeclaration,
        /// Business registry: the company (subject: its company key) is registered and in good standing.
        CompanyRegistered,
        /// Court: a judgement concerning the subject (informational: a policy cannot require it).
        CourtJudgement,
        /// Court: a freeze order on the subject (informational: a policy cannot require it).
        CourtFreeze,
        /// Warehouse: a warehouse receipt for the goods of the subject, for `amount` (value) in `currency`.
        WarehouseReceipt
    }

    /// @notice The financing steps a bank's policy covers.
    enum Application {
        None,
        /// Receivable discount or financing (ReceivableDesk acceptDiscount, pledge): subject is the invoice key.
        ReceivableFinancing,
        /// An issuing bank's honour of an LC presentation (`LC_BANK`), checked by `LcPresentationChecks` at `present`
        /// and at `examine` as complying: subject is the one the presentation's backing names.
        LcHonour,
        /// Issue of a bank guarantee: subject is the applicant's company key.
        GuaranteeIssue,
        /// Purchase of a forfaiting offer: subject is the claim's document key.
        ForfaitingPurchase
    }

    /// @notice One attestation. Slot 0: kind, attester, period, revocation, fact date. Slot 1: amount, currency,
    /// account. Slots 2 and 3: subject and evidence.
    /// @param kind What it states.
    /// @param attester Member that attests.
    /// @param validFrom Start of validity (seconds).
    /// @param validUntil End of validity (inclusive).
    /// @param revokedAt When it was revoked (0: not revoked).
    /// @param factDate Date of the fact (export declaration date, judgement date); 0 when the kind has none.
    /// @param amount Amount of the fact in minor units of `currency` (declared value, receipt value); 0 when none.
    /// @param currency ISO 4217 code of `amount` (zero when no amount).
    /// @param account Account of the attester that signed.
    /// @param subjectKey Keyed identifier the fact is about.
    /// @param evidenceHash Hash of the authority's record (kept off chain).
    struct Attestation {
        Kind kind;
        uint32 attester;
        uint40 validFrom;
        uint40 validUntil;
        uint40 revokedAt;
        uint40 factDate;
        uint96 amount;
        bytes3 currency;
        address account;
        bytes32 subjectKey;
        bytes32 evidenceHash;
    }

    /// @notice What an attester submits.
    struct Fact {
        Kind kind;
        bytes32 subjectKey;
        bytes32 evidenceHash;
        uint40 validFrom;
        uint40 validUntil;
        uint40 factDate;
        uint96 amount;
        bytes3 currency;
    }

    /// @notice An authority attested a fact (`fact` as submitted: kind, subject, evidence, period, date, amount).
    /// @param superseded The earlier attestation of this kind on this subject it replaces (0: none).
    event Attested(
        uint256 indexed attestationId,
        bytes32 indexed subjectKey,
        uint32 indexed attester,
        address account,
        Fact fact,
        uint256 superseded
    );
    /// @notice An attestation was revoked by its attester (`byGovernance` false) or by a governance vote.
    event AttestationRevoked(
        uint256 indexed attestationId,
        bytes32 indexed subjectKey,
        uint32 indexed attester,
        Kind kind,
        address account,
        bool byGovernance,
        bytes32 reasonHash
    );
    /// @notice A bank set the attestation kinds it requires before financing under `application` (`kinds`: a bit per
    /// `Kind`, bit `1 << uint8(kind)`; 0 requires none).
    event FinancingPolicySet(uint32 indexed bank, Application indexed application, uint256 kinds, address account);

    /// @notice A field is empty or out of range (names the field).
    error AttestationInvalid(bytes32 field);
    /// @notice No attestation with this id.
    error AttestationUnknown(uint256 attestationId);
    /// @notice The attestation is already revoked.
    error AttestationAlreadyRevoked(uint256 attestationId, uint40 revokedAt);
    /// @notice Only the attester's own accounts (or governance) revoke an attestation.
    error AttestationNotAttester(uint256 attestationId, address caller, uint32 callerMember, uint32 attester);
    /// @notice A policy names a kind a policy cannot require (None or a court kind) or an undefined bit.
    error AttestationPolicyInvalid(Application application, uint256 kinds);
    /// @notice The bank's policy for `application` requires `kind` on `subjectKey` and no valid attestation (by an
    /// attester other than the bank, in standing, unexpired, unrevoked) stands. `latest` is the latest attestation of
    /// that kind on the subject (0: none).
    error AttestationRequired(uint32 bank, Application application, bytes32 subjectKey, Kind kind, uint256 latest);

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external;

    /// @notice Attests a fact. The caller's member must be active and hold `roleOf(fact.kind)`. The validity period
    /// must end in the future and after it starts; an export declaration needs an amount, a currency and a date; a
    /// warehouse receipt needs an amount and a currency. Supersedes the latest attestation of the same kind on the
    /// subject.
    function attest(Fact calldata fact) external returns (uint256 attestationId);

    /// @notice Revokes an attestation: any active account of its attester, or governance (a passed proposal).
    function revoke(uint256 attestationId, bytes32 reasonHash) external;

    /// @notice Sets the caller bank's policy for `application`: the kinds (bit `1 << uint8(kind)`) it requires. The
    /// caller's member must be active and hold the application's financing role (`financingRoleOf`).
    function setPolicy(Application application, uint256 kinds) external;

    /// @notice Reverts with `AttestationRequired` unless every kind the bank's policy for `application` requires
    /// has a valid attestation on `subjectKey` now, by an attester other than `bank`. Financing applications call it
    /// at the moment they finance.
    function requireBacked(uint32 bank, Application application, bytes32 subjectKey) external view;

    /// @notice The first kind the policy requires that `subjectKey` lacks now (`Kind.None` when backed).
    function missingKind(uint32 bank, Application application, bytes32 subjectKey) external view returns (Kind);

    /// @notice Whether the attestation is valid now for financing by `bank` (0: for no bank in particular).
    function isValid(uint256 attestationId, uint32 bank) external view returns (bool);

    /// @notice An attestation (all zero when unknown).
    function attestation(uint256 attestationId) external view returns (Attestation memory);

    /// @notice The latest attestation of `kind` on `subjectKey` (0: none).
    function latestOf(bytes32 subjectKey, Kind kind) external view returns (uint256);

    /// @notice The kinds a bank requires for an application (bit `1 << uint8(kind)`).
    function policyOf(uint32 bank, Application application) external view returns (uint256);

    /// @notice Number of attestations so far (ids run from 1).
    function attestationCount() external view returns (uint256);

    /// @notice The role an attester of `kind` must hold.
    function roleOf(Kind kind) external pure returns (uint64);

    /// @notice The role a bank must hold to set a policy for `application` (0: no policy can be set for it).
    function financingRoleOf(Application application) external pure returns (uint64);
}
