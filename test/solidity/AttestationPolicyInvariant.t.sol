// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AuthorityAttestations} from "../../contracts/attestations/AuthorityAttestations.sol";
import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {IConsortiumRegistry} from "../../contracts/platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../../contracts/platform/libraries/Roles.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives attestations (by a tax bureau, a business registry, and bankC, which is also a tax bureau),
/// revocations, suspensions of attesters, policy changes by three banks, the clock, and financings: a financing
/// application asks `requireBacked` and finances only when it passes. A model of every attestation and policy decides
/// independently whether each financing is allowed.
contract AttestationPolicyHandler is PlatformFixture {
    address internal constant TAX = address(0x2001);
    address internal constant BUSINESS_REGISTRY = address(0x2002);
    uint256 internal constant SUBJECTS = 3;

    AuthorityAttestations public attestations;
    address[3] internal _banks = [BANK_A, BANK_B, BANK_C];
    address[3] internal _attesters = [TAX, BUSINESS_REGISTRY, BANK_C];
    IAuthorityAttestations.Kind[2] internal _kinds = [
        IAuthorityAttestations.Kind.InvoiceGenuine,
        IAuthorityAttestations.Kind.CompanyRegistered
    ];

    struct Model {
        uint32 attester;
        uint40 validFrom;
        uint40 validUntil;
        bool revoked;
    }

    mapping(uint256 id => Model) internal _model;
    mapping(bytes32 subject => mapping(IAuthorityAttestations.Kind => uint256)) internal _latest;
    mapping(uint32 bank => uint256) internal _policy;
    mapping(uint32 member => bool) internal _suspended;

    uint256 public ghostFinanced;
    uint256 public ghostRefused;
    uint256 public ghostForbiddenFinanced;
    uint256 public ghostUnexpected;

    constructor() {
        _deployPlatform();
        _seed(IConsortiumRegistry.MemberKind.Government, "tax", Roles.TAX_AUTHORITY, TAX);
        _seed(IConsortiumRegistry.MemberKind.Government, "registry", Roles.BUSINESS_REGISTRY, BUSINESS_REGISTRY);
        attestations = AuthorityAttestations(
            _proxy(address(new AuthorityAttestations(registry)), abi.encodeCall(AuthorityAttestations.initialize, ()))
        );
        registry.endBootstrap(3);
        // bankC is also a tax bureau: it may attest, but never for its own financing.
        uint32 bankC = registry.memberOf(BANK_C);
        vm.prank(address(registry));
        registry.setRoles(bankC, BANK_ROLES | Roles.TAX_AUTHORITY);
    }

    function attest(
        uint256 attesterSeed,
        uint256 kindSeed,
        uint256 subjectSeed,
        uint256 fromOffset,
        uint256 days_
    ) external {
        address attester = _attesters[attesterSeed % 3];
        IAuthorityAttestations.Kind kind = _kinds[kindSeed % 2];
        bytes32 subject = _subject(subjectSeed);
        uint40 from = uint40(block.timestamp + _bound(fromOffset, 0, 5 days));
        uint40 until = uint40(from + _bound(days_, 1, 30) * 1 days);
        vm.prank(attester);
        try
            attestations.attest(
                IAuthorityAttestations.Fact({
                    kind: kind,
                    subjectKey: subject,
                    evidenceHash: keccak256(abi.encode(subject, kind, block.timestamp)),
                    validFrom: from,
                    validUntil: until,
                    factDate: 0,
                    amount: 0,
                    currency: bytes3(0)
                })
            )
        returns (uint256 id) {
            uint32 member = registry.memberOf(attester);
            _model[id] = Model({attester: member, validFrom: from, validUntil: until, revoked: false});
            _latest[subject][kind] = id;
        } catch {
            // Refused only for a role the attester lacks (the business registry attesting an invoice, a tax bureau a
            // company) or a suspended attester.
            uint32 member = registry.memberOf(attester);
            if (!_suspended[member] && registry.isAuthorized(attester, attestations.roleOf(kind))) ++ghostUnexpected;
        }
    }

    function revoke(uint256 idSeed) external {
        uint256 count = attestations.attestationCount();
        if (count == 0) return;
        uint256 id = _bound(idSeed, 1, count);
        Model storage m = _model[id];
        vm.prank(address(registry));
        try attestations.revoke(id, keccak256("reason")) {
            if (m.revoked) ++ghostUnexpected;
            m.revoked = true;
        } catch {
            if (!m.revoked) ++ghostUnexpected;
        }
    }

    function setPolicy(uint256 bankSeed, uint256 kindsSeed) external {
        address bank = _banks[bankSeed % 3];
        uint256 kinds =
            ((kindsSeed & 1) << uint8(IAuthorityAttestations.Kind.InvoiceGenuine)) |
                (((kindsSeed >> 1) & 1) << uint8(IAuthorityAttestations.Kind.CompanyRegistered));
        uint32 member = registry.memberOf(bank);
        vm.prank(bank);
        try attestations.setPolicy(IAuthorityAttestations.Application.ReceivableFinancing, kinds) {
            if (_suspended[member]) ++ghostUnexpected;
            _policy[member] = kinds;
        } catch {
            // Refused only while the bank (bankC, also an attester here) is suspended.
            if (!_suspended[member]) ++ghostUnexpected;
        }
    }

    /// @dev Suspends or reinstates an attester by governance.
    function toggleAttester(uint256 attesterSeed) external {
        uint32 member = registry.memberOf(_attesters[attesterSeed % 3]);
        vm.prank(address(registry));
        if (_suspended[member]) {
            registry.reinstateMember(member);
        } else {
            registry.suspendMember(member);
        }
        _suspended[member] = !_suspended[member];
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 30 days));
    }

    /// @dev A financing application's step: finances only when `requireBacked` passes.
    function finance(uint256 bankSeed, uint256 subjectSeed) external {
        uint32 bank = registry.memberOf(_banks[bankSeed % 3]);
        bytes32 subject = _subject(subjectSeed);
        bool allowed = _allowed(bank, subject);
        try attestations.requireBacked(bank, IAuthorityAttestations.Application.ReceivableFinancing, subject) {
            ++ghostFinanced;
            if (!allowed) ++ghostForbiddenFinanced;
        } catch (bytes memory reason) {
            ++ghostRefused;
            if (allowed || bytes4(reason) != IAuthorityAttestations.AttestationRequired.selector) ++ghostUnexpected;
        }
    }

    function _allowed(uint32 bank, bytes32 subject) internal view returns (bool) {
        for (uint256 i; i < 2; ++i) {
            IAuthorityAttestations.Kind kind = _kinds[i];
            if (_policy[bank] & (1 << uint8(kind)) == 0) continue;
            Model storage m = _model[_latest[subject][kind]];
            if (m.attester == 0 || m.revoked || m.attester == bank || _suspended[m.attester]) return false;
            if (block.timestamp < m.validFrom || block.timestamp > m.validUntil) return false;
        }
        return true;
    }

    function _subject(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("subject", seed % SUBJECTS));
    }
}

