// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IReceivableCertificate} from "./IReceivableCertificate.sol";
import {IReceivableDesk} from "./IReceivableDesk.sol";

/// @title IFinancingRequests
/// @notice Multi-bank financing requests: the holder of a receivable certificate asks several banks at once to
/// finance value of it; each bank quotes an annual rate under a day-count convention (ACT/360 or ACT/365) and a flat
/// fee, in the clear or sealed (commit, then reveal once quoting closes) as the holder chose at request time; the
/// holder accepts one quote, and the price is computed on chain from the value, the rate, the days to maturity and
/// the fee. Acceptance settles atomically: the value moves to the bank's account through the certificate's own
/// approved-operator path and the price moves from the bank's account to the holder in deposit tokens.
/// @dev Nothing is locked while banks quote: at acceptance the certificate must be exactly as it was at request time
/// (same owner and epoch, value, maturity, nothing locked, no freeze order), the holder must have approved this
/// contract for it, and the bank's account must have approved the price in deposit tokens. This contract must be a
/// registry system contract.
interface IFinancingRequests {
    /// @notice A request's lifecycle: Open -> Accepted (one quote taken) | Cancelled (by its requester).
    enum RequestStatus {
        None,
        Open,
        Accepted,
        Cancelled
    }

    /// @notice A bank's quote: Committed (sealed, terms hidden) -> Quoted (terms known) -> Accepted; Committed or
    /// Quoted -> Withdrawn by the bank.
    enum QuoteStatus {
        None,
        Committed,
        Quoted,
        Accepted,
        Withdrawn
    }

    /// @notice Day-count conventions: interest = value x rate x days / basis, with basis 360 or 365.
    enum DayCount {
        None,
        Act360,
        Act365
    }

    /// @notice What a bank offers.
    /// @param rateBps Annual discount rate in basis points (1 = 0.01 %), at most 10,000.
    /// @param dayCount ACT/360 or ACT/365.
    /// @param fee Flat fee, minor units of the settlement token, deducted from the price.
    /// @param validUntil Last second at which the holder may accept the quote (before maturity).
    struct QuoteTerms {
        uint16 rateBps;
        DayCount dayCount;
        uint88 fee;
        uint40 validUntil;
    }

    /// @notice What an accepted quote comes to: the value financed, the days to maturity counted from acceptance
    /// (started days whole), the interest at the quoted rate over the convention's basis (rounded down), the fee, and
    /// the price paid = value - interest - fee.
    struct Pricing {
        uint256 value;
        uint256 daysToMaturity;
        uint256 interest;
        uint256 fee;
        uint256 price;
    }

    /// @notice A financing request (four slots).
    /// @param tokenId The certificate to finance value of.
    /// @param receivableId The receivable (slot) of that certificate.
    /// @param maturity The certificate's maturity at request time.
    /// @param quoteDeadline Quotes (or, when sealed, commitments) are taken until this second.
    /// @param revealDeadline Sealed quotes are revealed after `quoteDeadline` until this second (0 when open).
    /// @param status Lifecycle status.
    /// @param sealedQuotes Whether quotes are sealed (commit-reveal).
    /// @param bankCount Number of banks asked.
    /// @param supplier The holder's member.
    /// @param acceptedBank The bank whose quote was accepted (0 until then).
    /// @param value Value of the certificate to finance.
    /// @param certificateValue The certificate's whole value at request time.
    /// @param epoch The certificate's epoch at request time (it changes with every change of owner).
    /// @param holder The certificate's owner at request time.
    /// @param requester The account that made the request (the owner or an account it approved).
    struct Request {
        uint48 tokenId;
        uint48 receivableId;
        uint40 maturity;
        uint40 quoteDeadline;
        uint40 revealDeadline;
        RequestStatus status;
        bool sealedQuotes;
        uint8 bankCount;
        uint32 supplier;
        uint32 acceptedBank;
        uint88 value;
        uint88 certificateValue;
        uint32 epoch;
        address holder;
        address requester;
    }

