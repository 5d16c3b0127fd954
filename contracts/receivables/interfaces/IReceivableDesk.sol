// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IFinancedDocuments} from "../../platform/interfaces/IFinancedDocuments.sol";
import {DocumentRef} from "../../platform/types/DocumentRef.sol";
import {IIssuanceLimits} from "./IIssuanceLimits.sol";
import {IReceivableCertificate} from "./IReceivableCertificate.sol";

/// @title IReceivableDesk
/// @notice Supply-chain finance around receivable certificates: a supplier registers a receivable against a core
/// enterprise (obligor), which confirms it (minting the root certificate) or rejects it, or issues one directly;
/// holders split certificates to next-tier suppliers with the receiver's sign-off, discount them to banks against
/// settlement tokens, pledge them; banks guarantee receivables; at maturity the obligor funds the outstanding value
/// in tokens (escrowed here) or its paying bank pays each holder off chain, and each holder redeems its value. Unpaid
/// receivables go overdue and the guaranteeing bank can be called to pay.
interface IReceivableDesk {
    /// @notice A receivable's lifecycle.
    /// Registered -> Active (confirm) | Rejected (reject) | Cancelled (creditor withdraws);
    /// (issue) -> Active; Active -> Overdue (unpaid a grace period after maturity) -> GuaranteeCalled (a holder calls
    /// the guarantee); Active | Overdue | GuaranteeCalled -> Funded (outstanding value escrowed here);
    /// any of those -> Settled once every unit of face value is redeemed.
    enum ReceivableStatus {
        None,
        Registered,
        Rejected,
        Cancelled,
        Active,
        Overdue,
        GuaranteeCalled,
        Funded,
        Settled
    }

    /// @notice A sign-off transfer's or a discount offer's lifecycle.
    enum OfferStatus {
        None,
        Pending,
        Accepted,
        Refused,
        Cancelled,
        Expired
    }

    /// @notice A pledge's lifecycle.
    enum PledgeStatus {
        None,
        Active,
        Released,
        Taken
    }

    /// @notice What a creditor registers (or an obligor issues).
    /// @param obligor The member that owes the payment (a core enterprise with `RECEIVABLE_OBLIGOR`).
    /// @param maturity When payment is due (unix seconds).
    /// @param faceValue Amount owed, minor units of `currency`.
    /// @param currency ISO 4217 code, e.g. "CNY".
    /// @param invoiceKey Keyed hash of the invoice's official identity (issuer tax id, invoice code and number),
    /// computed off chain with the consortium key: one invoice backs at most one live receivable.
    /// @param contractDoc The commercial contract (information flow).
    /// @param invoiceDoc The invoice (commercial flow).
    /// @param deliveryDoc The delivery note or receipt (logistics flow).
    struct ReceivableTerms {
        uint32 obligor;
        uint40 maturity;
        uint88 faceValue;
        bytes3 currency;
        bytes32 invoiceKey;
        DocumentRef contractDoc;
        DocumentRef invoiceDoc;
        DocumentRef deliveryDoc;
    }

    /// @notice A receivable, in five storage slots.
    /// @param obligor Member that owes the payment.
    /// @param creditor Member that registered it (or was issued it) and received the root certificate.
    /// @param guarantor Bank member guaranteeing payment, 0 if none.
    /// @param guaranteeRequest Bank the obligor asked to guarantee payment, 0 if none: only that bank may guarantee.
    /// @param maturity Due date.
    /// @param status Lifecycle status.
    /// @param rootTokenId The root certificate, 0 until confirmed.
    /// @param currency ISO 4217 code.
    /// @param creditorAccount Account that received the root certificate.
    /// @param faceValue Amount owed.
    /// @param redeemed Value redeemed so far (from escrow or paid off chain).
    /// @param escrowed Settlement tokens held here for the holders still to redeem.
    /// @param invoiceKey See `ReceivableTerms`.
    /// @param documentsHash keccak256(abi.encode(contractDoc, invoiceDoc, deliveryDoc)).
    struct Receivable {
        uint32 obligor;
        uint32 creditor;
        uint32 guarantor;
        uint40 maturity;
        ReceivableStatus status;
        uint48 rootTokenId;
        bytes3 currency;
        uint32 guaranteeRequest;
        address creditorAccount;
        uint88 faceValue;
        uint88 redeemed;
        uint88 escrowed;
        bytes32 invoiceKey;
        bytes32 documentsHash;
    }

