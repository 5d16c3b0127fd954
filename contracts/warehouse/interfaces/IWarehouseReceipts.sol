// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IWarehouseReceipts
/// @notice Inventory and warehouse financing (融通仓 and 保兑仓, issue 20). A member with the WAREHOUSE role issues a
/// receipt to a depositor for goods it holds: the goods only by hashes (description, quantity and quality; the
/// location in the warehouse), a quantity in units, a valuation, and the keyed id of the goods in the suite's register
/// of financed documents, which the receipt holds for the whole valuation while it is pledged, so the same goods
/// cannot back two financings. The depositor offers the receipt as a pledge to a bank (a loan reference and
/// principal); the bank accepts the very terms it priced. The bank records repayments; goods go out only against
/// them: the bank instructs a release, never beyond the share of the quantity that the repaid share of the principal
/// covers, and the warehouse confirms the physical release.
/// Two patterns: `Inventory` (融通仓): the depositor pledges its own goods for its own loan, goods return to it.
/// `Confirmed` (保兑仓): a core enterprise (the seller) delivers goods into the warehouse for a dealer; the bank
/// finances the dealer, who repays in tranches; each release delivers goods to the dealer.
/// The standing of every party is checked at the moment it acts; freeze orders (`IFreezable`, scope `Certificate`
/// with this contract as asset and the receipt as id; the value is the quantity still in store) stop every movement.
interface IWarehouseReceipts {
    /// @notice 融通仓 (the depositor's own inventory) or 保兑仓 (a seller's goods for a dealer).
    enum Mode {
        None,
        Inventory,
        Confirmed
    }

    /// @notice `Issued` (in store, unencumbered), `Offered` (pledge offered to a bank), `Pledged` (the loan runs),
    /// `Closed` (all goods released against full repayment, or the receipt cancelled with nothing pledged).
    enum Status {
        None,
        Issued,
        Offered,
        Pledged,
        Closed
    }

    /// @notice A receipt. Slot 0: warehouse, depositor, dealer, status, mode, issued at, currency. Slot 1: quantity,
    /// released, instructed. Slot 2: valuation, financier. Slots 3-5: hashes and the goods' document id.
    /// @param warehouse The issuing warehouse member.
    /// @param depositor The member that deposited the goods (保兑仓: the seller) and pledges the receipt.
    /// @param dealer 保兑仓: the dealer the goods are for, who owes the loan (0 in 融通仓).
    /// @param quantity Units in store at issue.
    /// @param released Units released (confirmed out of the warehouse).
    /// @param instructed Units the bank instructed the warehouse to release, not yet confirmed.
    /// @param value Valuation in minor units of `currency` (the face held in the register of financed documents).
    /// @param financier The pledgee bank (0 while none).
    struct Receipt {
        uint32 warehouse;
        uint32 depositor;
        uint32 dealer;
        Status status;
        Mode mode;
        uint40 issuedAt;
        bytes3 currency;
        uint96 quantity;
        uint96 released;
        uint96 instructed;
        uint96 value;
        uint32 financier;
        bytes32 goodsHash;
        bytes32 locationHash;
        bytes32 documentId;
    }

    /// @notice What a warehouse issues a receipt for (see `Receipt`).
    struct ReceiptTerms {
        uint32 depositor;
        Mode mode;
        uint32 dealer;
        bytes32 goodsHash;
        bytes32 locationHash;
        bytes32 documentId;
        uint96 quantity;
        uint96 value;
        bytes3 currency;
    }

    /// @notice A pledge (offered or accepted). Slot 0: principal, repaid. Slot 1: loan reference. Slot 2: offer hash.
    /// @param principal Loan principal in minor units of the receipt's currency.
    /// @param repaid Repayments the bank recorded.
    /// @param loanRef Hash of the bank's loan reference.
    /// @param offerHash Hash of the offered terms (`offerHash`), which the bank's acceptance must name.
    struct Pledge {
        uint128 principal;
        uint128 repaid;
        bytes32 loanRef;
        bytes32 offerHash;
    }

