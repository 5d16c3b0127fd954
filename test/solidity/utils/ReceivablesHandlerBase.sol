// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IReceivableCertificate} from "../../../contracts/receivables/interfaces/IReceivableCertificate.sol";
import {IReceivableDesk} from "../../../contracts/receivables/interfaces/IReceivableDesk.sol";
import {DocumentKinds, DocumentRef} from "../../../contracts/platform/types/DocumentRef.sol";
import {ReceivablesFixture} from "./ReceivablesFixture.sol";

/// @notice What the invariant handlers over receivable certificates share: the receivables they open (obligor CORE),
/// every certificate they see minted, the holders value moves between, plain splits and value merges, funding by the
/// obligor and redemption.
abstract contract ReceivablesHandlerBase is ReceivablesFixture {
    uint32 internal constant CORE_ID = 4;
    uint256 internal constant RECEIVABLES = 2;
    uint256 internal constant FACE = 1_000_000;

    address[] internal _holders;
    uint256[] internal _tokens;
    mapping(uint256 slot => uint256) public ghostRedeemed;
    uint256 public ghostMinted;

    // ------------------------------------------------------------------ views for the invariants

    function tokens() external view returns (uint256[] memory) {
        return _tokens;
    }

    function settlementToken() external view returns (address) {
        return address(token);
    }

    // ------------------------------------------------------------------ actions

    function splitValue(uint256 tokenSeed, uint256 toSeed, uint256 amount) external {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0) return;
        address to = _otherHolder(c.owner, toSeed);
        amount = _bound(amount, 1, _free(c));
        vm.prank(c.owner);
        try certificates.transferFrom(id, to, amount) returns (uint256 newId) {
            _recordMint(newId);
        } catch {}
    }

    /// @dev Pushes value into any certificate of the same receivable (one held by a recorded sale included).
    function mergeValue(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        (uint256 fromId, IReceivableCertificate.Certificate memory from) = _live(fromSeed);
        (uint256 toId, IReceivableCertificate.Certificate memory to) = _live(toSeed);
        if (fromId == 0 || toId == 0 || from.slot != to.slot) return;
        amount = _bound(amount, 1, _free(from));
        vm.prank(from.owner);
        try certificates.transferFrom(fromId, toId, amount) {} catch {}
    }

    // ------------------------------------------------------------------ internals

    /// @dev The obligor escrows the receivable's outstanding value when it is active (or overdue, with `overdueToo`).
    function _fund(uint256 slot, bool overdueToo) internal {
        IReceivableDesk.Receivable memory r = desk.receivable(slot);
        if (
            r.status == IReceivableDesk.ReceivableStatus.Active ||
            (overdueToo && r.status == IReceivableDesk.ReceivableStatus.Overdue)
        ) {
            uint256 outstanding = r.faceValue - r.redeemed;
            _mint(CORE, outstanding);
            vm.prank(CORE);
            token.approve(address(desk), outstanding);
            vm.prank(CORE);
            try desk.fund(slot) {} catch {}
        }
    }

    /// @dev The holder of a live certificate picked by seed redeems it, when it is of receivable `slot`.
    function _redeem(uint256 slot, uint256 tokenSeed) internal {
        (uint256 id, IReceivableCertificate.Certificate memory c) = _live(tokenSeed);
        if (id == 0 || c.slot != slot) return;
        vm.prank(c.owner);
        try desk.redeem(id) {
            ghostRedeemed[slot] += c.value;
        } catch {}
    }

    /// @dev SUPPLIER_1 registers receivable `n` on CORE (FACE, maturing `term` from now, invoice key hashed from
    /// `invoiceLabel` and `n`) and CORE confirms it; its root certificate is recorded.
    function _openReceivable(uint256 n, uint256 term, string memory invoiceLabel) internal {
        IReceivableDesk.ReceivableTerms memory terms = IReceivableDesk.ReceivableTerms({
            obligor: CORE_ID,
            maturity: uint40(block.timestamp + term),
            faceValue: uint88(FACE),
            currency: "CNY",
            invoiceKey: keccak256(abi.encode(invoiceLabel, n)),
            contractDoc: DocumentRef(keccak256(abi.encode("c", n)), bytes32(0), DocumentKinds.CONTRACT),
            invoiceDoc: DocumentRef(keccak256(abi.encode("i", n)), bytes32(0), DocumentKinds.INVOICE),
            deliveryDoc: DocumentRef(keccak256(abi.encode("d", n)), bytes32(0), DocumentKinds.DELIVERY)
        });
        vm.prank(SUPPLIER_1);
        uint256 id = desk.register(terms);
        vm.prank(CORE);
        _recordMint(desk.confirm(id));
    }

    function _recordMint(uint256 id) internal {
        _tokens.push(id);
        ++ghostMinted;
    }

    /// @dev A live certificate picked by seed (0 if the pick was redeemed).
    function _live(uint256 seed) internal view returns (uint256 id, IReceivableCertificate.Certificate memory c) {
        id = _tokens[seed % _tokens.length];
        c = certificates.certificate(id);
        if (c.owner == address(0)) return (0, c);
    }

    function _otherHolder(address owner, uint256 seed) internal view returns (address to) {
        to = _holders[seed % _holders.length];
        if (to == owner) to = _holders[(seed + 1) % _holders.length];
    }

    function _free(IReceivableCertificate.Certificate memory c) internal pure returns (uint256) {
        uint256 free = c.value - c.locked;
        return free == 0 ? 1 : free;
    }
}