    /// @notice A split offered to a next-tier supplier that waits for its sign-off; the value stays locked in the
    /// sender's certificate until accepted, refused, cancelled or expired.
    /// @dev `offeror` is the account that made the offer (the owner, or an account it approved): at acceptance both
    /// the owner and the offeror must still be in good standing, and the offeror still the owner or approved.
    struct TransferOffer {
        uint48 tokenId;
        address to;
        uint40 deadline;
        OfferStatus status;
        uint88 value;
        address offeror;
    }

    /// @notice A certificate (or part) offered to a bank at a price; locked until accepted, cancelled or expired.
    /// @dev `offeror` as in `TransferOffer`.
    struct DiscountOffer {
        uint48 tokenId;
        uint32 financier;
        uint40 deadline;
        OfferStatus status;
        uint88 value;
        uint88 price;
        address offeror;
    }

    /// @notice Value locked in favour of a bank: released by the bank, or taken by it from `dueDate` on (default).
    struct Pledge {
        uint48 tokenId;
        uint32 pledgee;
        uint40 dueDate;
        PledgeStatus status;
        uint88 value;
    }

    /// @notice A creditor registered a receivable; the terms carry every document hash.
    event ReceivableRegistered(
        uint256 indexed receivableId,
        uint32 indexed creditor,
        uint32 indexed obligor,
        address creditorAccount,
        ReceivableTerms terms
    );
    /// @notice The obligor confirmed a receivable (or issued it directly: `direct`), minting its root certificate.
    event ReceivableConfirmed(
        uint256 indexed receivableId,
        uint32 indexed obligor,
        uint256 indexed rootTokenId,
        address obligorAccount,
        bool direct
    );
    /// @notice The obligor rejected a registered receivable; its invoice is free again.
    event ReceivableRejected(uint256 indexed receivableId, uint32 indexed obligor, bytes32 reasonHash);
    /// @notice The creditor withdrew its registration before confirmation; its invoice is free again.
    event ReceivableCancelled(uint256 indexed receivableId, uint32 indexed creditor);
    /// @notice The obligor asked `bank` to guarantee payment of a receivable (0: withdrew its request).
    event GuaranteeRequested(
        uint256 indexed receivableId,
        uint32 indexed obligor,
        uint32 indexed bank,
        address account
    );
    /// @notice A bank guaranteed payment of a receivable (confirmation), at the obligor's request.
    event ReceivableGuaranteed(uint256 indexed receivableId, uint32 indexed guarantor, address guarantorAccount);
    /// @notice An obligor named the bank whose accounts record its off-chain payments to holders (0 to clear).
    event PayingBankSet(uint32 indexed obligor, uint32 indexed bank);
    /// @notice A holder acknowledged it was paid `value` off chain under `paymentReference` for its certificate: the
    /// called guarantor may now record that payment and redeem the certificate.
    event OffChainPaymentAcknowledged(
        uint256 indexed tokenId,
        uint256 indexed receivableId,
        address indexed holder,
        uint256 value,
        bytes32 paymentReference
    );
    /// @notice The receivable was not funded within the grace period after maturity.
    event ReceivableOverdue(uint256 indexed receivableId, uint256 outstanding);
    /// @notice A holder called the guarantor to pay an overdue receivable.
    event GuaranteeCalled(
        uint256 indexed receivableId,
        uint32 indexed guarantor,
        uint256 indexed tokenId,
        address holder
    );
    /// @notice The outstanding value was escrowed here, by the obligor or (after a call) the guarantor.
    event ReceivableFunded(uint256 indexed receivableId, uint32 indexed payer, address payerAccount, uint256 amount);
    /// @notice A certificate was redeemed: paid from escrow (`paymentReference` 0) or off chain by a bank.
    event CertificateRedeemed(
        uint256 indexed receivableId,
        uint256 indexed tokenId,
        address indexed holder,
        uint32 holderMember,
        uint256 value,
        bytes32 paymentReference
    );
    /// @notice Every unit of face value has been redeemed.
    event ReceivableSettled(uint256 indexed receivableId);
    /// @notice A holder offered a split to `to`, pending its sign-off until `deadline`.
    event TransferOffered(
        uint256 indexed offerId,
        uint256 indexed tokenId,
        address indexed to,
        address from,
        uint256 value,
        uint40 deadline
    );
    /// @notice A sign-off transfer left Pending; `newTokenId` is the receiver's certificate when accepted, else 0.
    event TransferOfferClosed(uint256 indexed offerId, OfferStatus status, uint256 newTokenId, bytes32 reasonHash);
    /// @notice A holder offered value of a certificate to a bank at a price.
    event DiscountOffered(
        uint256 indexed offerId,
        uint256 indexed tokenId,
        uint32 indexed financier,
        address holder,
        uint256 value,
        uint256 price,
        uint40 deadline
    );
    /// @notice A bank bought discounted value: `newTokenId` is its certificate, paid `price` in the same transaction
    /// (tokens when `paymentReference` is 0, otherwise an off-chain payment recorded in the ledger).
    event DiscountAccepted(
        uint256 indexed offerId,
        uint256 indexed newTokenId,
        address indexed bankAccount,
        uint256 price,
        bytes32 paymentReference
    );
    /// @notice A discount offer was cancelled by its holder or expired unaccepted.
    event DiscountOfferClosed(uint256 indexed offerId, OfferStatus status);
    /// @notice A holder pledged value of a certificate to a bank.
    event Pledged(
        uint256 indexed pledgeId,
        uint256 indexed tokenId,
        uint32 indexed pledgee,
        address holder,
        uint256 value,
        uint40 dueDate
    );
    /// @notice The pledgee released its pledge.
    event PledgeReleased(uint256 indexed pledgeId);
    /// @notice The pledgee took the pledged value at default; `newTokenId` is the certificate it now holds.
    event PledgeTaken(uint256 indexed pledgeId, uint256 indexed newTokenId, address bankAccount);