/// @notice No financing that a bank's policy forbids: every financing that passed `requireBacked` is one the model
/// allows, and every refusal is one the model forbids.
contract AttestationPolicyInvariantTest is TestBase {
    AttestationPolicyHandler internal handler;

    function setUp() public {
        handler = new AttestationPolicyHandler();
        _targetContract(address(handler));
    }

    /// @notice The model is exercised: a refusal without an attestation, a financing with one, a refusal once the
    /// attester is suspended, expiry, and bankC's own attestation refused for bankC but good for bankA.
    function test_handlerRefusesWhatThePolicyForbids() public {
        handler.setPolicy(0, 1); // bankA requires InvoiceGenuine
        handler.finance(0, 0); // no attestation: refused
        _assertEq(handler.ghostRefused(), 1, "refused without attestation");
        handler.attest(0, 0, 0, 0, 10); // tax attests subject 0 for 10 days
        handler.finance(0, 0);
        _assertEq(handler.ghostFinanced(), 1, "financed with attestation");
        handler.toggleAttester(0); // tax suspended
        handler.finance(0, 0);
        _assertEq(handler.ghostRefused(), 2, "refused: attester suspended");
        handler.toggleAttester(0);
        handler.warp(11 days);
        handler.finance(0, 0);
        _assertEq(handler.ghostRefused(), 3, "refused: expired");
        handler.attest(2, 0, 1, 0, 10); // bankC attests subject 1
        handler.setPolicy(2, 1); // bankC requires InvoiceGenuine
        handler.finance(2, 1);
        _assertEq(handler.ghostRefused(), 4, "refused: bankC's own attestation");
        handler.finance(0, 1);
        _assertEq(handler.ghostFinanced(), 2, "bankA relies on bankC's attestation");
        handler.revoke(1); // bounded into 1..2: attestation 2, bankC's
        handler.finance(0, 1);
        _assertEq(handler.ghostRefused(), 5, "refused: revoked");
        invariant_noForbiddenFinancing();
        invariant_noUnexpectedOutcome();
    }

    function invariant_noForbiddenFinancing() public view {
        _assertEq(handler.ghostForbiddenFinanced(), 0, "a financing went through that the bank's policy forbids");
    }

    function invariant_noUnexpectedOutcome() public view {
        _assertEq(handler.ghostUnexpected(), 0, "an outcome went against the model");
    }
}