    /// @notice A bank's quote on a request.
    /// @param status Lifecycle status.
    /// @param terms The terms (zero while sealed).
    /// @param account The bank's account that quoted: it pays the price and receives the certificate.
    /// @param commitment keccak256 of the sealed terms (zero when quoted in the clear).
    struct Quote {
        QuoteStatus status;
        QuoteTerms terms;
        address account;
        bytes32 commitment;
    }

    /// @notice A holder asked `banks` to quote for value of certificate `tokenId`; `request` is the request as stored
    /// (value, deadlines, sealing, the certificate as it was).
    event FinancingRequested(
        uint256 indexed requestId,
        uint256 indexed tokenId,
        uint32 indexed supplier,
        Request request,
        uint32[] banks
    );

    /// @notice A bank committed to sealed terms (replacing any earlier commitment of it on the request).
    event QuoteCommitted(uint256 indexed requestId, uint32 indexed bank, address account, bytes32 commitment);

    /// @notice A bank's terms became known: quoted in the clear (`revealed` false) or a sealed quote revealed.
    event QuoteSubmitted(
        uint256 indexed requestId,
        uint32 indexed bank,
        address account,
        QuoteTerms terms,
        bool revealed
    );

    /// @notice A bank withdrew its quote before acceptance.
    event QuoteWithdrawn(uint256 indexed requestId, uint32 indexed bank, address account);

    /// @notice The holder accepted `bank`'s quote: `pricing.value` of the certificate moved to `bankAccount` as
    /// `newTokenId` and `pricing.price` (value - interest - fee) moved to the holder in the same transaction.
    event FinancingAccepted(
        uint256 indexed requestId,
        uint32 indexed bank,
        uint256 indexed newTokenId,
        address bankAccount,
        address holder,
        Pricing pricing
    );

    /// @notice The requester withdrew its request.
    event FinancingRequestCancelled(uint256 indexed requestId, uint32 indexed supplier, address account);

    /// @notice The request does not exist.
    error FinancingUnknownRequest(uint256 requestId);
    /// @notice The request is not in the status the step needs.
    error FinancingWrongStatus(uint256 requestId, RequestStatus current);
    /// @notice The caller is not the party this step belongs to.
    error FinancingWrongParty(address caller, uint32 member, uint32 expected);
    /// @notice The bank was not asked to quote on this request.
    error FinancingBankNotAsked(uint256 requestId, uint32 bank);
    /// @notice A term is missing or out of range.
    error FinancingInvalidTerms(bytes32 field);
    /// @notice The member named is not an active member with the role the step needs.
    error FinancingIneligibleMember(uint32 member, uint64 role);
    /// @notice The step is too early: it may happen from `notBefore` on.
    error FinancingTooEarly(uint256 notBefore);
    /// @notice The step is too late: `deadline` has passed.
    error FinancingTooLate(uint256 deadline);
    /// @notice The bank's quote is not in the status the step needs.
    error FinancingQuoteWrongStatus(uint256 requestId, uint32 bank, QuoteStatus current);
    /// @notice A quote in the clear on a sealed request, or a commitment on an open one.
    error FinancingQuoteMode(uint256 requestId, bool sealedQuotes);
    /// @notice The revealed terms and salt do not match the bank's commitment.
    error FinancingRevealMismatch(uint256 requestId, uint32 bank);
    /// @notice The certificate changed since the request (owner, value, maturity or lock).
    error FinancingCertificateChanged(uint256 requestId, uint256 tokenId);
    /// @notice A freeze order is in force on the certificate.
    error FinancingCertificateFrozen(uint256 tokenId);
    /// @notice The holder has not approved this contract for the certificate.
    error FinancingNotApproved(uint256 tokenId);
    /// @notice The caller may not act for the certificate (not its owner or approved).
    error FinancingNotHolder(uint256 tokenId, address caller);