    /// @notice The receivable does not exist.
    error ReceivableUnknown(uint256 receivableId);
    /// @notice The receivable is not in the status the step needs.
    error ReceivableWrongStatus(uint256 receivableId, ReceivableStatus current);
    /// @notice The caller is not the party this step belongs to.
    error ReceivableWrongParty(address caller, uint32 member, uint32 expected);
    /// @notice The invoice already backs a live receivable. No longer raised: the suite's register of financed
    /// documents refuses such a registration (`IFinancedDocuments.DocumentOverFinanced`); kept to decode old reverts.
    error ReceivableInvoiceUsed(bytes32 invoiceKey, uint256 receivableId);
    /// @notice A term is missing or out of range.
    error ReceivableInvalidTerms(bytes32 field);
    /// @notice The member named is not an active member with the role the step needs.
    error ReceivableIneligibleMember(uint32 member, uint64 role);
    /// @notice The step is too early: it may happen from `notBefore` on.
    error ReceivableTooEarly(uint256 notBefore);
    /// @notice The step is too late: `deadline` has passed.
    error ReceivableTooLate(uint256 deadline);
    /// @notice The caller may not act on this certificate (not its owner or approved).
    error ReceivableNotHolder(uint256 tokenId, address caller);
    /// @notice The certificate belongs to another receivable.
    error ReceivableCertificateMismatch(uint256 tokenId, uint256 receivableId);
    /// @notice The offer is not in the status the step needs.
    error ReceivableOfferWrongStatus(uint256 offerId, OfferStatus current);
    /// @notice The pledge is not in the status the step needs.
    error ReceivablePledgeWrongStatus(uint256 pledgeId, PledgeStatus current);
    /// @notice The receivable has no guarantor, or already has one.
    error ReceivableGuarantee(uint256 receivableId, uint32 guarantor);
    /// @notice Only the bank the obligor asked (`requested`, 0 if none) may guarantee the receivable.
    error ReceivableGuaranteeNotRequested(uint256 receivableId, uint32 bank, uint32 requested);
    /// @notice A guarantor's off-chain payment ends a holder's claim only once the holder acknowledged that payment
    /// (reference and value) for that certificate.
    error ReceivablePaymentNotAcknowledged(uint256 tokenId, bytes32 paymentReference);