    /// @notice A receipt issued, with all of it as stored.
    event ReceiptIssued(uint256 indexed receiptId, uint32 indexed warehouse, uint32 indexed depositor, Receipt receipt);
    event PledgeOffered(
        uint256 indexed receiptId,
        uint32 indexed financier,
        uint32 indexed depositor,
        bytes32 loanRef,
        uint256 principal,
        bytes32 offerHash
    );
    event PledgeWithdrawn(uint256 indexed receiptId, address indexed by);
    event PledgeAccepted(uint256 indexed receiptId, uint32 indexed financier, bytes32 loanRef, uint256 principal);
    /// @notice The register refused the pledge: the goods' document is financed elsewhere (or with another
    /// valuation). The acceptance recorded the attempt instead of reverting; the offer is withdrawn.
    event PledgeRefused(uint256 indexed receiptId, uint32 indexed financier, bytes32 documentId);
    event RepaymentRecorded(
        uint256 indexed receiptId,
        uint32 indexed financier,
        uint256 amount,
        uint256 repaid,
        bytes32 paymentRef
    );
    event ReleaseInstructed(uint256 indexed receiptId, uint32 indexed financier, uint256 quantity, uint256 instructed);
    /// @param to The member the goods went to (the depositor, or the dealer in 保兑仓).
    event ReleaseConfirmed(
        uint256 indexed receiptId,
        uint32 indexed warehouse,
        uint32 indexed to,
        uint256 quantity,
        uint256 released
    );
    event ReceiptClosed(uint256 indexed receiptId, bool cancelled);

    error ReceiptUnknown(uint256 receiptId);
    error ReceiptWrongStatus(uint256 receiptId, Status status);
    /// @notice The caller is not the party this step needs (`member` is who it is, `expected` who must act).
    error ReceiptWrongParty(uint256 receiptId, uint32 member, uint32 expected);
    error ReceiptInvalid(bytes32 field);
    /// @notice The acceptance names other terms than the standing offer (changed since the bank priced them).
    error ReceiptOfferChanged(uint256 receiptId, bytes32 offerHash, bytes32 accepted);
    /// @notice Repayments would exceed the principal.
    error ReceiptOverRepaid(uint256 receiptId, uint256 principal, uint256 repaid, uint256 amount);
    /// @notice A release beyond what the repaid share covers (`releasable` units now).
    error ReceiptReleaseNotCovered(uint256 receiptId, uint256 releasable, uint256 quantity);
    /// @notice A confirmation of more than the bank instructed.
    error ReceiptReleaseNotInstructed(uint256 receiptId, uint256 instructed, uint256 quantity);

    function initialize() external;

    /// @notice Warehouse: issues a receipt for goods deposited by `depositor` (保兑仓: the seller, for `dealer`).
    function issue(ReceiptTerms calldata terms) external returns (uint256 receiptId);

    /// @notice Warehouse: cancels an unencumbered receipt (goods returned outside any financing).
    function cancel(uint256 receiptId) external;

    /// @notice Depositor: offers the receipt as a pledge to `financier` for a loan.
    function offerPledge(uint256 receiptId, uint32 financier, bytes32 loanRef, uint128 principal) external;

    /// @notice Depositor or the named bank: withdraws (declines) a standing offer.
    function withdrawPledge(uint256 receiptId) external;

    /// @notice Bank: accepts the offer whose terms hash it priced. Returns false (and records the attempt in the
    /// register of financed documents) when the goods are already financed: no revert, so no attempt goes unseen.
    function acceptPledge(uint256 receiptId, bytes32 offerHash) external returns (bool pledged);

    /// @notice Bank: records a repayment of the loan (off-chain payment reference hash).
    function recordRepayment(uint256 receiptId, uint128 amount, bytes32 paymentRef) external;

    /// @notice Bank: instructs the warehouse to release `quantity` units, within the repaid share.
    function instructRelease(uint256 receiptId, uint96 quantity) external;

    /// @notice Warehouse: confirms the physical release of `quantity` instructed units. At full repayment with every
    /// unit released, the receipt closes and its document is released as paid.
    function confirmRelease(uint256 receiptId, uint96 quantity) external;

    function receipt(uint256 receiptId) external view returns (Receipt memory);

    function pledge(uint256 receiptId) external view returns (Pledge memory);

    function receiptCount() external view returns (uint256);

    /// @notice Units the bank may still instruct: floor(quantity x repaid / principal) - released - instructed.
    function releasable(uint256 receiptId) external view returns (uint256);

    /// @notice The hash an acceptance must name for an offer with these terms.
    function offerHash(
        uint256 receiptId,
        uint32 financier,
        bytes32 loanRef,
        uint128 principal
    ) external view returns (bytes32);
}