    /// @notice Asks `banks` (1 to MAX_BANKS distinct active `FINANCIER` members, not the holder's) to quote for
    /// `value` of certificate `tokenId` until `quoteDeadline` (before maturity); with `sealedQuotes`, quotes are
    /// commitments revealed after `quoteDeadline` until `revealDeadline`. The certificate's owner or approved account.
    function request(
        uint256 tokenId,
        uint256 value,
        uint32[] calldata banks,
        bool sealedQuotes,
        uint40 quoteDeadline,
        uint40 revealDeadline
    ) external returns (uint256 requestId);

    /// @notice Quotes `terms` in the clear (replacing the bank's earlier quote) until the quote deadline. Accounts
    /// of an asked `FINANCIER` bank, on an open (not sealed) request.
    function quote(uint256 requestId, QuoteTerms calldata terms) external;

    /// @notice Commits to sealed terms (`quoteCommitment`) until the quote deadline, replacing an earlier
    /// commitment. Accounts of an asked `FINANCIER` bank, on a sealed request.
    function commitQuote(uint256 requestId, bytes32 commitment) external;

    /// @notice Reveals sealed terms after the quote deadline until the reveal deadline. Accounts of the committing
    /// bank; the terms are checked as a quote in the clear would be.
    function revealQuote(uint256 requestId, QuoteTerms calldata terms, bytes32 salt) external;

    /// @notice Withdraws the bank's quote (committed or quoted) while the request is open. Accounts of that bank.
    function withdrawQuote(uint256 requestId) external;

    /// @notice Accepts `bank`'s quote and settles: the price is computed now, the certificate's value moves to the
    /// bank's quoting account and the price to the holder. The requester (still approved for the certificate) or the
    /// holder it requested for, never another operator; before the quote's `validUntil`. An open quote may be
    /// accepted as soon as it is made; a sealed one only after the reveal deadline, or earlier once every bank that
    /// committed has revealed or withdrawn (`pendingReveals` zero). The bank must still be an active `FINANCIER`, the
    /// certificate unchanged and unfrozen, and the bank's receivable-financing attestation policy met.
    function accept(uint256 requestId, uint32 bank) external returns (uint256 newTokenId, uint256 price);

    /// @notice Withdraws an open request. The requester, or an account of the holder.
    function cancel(uint256 requestId) external;

    /// @notice Most banks one request may ask.
    function MAX_BANKS() external view returns (uint256);

    /// @notice The certificate contract.
    function certificates() external view returns (IReceivableCertificate);

    /// @notice The receivable desk (source of each certificate's receivable).
    function desk() external view returns (IReceivableDesk);

    /// @notice A request.
    function requestOf(uint256 requestId) external view returns (Request memory);

    /// @notice The banks a request asked.
    function banksOf(uint256 requestId) external view returns (uint32[] memory);

    /// @notice A bank's quote on a request.
    function quoteOf(uint256 requestId, uint32 bank) external view returns (Quote memory);

    /// @notice Sealed quotes on the request committed and neither revealed nor withdrawn: while any remain and the
    /// reveal deadline has not passed, no quote may be accepted.
    function pendingReveals(uint256 requestId) external view returns (uint256);

    /// @notice Number of requests so far (ids run from 1).
    function requestCount() external view returns (uint256);

    /// @notice The commitment a bank makes for sealed terms: keccak256(abi.encode(address(this), requestId, bank,
    /// terms, salt)).
    function quoteCommitment(
        uint256 requestId,
        uint32 bank,
        QuoteTerms calldata terms,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice Days to maturity counted from `at` (started days count as whole), the interest and the price the
    /// terms give for `value` maturing at `maturity`. Reverts when the price would not be positive.
    function priceOf(
        uint256 value,
        uint40 maturity,
        QuoteTerms calldata terms,
        uint256 at
    ) external pure returns (Pricing memory);
}