    // --- registration and issue ---

    /// @notice Registers a receivable against an obligor; the caller's account receives the root certificate on
    /// confirmation. Accounts of members with `RECEIVABLE_HOLDER`.
    function register(ReceivableTerms calldata terms) external returns (uint256 receivableId);

    /// @notice Confirms a registered receivable and mints its root certificate to the creditor. The obligor only,
    /// before maturity.
    function confirm(uint256 receivableId) external returns (uint256 rootTokenId);

    /// @notice Rejects a registered receivable with the hash of the reason; frees its invoice. The obligor only.
    function reject(uint256 receivableId, bytes32 reasonHash) external;

    /// @notice Withdraws a registration not yet confirmed; frees its invoice. The creditor only.
    function cancel(uint256 receivableId) external;

    /// @notice Issues a confirmed receivable directly to a supplier's account. Obligor only (`terms.obligor` must be
    /// the caller's member).
    function issue(
        ReceivableTerms calldata terms,
        address creditorAccount
    ) external returns (uint256 receivableId, uint256 rootTokenId);

    // --- guarantee and payment setup ---

    /// @notice Asks bank `bank` (a `GUARANTOR`) to guarantee payment of an active receivable, or withdraws the
    /// request with 0. The obligor only: it is the party the guarantor will look to, and holders are protected by
    /// `acknowledgeOffChainPayment`.
    function requestGuarantee(uint256 receivableId, uint32 bank) external;

    /// @notice Guarantees payment of an active receivable before maturity. Accounts of the `GUARANTOR` bank the
    /// obligor asked (`requestGuarantee`); one guarantor per receivable.
    function guarantee(uint256 receivableId) external;

    /// @notice Names the bank whose accounts record the caller's off-chain payments to holders (0 clears). Obligors.
    function setPayingBank(uint32 bank) external;

    // --- sign-off transfers ---

    /// @notice Offers `value` of a certificate to `to`, locked until `to` accepts or refuses before `deadline`
    /// (which must come before maturity). The certificate's owner or approved account.
    function offerTransfer(uint256 tokenId, address to, uint256 value, uint40 deadline) external returns (uint256);

    /// @notice Accepts a sign-off transfer: the value becomes a certificate of the caller. The named receiver only.
    function acceptTransfer(uint256 offerId) external returns (uint256 newTokenId);

    /// @notice Refuses a sign-off transfer: the value is unlocked for the sender. The named receiver only.
    function refuseTransfer(uint256 offerId, bytes32 reasonHash) external;

    /// @notice Withdraws a pending transfer (its sender, before the deadline) or expires it (any member, after).
    function cancelTransfer(uint256 offerId) external;

    // --- discount ---

    /// @notice Offers `value` of a certificate to bank `financier` for `price` (at most `value`) until `deadline`
    /// (before maturity). The certificate's owner or approved account.
    function offerDiscount(
        uint256 tokenId,
        uint256 value,
        uint32 financier,
        uint256 price,
        uint40 deadline
    ) external returns (uint256 offerId);

    /// @notice Buys a discount offer: pays `price` to the holder (tokens when `paymentReference` is 0, the caller
    /// must have approved this desk; otherwise records its off-chain payment) and receives the value as a
    /// certificate, in one transaction. Accounts of the named bank.
    function acceptDiscount(uint256 offerId, bytes32 paymentReference) external returns (uint256 newTokenId);

    /// @notice Withdraws a pending discount offer (its holder, before the deadline) or expires it (any member, after).
    function cancelDiscount(uint256 offerId) external;

