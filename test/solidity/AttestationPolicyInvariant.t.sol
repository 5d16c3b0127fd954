// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AuthorityAttestations} from "../../contracts/attestations/AuthorityAttestations.sol";
import {IAuthorityAttestations} from "../../contracts/attestations/interfaces/IAuthorityAttestations.sol";
import {ForfaitingMarket} from "../../contracts/forfaiting/ForfaitingMarket.sol";
import {IForfaitingMarket} from "../../contracts/forfaiting/interfaces/IForfaitingMarket.sol";
import {BankGuarantees} from "../../contracts/guarantees/BankGuarantees.sol";
import {IBankGuarantees} from "../../contracts/guarantees/interfaces/IBankGuarantees.sol";
import {InterbankPositions} from "../../contracts/letters-of-credit/InterbankPositions.sol";
import {LcPresentationChecks} from "../../contracts/letters-of-credit/LcPresentationChecks.sol";
import {LetterOfCredit} from "../../contracts/letters-of-credit/LetterOfCredit.sol";
import {ILetterOfCredit} from "../../contracts/letters-of-credit/interfaces/ILetterOfCredit.sol";
import {ClaimMock} from "../../contracts/mocks/ClaimMock.sol";
import {ConsortiumCalendar} from "../../contracts/platform/ConsortiumCalendar.sol";
import {IConsortiumCalendar} from "../../contracts/platform/interfaces/IConsortiumCalendar.sol";
import {IConsortiumRegistry} from "../../contracts/platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../../contracts/platform/libraries/Roles.sol";
import {DocumentRef} from "../../contracts/platform/types/DocumentRef.sol";
import {PlatformFixture} from "./utils/PlatformFixture.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice Drives attestations (by a tax bureau, a business registry, and bankC, which is also a tax bureau),
/// revocations, suspensions of attesters and the loss of their authority role, policy changes by three banks for the
/// three financing applications, the clock, and the three financing paths: a receivable financing step that finances
/// only when `requireBacked` passes, forfaiting purchases (`ForfaitingMarket.acceptQuote`, the buyer's
/// `ForfaitingPurchase` policy on the subject the claim names) and guarantee issues (`BankGuarantees.issue`, the
/// guarantor's `GuaranteeIssue` policy on the application's tender reference). Offers are quoted and guarantees applied
/// for in one step and accepted or issued in a later one, so the policy and attestations may change in between. A
/// model of every attestation, attester and policy decides independently whether each financing is allowed at the
/// moment it completes. LC presentations (issue 22): the beneficiary states a subject (one time in four: none) and
/// presents under an LC of one of the three banks (`LcHonour` policy of the issuing bank, checked at `present`), and
/// the issuing bank examines as complying and pays in a later step (checked again at `examine`).
contract AttestationPolicyHandler is PlatformFixture {
    address internal constant TAX = address(0x2001);
    address internal constant BUSINESS_REGISTRY = address(0x2002);
    uint256 internal constant SUBJECTS = 3;
    uint256 internal constant FACE = 1e8;
    /// @dev Far beyond what a run's warps reach (depth x 30 days): claims and guarantees never lapse in a run.
    uint64 internal constant TERM = 3650 days;
    /// @dev Bounds the pending offers and applications a run keeps (each step adds at most one).
    uint256 internal constant MAX_PENDING = 16;

    AuthorityAttestations public attestations;
    ForfaitingMarket public market;
    ClaimMock public claims;
    BankGuarantees public guarantees;
    address[3] internal _banks = [BANK_A, BANK_B, BANK_C];
    address[3] internal _attesters = [TAX, BUSINESS_REGISTRY, BANK_C];
    /// @dev Each attester's roles, and the authority role it may lose (and get back) by a governance vote.
    uint64[3] internal _attesterRoles = [
        Roles.TAX_AUTHORITY,
        Roles.BUSINESS_REGISTRY,
        BANK_ROLES | Roles.TAX_AUTHORITY
    ];
    uint64[3] internal _authorityRoles = [Roles.TAX_AUTHORITY, Roles.BUSINESS_REGISTRY, Roles.TAX_AUTHORITY];
    IAuthorityAttestations.Kind[2] internal _kinds = [
        IAuthorityAttestations.Kind.InvoiceGenuine,
        IAuthorityAttestations.Kind.CompanyRegistered
    ];
    IAuthorityAttestations.Application[4] internal _applications = [
        IAuthorityAttestations.Application.ReceivableFinancing,
        IAuthorityAttestations.Application.ForfaitingPurchase,
        IAuthorityAttestations.Application.GuaranteeIssue,
        IAuthorityAttestations.Application.LcHonour
    ];

    struct Model {
        uint32 attester;
        uint40 validFrom;
        uint40 validUntil;
        bool revoked;
    }

    /// @dev A quoted offer waiting for the seller's acceptance.
    struct PendingOffer {
        uint256 offerId;
        address seller;
        address buyer;
        bytes32 subject;
    }

    /// @dev A guarantee applied for, waiting for its guarantor.
    struct PendingGuarantee {
        uint256 guaranteeId;
        address guarantor;
        bytes32 tender;
    }

    /// @dev A presentation made, waiting for its issuing bank's examination.
    struct PendingPresentation {
        uint256 presentationId;
        address bank;
        bytes32 subject;
    }

    mapping(uint256 id => Model) internal _model;
    mapping(bytes32 subject => mapping(IAuthorityAttestations.Kind => uint256)) internal _latest;
    mapping(uint32 bank => mapping(IAuthorityAttestations.Application => uint256)) internal _policy;
    mapping(uint32 member => bool) internal _suspended;
    mapping(uint32 member => bool) internal _roleLost;
    PendingOffer[] internal _offers;
    PendingGuarantee[] internal _applied;
    uint256 internal _references;
    LetterOfCredit public letterOfCredit;
    LcPresentationChecks public presentationChecks;
    /// @dev One operative LC per bank (issuing bank `_banks[i]`), beneficiary supplier1.
    uint256[3] internal _lcs;
    PendingPresentation[] internal _presented;
    uint256 internal _documents;

    uint256 public ghostFinanced;
    uint256 public ghostPurchased;
    uint256 public ghostIssued;
    uint256 public ghostRefused;
    uint256 public ghostForbiddenFinanced;
    uint256 public ghostForbiddenPurchased;
    uint256 public ghostForbiddenIssued;
    uint256 public ghostPresented;
    uint256 public ghostHonoured;
    uint256 public ghostForbiddenPresented;
    uint256 public ghostForbiddenHonoured;
    uint256 public ghostUnexpected;

    constructor() {
        _deployPlatform();
        _seed(IConsortiumRegistry.MemberKind.Government, "tax", Roles.TAX_AUTHORITY, TAX);
        _seed(IConsortiumRegistry.MemberKind.Government, "registry", Roles.BUSINESS_REGISTRY, BUSINESS_REGISTRY);
        attestations = AuthorityAttestations(
            _proxy(address(new AuthorityAttestations(registry)), abi.encodeCall(AuthorityAttestations.initialize, ()))
        );
        claims = new ClaimMock(registry, token);
        address[] memory listed = new address[](1);
        listed[0] = address(claims);
        market = ForfaitingMarket(
            _proxy(
                address(new ForfaitingMarket(registry, token, ledger, freezeOrders, attestations)),
                abi.encodeCall(ForfaitingMarket.initialize, (listed))
            )
        );
        ConsortiumCalendar calendar = ConsortiumCalendar(
            _proxy(address(new ConsortiumCalendar(registry)), abi.encodeCall(ConsortiumCalendar.initialize, (8 hours)))
        );
        guarantees = BankGuarantees(
            _proxy(
                address(
                    new BankGuarantees(registry, token, ledger, IConsortiumCalendar(address(calendar)), attestations)
                ),
                abi.encodeCall(BankGuarantees.initialize, ())
            )
        );
        registry.bootstrapSystemContract(address(market));
        registry.bootstrapSystemContract(address(claims));
        registry.bootstrapSystemContract(address(guarantees));
        _deployLettersOfCredit(IConsortiumCalendar(address(calendar)));
        registry.endBootstrap(3);
        // bankC is also a tax bureau: it may attest, but never for its own financing.
        uint32 bankC = registry.memberOf(BANK_C);
        vm.prank(address(registry));
        registry.setRoles(bankC, BANK_ROLES | Roles.TAX_AUTHORITY);
        for (uint256 i; i < 3; ++i) {
            _mint(_banks[i], 1e12);
            vm.prank(_banks[i]);
            token.approve(address(market), type(uint256).max);
            vm.prank(_banks[i]);
            token.approve(address(letterOfCredit), type(uint256).max);
        }
        for (uint256 i; i < 3; ++i) _lcs[i] = _operativeLc(i);
    }

    function _deployLettersOfCredit(IConsortiumCalendar calendar) internal {
        InterbankPositions positions = InterbankPositions(
            _proxy(
                address(new InterbankPositions(registry, token, ledger)),
                abi.encodeCall(InterbankPositions.initialize, ())
            )
        );
        presentationChecks = LcPresentationChecks(
            _proxy(
                address(new LcPresentationChecks(registry, attestations)),
                abi.encodeCall(LcPresentationChecks.initialize, ())
            )
        );
        letterOfCredit = LetterOfCredit(
            _proxy(
                address(new LetterOfCredit(registry, token, ledger, positions, bytes3("CNY"), presentationChecks)),
                abi.encodeCall(LetterOfCredit.initialize, (calendar))
            )
        );
        registry.bootstrapSystemContract(address(positions));
        registry.bootstrapSystemContract(address(letterOfCredit));
    }

    /// @dev An LC issued by bank `i` for the core enterprise, advised by the next bank, acknowledged by supplier1:
    /// large enough for every presentation of a run, partial drawings allowed, one required document kind (1).
    function _operativeLc(uint256 i) internal returns (uint256 id) {
        ILetterOfCredit.Terms memory terms = ILetterOfCredit.Terms({
            advisingBank: _banks[(i + 1) % 3],
            nominatedBank: address(0),
            beneficiary: SUPPLIER_1,
            amount: uint80(FACE * 1000),
            currency: bytes3("CNY"),
            tolerancePlus: 0,
            toleranceMinus: 0,
            expiry: uint40(block.timestamp + TERM),
            latestShipment: 0,
            deferred: false,
            tenorDays: 0,
            partialDrawings: true,
            requiredDocuments: 1 << 1,
            termsHash: keccak256(abi.encode("lc", i))
        });
        vm.prank(_banks[i]);
        id = letterOfCredit.issue(CORE, terms);
        vm.prank(_banks[(i + 1) % 3]);
        letterOfCredit.advise(id);
        vm.prank(SUPPLIER_1);
        letterOfCredit.acknowledge(id);
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
            // company, an attester whose authority role was taken away) or a suspended attester.
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

    /// @dev A bank sets its policy for one of the three financing applications: none, either kind or both.
    function setPolicy(uint256 bankSeed, uint256 applicationSeed, uint256 kindsSeed) external {
        address bank = _banks[bankSeed % 3];
        IAuthorityAttestations.Application application = _applications[applicationSeed % 4];
        uint256 kinds =
            ((kindsSeed & 1) << uint8(IAuthorityAttestations.Kind.InvoiceGenuine)) |
                (((kindsSeed >> 1) & 1) << uint8(IAuthorityAttestations.Kind.CompanyRegistered));
        uint32 member = registry.memberOf(bank);
        vm.prank(bank);
        try attestations.setPolicy(application, kinds) {
            if (_suspended[member]) ++ghostUnexpected;
            _policy[member][application] = kinds;
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

    /// @dev Takes an attester's authority role away, or gives it back, by governance (`setRoles`); the member stays
    /// active (bankC keeps its bank roles).
    function toggleAuthorityRole(uint256 attesterSeed) external {
        uint256 i = attesterSeed % 3;
        uint32 member = registry.memberOf(_attesters[i]);
        bool lost = !_roleLost[member];
        vm.prank(address(registry));
        registry.setRoles(member, lost ? _attesterRoles[i] & ~_authorityRoles[i] : _attesterRoles[i]);
        _roleLost[member] = lost;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + _bound(seconds_, 1, 30 days));
    }

    /// @dev A receivable financing application's step: finances only when `requireBacked` passes.
    function finance(uint256 bankSeed, uint256 subjectSeed) external {
        uint32 bank = registry.memberOf(_banks[bankSeed % 3]);
        bytes32 subject = _subject(subjectSeed);
        bool allowed = _allowed(bank, IAuthorityAttestations.Application.ReceivableFinancing, subject);
        try attestations.requireBacked(bank, IAuthorityAttestations.Application.ReceivableFinancing, subject) {
            ++ghostFinanced;
            if (!allowed) ++ghostForbiddenFinanced;
        } catch (bytes memory reason) {
            _refused(allowed, reason);
        }
    }

    /// @dev A seller bank announces a claim on the core enterprise naming `subject` (one time in four: none) and
    /// another bank quotes for it, open; the seller accepts in `acceptPurchase`, later.
    function offer(uint256 sellerSeed, uint256 buyerSeed, uint256 subjectSeed) external {
        if (_offers.length == MAX_PENDING) return;
        address seller = _banks[sellerSeed % 3];
        address buyer = _banks[(sellerSeed + 1 + (buyerSeed % 2)) % 3];
        if (!_canAct(seller) || !_canAct(buyer)) return;
        bytes32 subject = subjectSeed % 4 == 3 ? bytes32(0) : _subject(subjectSeed);
        vm.prank(CORE);
        uint256 claimId = claims.create(seller, uint64(block.timestamp + TERM), FACE);
        claims.setBackingSubject(claimId, subject);
        vm.startPrank(seller);
        claims.approveClaim(claimId, address(market));
        uint256 offerId = market.announce(
            IForfaitingMarket.Announcement({
                asset: claims,
                claimId: claimId,
                askingPrice: uint128(FACE - FACE / 20),
                askingDiscountBps: 500,
                askingTermsHash: keccak256("terms"),
                quoteDeadline: uint64(block.timestamp + 1 days),
                revealPeriod: 0,
                documents: new DocumentRef[](0)
            })
        );
        vm.stopPrank();
        vm.prank(buyer);
        market.quote(offerId, uint128(FACE - FACE / 20));
        _offers.push(PendingOffer({offerId: offerId, seller: seller, buyer: buyer, subject: subject}));
    }

    /// @dev The seller accepts a pending quote: the purchase completes only when the buyer's `ForfaitingPurchase`
    /// policy in force now is met on the subject the claim names.
    function acceptPurchase(uint256 offerSeed) external {
        if (_offers.length == 0) return;
        uint256 index = offerSeed % _offers.length;
        PendingOffer memory p = _offers[index];
        if (!_canAct(p.seller) || !_canAct(p.buyer)) return;
        uint32 buyer = registry.memberOf(p.buyer);
        bool allowed = _allowed(buyer, IAuthorityAttestations.Application.ForfaitingPurchase, p.subject);
        vm.prank(p.seller);
        try market.acceptQuote(p.offerId, p.buyer, keccak256("deed"), keccak256("notice"), bytes32(0)) {
            ++ghostPurchased;
            if (!allowed) ++ghostForbiddenPurchased;
            if (claims.claimInfo(market.offer(p.offerId).claimId).holder != p.buyer) ++ghostUnexpected;
            _offers[index] = _offers[_offers.length - 1];
            _offers.pop();
        } catch (bytes memory reason) {
            _refused(allowed, reason);
        }
    }

    /// @dev Supplier1 applies for a bid guarantee from a bank, giving `subject` as its tender reference; the
    /// guarantor issues in `issueGuarantee`, later.
    function applyGuarantee(uint256 guarantorSeed, uint256 subjectSeed) external {
        if (_applied.length == MAX_PENDING) return;
        address guarantor = _banks[guarantorSeed % 3];
        if (!_canAct(guarantor)) return;
        bytes32 tender = _subject(subjectSeed);
        vm.prank(SUPPLIER_1);
        uint256 id = guarantees.applyFor(
            IBankGuarantees.Application({
                guarantor: guarantor,
                beneficiary: CORE,
                kind: IBankGuarantees.GuaranteeKind.Bid,
                currency: "CNY",
                amount: uint128(FACE),
                expiry: uint64(block.timestamp + TERM),
                examinationPeriod: 5 days,
                termsHash: keccak256("terms"),
                tenderReference: tender,
                schedule: new IBankGuarantees.ReductionStep[](0)
            })
        );
        _applied.push(PendingGuarantee({guaranteeId: id, guarantor: guarantor, tender: tender}));
    }

    /// @dev The guarantor issues a pending application: only when its `GuaranteeIssue` policy in force now is met on
    /// the stored tender reference.
    function issueGuarantee(uint256 applicationSeed) external {
        if (_applied.length == 0) return;
        uint256 index = applicationSeed % _applied.length;
        PendingGuarantee memory p = _applied[index];
        if (!_canAct(p.guarantor)) return;
        uint32 guarantor = registry.memberOf(p.guarantor);
        bool allowed = _allowed(guarantor, IAuthorityAttestations.Application.GuaranteeIssue, p.tender);
        vm.prank(p.guarantor);
        try guarantees.issue(p.guaranteeId, keccak256(abi.encode("reference", ++_references))) {
            ++ghostIssued;
            if (!allowed) ++ghostForbiddenIssued;
            if (guarantees.guarantee(p.guaranteeId).state != IBankGuarantees.GuaranteeState.Issued) ++ghostUnexpected;
            _applied[index] = _applied[_applied.length - 1];
            _applied.pop();
        } catch (bytes memory reason) {
            _refused(allowed, reason);
        }
    }

    /// @dev Supplier1 states `subject` (one time in four: none) for fresh documents and presents them under bank `i`'s
    /// LC: made only when the issuing bank's `LcHonour` policy in force now is met on the subject.
    function presentLc(uint256 bankSeed, uint256 subjectSeed) external {
        if (_presented.length == MAX_PENDING) return;
        uint256 i = bankSeed % 3;
        bytes32 subject = subjectSeed % 4 == 3 ? bytes32(0) : _subject(subjectSeed);
        DocumentRef[] memory documents = new DocumentRef[](1);
        documents[0] = DocumentRef({
            contentHash: keccak256(abi.encode("documents", ++_documents)),
            uriHash: bytes32(0),
            kind: 1
        });
        if (subject != bytes32(0)) {
            vm.prank(SUPPLIER_1);
            presentationChecks.stateBacking(keccak256(abi.encode(documents)), subject);
        }
        uint32 bank = registry.memberOf(_banks[i]);
        bool allowed = _allowed(bank, IAuthorityAttestations.Application.LcHonour, subject);
        vm.prank(SUPPLIER_1);
        try letterOfCredit.present(_lcs[i], uint80(FACE), documents) returns (uint256 id) {
            ++ghostPresented;
            if (!allowed) ++ghostForbiddenPresented;
            if (presentationChecks.backingOf(address(letterOfCredit), id) != subject) ++ghostUnexpected;
            _presented.push(PendingPresentation({presentationId: id, bank: _banks[i], subject: subject}));
        } catch (bytes memory reason) {
            _refused(allowed, reason);
        }
    }

    /// @dev The issuing bank examines a pending presentation as complying and pays it: only when its `LcHonour`
    /// policy in force now is met on the presentation's subject (revoked, expired, attester suspended or stripped of
    /// its role since the presentation: refused). Past the examination deadline the presentation leaves the model.
    function honourLc(uint256 presentationSeed) external {
        if (_presented.length == 0) return;
        uint256 index = presentationSeed % _presented.length;
        PendingPresentation memory p = _presented[index];
        if (!_canAct(p.bank)) return;
        if (block.timestamp > letterOfCredit.presentation(p.presentationId).examinationDeadline) {
            _dropPresentation(index);
            return;
        }
        uint32 bank = registry.memberOf(p.bank);
        bool allowed = _allowed(bank, IAuthorityAttestations.Application.LcHonour, p.subject);
        vm.prank(p.bank);
        try letterOfCredit.examine(p.presentationId, new bytes32[](0)) {
            vm.prank(p.bank);
            letterOfCredit.pay(p.presentationId, bytes32(0));
            ++ghostHonoured;
            if (!allowed) ++ghostForbiddenHonoured;
            if (letterOfCredit.presentation(p.presentationId).state != ILetterOfCredit.PresentationState.Paid) {
                ++ghostUnexpected;
            }
            _dropPresentation(index);
        } catch (bytes memory reason) {
            _refused(allowed, reason);
        }
    }

    function _dropPresentation(uint256 index) internal {
        _presented[index] = _presented[_presented.length - 1];
        _presented.pop();
    }

    /// @dev A refusal must be one the model forbids, for the register's reason.
    function _refused(bool allowed, bytes memory reason) internal {
        ++ghostRefused;
        if (allowed || bytes4(reason) != IAuthorityAttestations.AttestationRequired.selector) ++ghostUnexpected;
    }

    /// @dev Whether `bank`'s policy for `application` is met on `subject` now, by the model alone.
    function _allowed(
        uint32 bank,
        IAuthorityAttestations.Application application,
        bytes32 subject
    ) internal view returns (bool) {
        uint256 policy = _policy[bank][application];
        for (uint256 i; i < 2; ++i) {
            IAuthorityAttestations.Kind kind = _kinds[i];
            if (policy & (1 << uint8(kind)) == 0) continue;
            Model storage m = _model[_latest[subject][kind]];
            if (m.attester == 0 || m.revoked || m.attester == bank) return false;
            if (_suspended[m.attester] || _roleLost[m.attester]) return false;
            if (block.timestamp < m.validFrom || block.timestamp > m.validUntil) return false;
        }
        return true;
    }

    /// @dev Parties suspended here (bankC, as an attester) are refused before any policy is asked: not modelled.
    function _canAct(address account) internal view returns (bool) {
        return !_suspended[registry.memberOf(account)];
    }

    function _subject(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("subject", seed % SUBJECTS));
    }
}

/// @notice No financing, forfaiting purchase or guarantee issue completes for a bank whose policy requires an
/// attestation that is not in force at that moment (none, revoked, expired, not yet valid, by the bank itself, its
/// attester suspended or stripped of its authority role); and every refusal is one the model forbids.
/// @dev CI's share is bounded and replayed: the fixed seed of `hardhat.config.ts` and the runs and depth below.
contract AttestationPolicyInvariantTest is TestBase {
    AttestationPolicyHandler internal handler;

    function setUp() public {
        handler = new AttestationPolicyHandler();
        _targetContract(address(handler));
    }

    /// @notice The model is exercised on the receivable financing check: a refusal without an attestation, a financing
    /// with one, a refusal once the attester is suspended, expiry, and bankC's own attestation refused for bankC but
    /// good for bankA.
    function test_handlerRefusesWhatThePolicyForbids() public {
        handler.setPolicy(0, 0, 1); // bankA requires InvoiceGenuine to finance receivables
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
        handler.setPolicy(2, 0, 1); // bankC requires InvoiceGenuine
        handler.finance(2, 1);
        _assertEq(handler.ghostRefused(), 4, "refused: bankC's own attestation");
        handler.finance(0, 1);
        _assertEq(handler.ghostFinanced(), 2, "bankA relies on bankC's attestation");
        handler.revoke(1); // bounded into 1..2: attestation 2, bankC's
        handler.finance(0, 1);
        _assertEq(handler.ghostRefused(), 5, "refused: revoked");
        _assertInvariants();
    }

    /// @notice The forfaiting path: bankB's purchase policy, tightened after it quoted, refuses the purchase until the
    /// subject is attested; the attester losing its role, then the attestation revoked, refuse the next; a claim
    /// naming no subject cannot be bought under a policy.
    function test_purchaseFollowsThePolicyInForceAtAcceptance() public {
        handler.offer(0, 0, 0); // bankA sells a claim naming subject 0 to bankB (quoted)
        handler.setPolicy(1, 1, 1); // then bankB requires InvoiceGenuine to purchase
        handler.acceptPurchase(0);
        _assertEq(handler.ghostRefused(), 1, "refused: policy tightened after the quote, nothing attested");
        handler.attest(0, 0, 0, 0, 10); // tax attests subject 0
        handler.acceptPurchase(0);
        _assertEq(handler.ghostPurchased(), 1, "bought once attested");
        handler.offer(0, 0, 0); // a second claim on subject 0
        handler.toggleAuthorityRole(0); // the tax bureau loses its role
        handler.acceptPurchase(0);
        _assertEq(handler.ghostRefused(), 2, "refused: attester lost its role");
        handler.toggleAuthorityRole(0);
        handler.acceptPurchase(0);
        _assertEq(handler.ghostPurchased(), 2, "bought once the role is back");
        handler.offer(0, 0, 0);
        handler.revoke(1);
        handler.acceptPurchase(0);
        _assertEq(handler.ghostRefused(), 3, "refused: revoked");
        handler.offer(0, 0, 3); // a claim naming no subject
        handler.attest(0, 0, 0, 0, 10);
        handler.acceptPurchase(1);
        _assertEq(handler.ghostRefused(), 4, "refused: the claim names no subject");
        handler.acceptPurchase(0);
        _assertEq(handler.ghostPurchased(), 3, "bought once attested again");
        handler.setPolicy(1, 1, 0); // bankB drops its policy: the claim naming no subject is bought
        handler.acceptPurchase(0);
        _assertEq(handler.ghostPurchased(), 4, "bought without a policy");
        _assertInvariants();
    }

    /// @notice The guarantee path: bankA's issue policy refuses an application until its tender reference is
    /// attested, then after expiry, while the attester is suspended and for an attestation that is not valid yet.
    function test_issueFollowsThePolicyInForceAtIssue() public {
        handler.applyGuarantee(0, 0); // supplier1 applies to bankA, tender subject 0
        handler.setPolicy(0, 2, 2); // bankA requires CompanyRegistered to issue guarantees
        handler.issueGuarantee(0);
        _assertEq(handler.ghostRefused(), 1, "refused: nothing attested");
        handler.attest(0, 1, 0, 0, 10); // a tax bureau cannot attest a company: refused, no attestation
        handler.issueGuarantee(0);
        _assertEq(handler.ghostRefused(), 2, "refused: wrong attester");
        handler.attest(1, 1, 0, 1 days, 10); // the registry attests subject 0, valid from tomorrow
        handler.issueGuarantee(0);
        _assertEq(handler.ghostRefused(), 3, "refused: not valid yet");
        handler.warp(1 days);
        handler.toggleAttester(1); // the registry suspended
        handler.issueGuarantee(0);
        _assertEq(handler.ghostRefused(), 4, "refused: attester suspended");
        handler.toggleAttester(1);
        handler.issueGuarantee(0);
        _assertEq(handler.ghostIssued(), 1, "issued once backed");
        handler.applyGuarantee(0, 0);
        handler.warp(11 days);
        handler.issueGuarantee(0);
        _assertEq(handler.ghostRefused(), 5, "refused: expired");
        handler.applyGuarantee(1, 0); // bankB has no policy: issues
        handler.issueGuarantee(1);
        _assertEq(handler.ghostIssued(), 2, "issued without a policy");
        _assertInvariants();
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 48
    function invariant_noForbiddenFinancing() public view {
        _assertEq(handler.ghostForbiddenFinanced(), 0, "a financing went through that the bank's policy forbids");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 48
    function invariant_noForbiddenPurchase() public view {
        _assertEq(handler.ghostForbiddenPurchased(), 0, "a forfaiting purchase went through that the policy forbids");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 48
    function invariant_noForbiddenIssue() public view {
        _assertEq(handler.ghostForbiddenIssued(), 0, "a guarantee was issued that the guarantor's policy forbids");
    }

    /// @notice The LC path (issue 22): bankA's LcHonour policy refuses a presentation naming no subject or an unattested
    /// one; a backed presentation is refused at examination once its attestation is revoked, or its attester lost
    /// the role, and honoured once backed again; bankB, without a policy, honours a presentation naming nothing.
    function test_presentationFollowsTheIssuingBanksPolicy() public {
        handler.setPolicy(0, 3, 1); // bankA requires InvoiceGenuine to honour presentations
        handler.presentLc(0, 3); // names no subject
        _assertEq(handler.ghostRefused(), 1, "refused at present: no subject");
        handler.presentLc(0, 0);
        _assertEq(handler.ghostRefused(), 2, "refused at present: nothing attested");
        handler.attest(0, 0, 0, 0, 10); // tax attests subject 0 (attestation 1)
        handler.presentLc(0, 0);
        _assertEq(handler.ghostPresented(), 1, "presented once attested");
        handler.revoke(1);
        handler.honourLc(0);
        _assertEq(handler.ghostRefused(), 3, "refused at examination: revoked since the presentation");
        handler.attest(0, 0, 0, 0, 10); // attested again (attestation 2)
        handler.toggleAuthorityRole(0); // the tax bureau loses its role
        handler.honourLc(0);
        _assertEq(handler.ghostRefused(), 4, "refused at examination: attester lost its role");
        handler.toggleAuthorityRole(0);
        handler.honourLc(0);
        _assertEq(handler.ghostHonoured(), 1, "honoured once backed again");
        handler.presentLc(1, 3); // bankB has no policy: a presentation naming nothing is made and honoured
        handler.honourLc(0);
        _assertEq(handler.ghostHonoured(), 2, "honoured without a policy");
        _assertInvariants();
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 48
    function invariant_noForbiddenPresentation() public view {
        _assertEq(
            handler.ghostForbiddenPresented(),
            0,
            "a presentation was made that the issuing bank's policy forbids"
        );
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 48
    function invariant_noForbiddenHonour() public view {
        _assertEq(handler.ghostForbiddenHonoured(), 0, "a presentation was honoured that the bank's policy forbids");
    }

    /// hardhat-config: invariant.runs = 64
    /// hardhat-config: invariant.depth = 48
    function invariant_noUnexpectedOutcome() public view {
        _assertEq(handler.ghostUnexpected(), 0, "an outcome went against the model");
    }

    function _assertInvariants() internal view {
        invariant_noForbiddenFinancing();
        invariant_noForbiddenPurchase();
        invariant_noForbiddenIssue();
        invariant_noForbiddenPresentation();
        invariant_noForbiddenHonour();
        invariant_noUnexpectedOutcome();
    }
}
