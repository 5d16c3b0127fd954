// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {ITransferableClaim} from "../platform/interfaces/ITransferableClaim.sol";
import {Roles} from "../platform/libraries/Roles.sol";

/// @title ClaimMock
/// @notice A minimal transferable payment claim for tests of the forfaiting market: an obligor creates a claim in
/// favour of a holder; the holder (or the operator it approved once) transfers it before maturity; at maturity the
/// obligor pays the amount in settlement tokens to the current holder, and to no one else. Stands in for the accepted
/// deferred-payment claim of a letter of credit and for a receivable certificate.
contract ClaimMock is ITransferableClaim {
    using SafeERC20 for IERC20;

    /// @notice Only the holder or its approved operator may do this.
    error ClaimNotAllowed(uint256 claimId, address caller);
    /// @notice The claim does not exist.
    error ClaimUnknown(uint256 claimId);
    /// @notice The claim has been paid or has matured: it no longer moves.
    error ClaimClosed(uint256 claimId);
    /// @notice Payment is due only at maturity.
    error ClaimNotMature(uint256 claimId, uint64 maturity);
    /// @notice The maturity payment goes to the current holder only.
    error ClaimPayeeNotHolder(uint256 claimId, address payee, address holder);
    /// @notice Only the obligor pays.
    error ClaimNotObligor(uint256 claimId, uint32 caller, uint32 obligor);
    /// @notice A value is missing or out of range.
    error ClaimInvalid(bytes32 field);

    /// @notice A claim was created.
    event ClaimCreated(
        uint256 indexed claimId,
        uint32 indexed obligor,
        address indexed holder,
        uint256 amount,
        uint64 maturity
    );
    /// @notice The obligor paid the holder at maturity.
    event ClaimPaid(uint256 indexed claimId, address indexed holder, uint256 amount);

    IConsortiumRegistry public immutable registry;
    IERC20 public immutable token;
    uint256 public claimCount;
    mapping(uint256 claimId => ClaimInfo) private _claims;
    mapping(uint256 claimId => address) public approvedOperator;
    /// @notice The keyed identifier of the trade behind a claim (`IBackedClaim`; zero unless set).
    mapping(uint256 claimId => bytes32) public backingSubjectOf;

    constructor(IConsortiumRegistry registry_, IERC20 token_) {
        registry = registry_;
        token = token_;
    }

    /// @notice Names the keyed identifier of the trade behind claim `claimId` (test helper, anyone).
    function setBackingSubject(uint256 claimId, bytes32 subjectKey) external {
        backingSubjectOf[claimId] = subjectKey;
    }

    /// @notice Creates a claim on the caller's member in favour of `holder`.
    function create(address holder, uint64 maturity, uint256 amount) external returns (uint256 claimId) {
        uint32 obligor = registry.authorize(msg.sender, Roles.MEMBER);
        registry.authorize(holder, Roles.MEMBER);
        if (amount == 0) revert ClaimInvalid("amount");
        if (maturity <= block.timestamp) revert ClaimInvalid("maturity");
        claimId = ++claimCount;
        _claims[claimId] = ClaimInfo({
            holder: holder,
            obligor: obligor,
            maturity: maturity,
            amount: amount,
            settled: false
        });
        emit ClaimCreated(claimId, obligor, holder, amount, maturity);
        emit ClaimTransferred(claimId, address(0), holder);
    }

    /// @inheritdoc ITransferableClaim
    function claimInfo(uint256 claimId) external view returns (ClaimInfo memory) {
        return _load(claimId);
    }

    /// @inheritdoc ITransferableClaim
    function approveClaim(uint256 claimId, address operator) external {
        ClaimInfo storage c = _load(claimId);
        if (msg.sender != c.holder) revert ClaimNotAllowed(claimId, msg.sender);
        approvedOperator[claimId] = operator;
        emit ClaimApproval(claimId, msg.sender, operator);
    }

    /// @inheritdoc ITransferableClaim
    function transferClaim(uint256 claimId, address to) external {
        ClaimInfo storage c = _load(claimId);
        address from = c.holder;
        if (msg.sender != from && msg.sender != approvedOperator[claimId]) revert ClaimNotAllowed(claimId, msg.sender);
        if (c.settled || block.timestamp >= c.maturity) revert ClaimClosed(claimId);
        registry.authorize(to, Roles.MEMBER);
        delete approvedOperator[claimId];
        c.holder = to;
        emit ClaimTransferred(claimId, from, to);
    }

    /// @notice The obligor pays the claim at maturity to `payee`, which must be the current holder.
    function payAtMaturity(uint256 claimId, address payee) external {
        ClaimInfo storage c = _load(claimId);
        uint32 caller = registry.authorize(msg.sender, Roles.MEMBER);
        if (caller != c.obligor) revert ClaimNotObligor(claimId, caller, c.obligor);
        if (c.settled) revert ClaimClosed(claimId);
        if (block.timestamp < c.maturity) revert ClaimNotMature(claimId, c.maturity);
        if (payee != c.holder) revert ClaimPayeeNotHolder(claimId, payee, c.holder);
        c.settled = true;
        emit ClaimPaid(claimId, payee, c.amount);
        token.safeTransferFrom(msg.sender, payee, c.amount);
    }

    function _load(uint256 claimId) private view returns (ClaimInfo storage c) {
        c = _claims[claimId];
        if (c.holder == address(0)) revert ClaimUnknown(claimId);
    }
}