    // --- pledge ---

    /// @notice Locks `value` of a certificate in favour of bank `pledgee` until it releases it, or takes it from
    /// `dueDate` on. The certificate's owner or approved account.
    function pledge(uint256 tokenId, uint256 value, uint32 pledgee, uint40 dueDate) external returns (uint256);

    /// @notice Releases a pledge. Accounts of the pledgee.
    function releasePledge(uint256 pledgeId) external;

    /// @notice Takes the pledged value at default, from the due date on. Accounts of the pledgee.
    function takePledge(uint256 pledgeId) external returns (uint256 newTokenId);

    // --- maturity ---

    /// @notice Escrows the outstanding value (face value minus what was already redeemed) in settlement tokens; the
    /// caller must have approved this desk. The obligor only.
    function fund(uint256 receivableId) external;

    /// @notice Marks an unfunded receivable overdue once the grace period after maturity has passed. Any member.
    function markOverdue(uint256 receivableId) external;

    /// @notice Calls the guarantor of an overdue receivable to pay. The owner (or approved) of one of its
    /// certificates.
    function callGuarantee(uint256 tokenId) external;

    /// @notice Escrows the outstanding value as guarantor after a call. Accounts of the guarantor.
    function honourGuarantee(uint256 receivableId) external;

    /// @notice Redeems a certificate of a funded receivable: burns it and pays its value from escrow to its holder.
    /// The certificate's owner or approved account.
    function redeem(uint256 tokenId) external;

    /// @notice Records that the obligor's paying bank (or, after a call, the guarantor) paid this certificate's
    /// holder off chain under `paymentReference`, and redeems the certificate. From maturity on, unfunded
    /// receivables only. A guarantor's payment needs the holder's `acknowledgeOffChainPayment` of that reference.
    function payOffChain(uint256 tokenId, bytes32 paymentReference) external;

    /// @notice Counts `value` of a receivable as paid (a certificate paid down by its share of a part payment): the
    /// outstanding value a later funding escrows shrinks and the obligor's issuance is released. Certificates only.
    function recordPaidDown(uint256 receivableId, uint256 value) external;

    /// @notice The holder acknowledges that it was paid the certificate's whole value off chain under
    /// `paymentReference` (by the guarantor after a call), so that the guarantor can record it. The certificate's
    /// owner, in good standing, from maturity on.
    function acknowledgeOffChainPayment(uint256 tokenId, bytes32 paymentReference) external;

    // --- views ---

    /// @notice The suite's register of financed documents: registering (or issuing) a receivable holds its invoice
    /// there for the face value; a reject or cancel of a registration releases it, and so does settlement (as paid).
    function financedDocuments() external view returns (IFinancedDocuments);

    /// @notice The obligors' issuance limits: confirming (or issuing) uses the face value, each redemption releases
    /// its value.
    function issuanceLimits() external view returns (IIssuanceLimits);

    /// @notice The certificate token.
    function certificates() external view returns (IReceivableCertificate);

    /// @notice A receivable's record.
    function receivable(uint256 receivableId) external view returns (Receivable memory);

    /// @notice The obligor of a receivable (0 if unknown); read by the certificate for `claimInfo`.
    function obligorOf(uint256 receivableId) external view returns (uint32);

    /// @notice The live receivable an invoice backs (0 if none).
    function receivableOfInvoice(bytes32 invoiceKey) external view returns (uint256);

    /// @notice The bank an obligor named for off-chain payments.
    function payingBankOf(uint32 obligor) external view returns (uint32);

    /// @notice A sign-off transfer.
    function transferOffer(uint256 offerId) external view returns (TransferOffer memory);

    /// @notice A discount offer.
    function discountOffer(uint256 offerId) external view returns (DiscountOffer memory);

    /// @notice A pledge.
    function pledgeOf(uint256 pledgeId) external view returns (Pledge memory);

    /// @notice Receivables ever registered or issued (ids run from 1).
    function receivableCount() external view returns (uint256);
}
