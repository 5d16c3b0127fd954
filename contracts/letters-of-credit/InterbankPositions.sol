// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ReentrancyGuardUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardUpgradeable.sol";
import {Settlement} from "../platform/Settlement.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {Roles} from "../platform/libraries/Roles.sol";
import {IInterbankPositions} from "./interfaces/IInterbankPositions.sol";

/// @title InterbankPositions
/// @notice Bank-to-bank credit lines, obligations recorded against them, and multilateral netting of due obligations.
/// @dev A netting run costs O(N * K) for N obligations among K banks (a linear scan of the run's bank list, K bounded
/// by `MAX_NETTING_BANKS`), so it grows linearly in N, and moves at most K token transfers.
contract InterbankPositions is IInterbankPositions, Settlement, ReentrancyGuardUpgradeable {
    /// @notice Most obligations one netting run closes.
    uint256 public constant MAX_NETTING_BATCH = 200;
    /// @notice Most banks one netting run involves.
    uint256 public constant MAX_NETTING_BANKS = 32;

    /// @custom:storage-location erc7201:consortia.storage.InterbankPositions
    struct InterbankPositionsStorage {
        mapping(uint32 grantor => mapping(uint32 grantee => CreditLine)) _lines;
        mapping(uint256 obligationId => Obligation) _obligations;
        mapping(uint32 bank => address) _settlementAccounts;
        uint256 _obligationCount;
        uint256 _nettingRunCount;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.InterbankPositions")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant INTERBANK_POSITIONS_STORAGE_LOCATION =
        0x02458c7725da72a69d46a71e930ed7b428ae9f4c5ba3cc44d62b745a08339300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_
    ) Settlement(registry_, token_, ledger_) {}

    /// @notice Initializes the proxy (run once, by the proxy's constructor).
    function initialize() external initializer {
        __ConsortiumApp_init();
        __ReentrancyGuard_init();
    }

    // ------------------------------------------------------------------ credit lines and accounts

    /// @inheritdoc IInterbankPositions
    function setCreditLine(uint32 grantee, uint128 limit) external whenNotPaused {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        uint32 grantor = _authorize(Roles.LC_BANK);
        if (grantee == grantor) revert SelfObligation(grantor);
        if (grantee == 0) revert InvalidValue("grantee");
        CreditLine storage line = $._lines[grantor][grantee];
        uint128 previous = line.limit;
        line.limit = limit;
        emit CreditLineSet(grantor, grantee, previous, limit, line.used);
    }

    /// @inheritdoc IInterbankPositions
    function setSettlementAccount(address account) external whenNotPaused {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        uint32 bank = _authorize(Roles.LC_BANK);
        if (!registry().isAuthorized(account, Roles.TOKEN_HOLDER) || registry().memberOf(account) != bank) {
            revert SettlementAccountNotOwned(account, bank);
        }
        $._settlementAccounts[bank] = account;
        emit SettlementAccountSet(bank, account);
    }

    // ------------------------------------------------------------------ obligations

    /// @inheritdoc IInterbankPositions
    function recordObligation(
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) external whenNotPaused returns (uint256) {
        uint32 debtor = _authorize(Roles.LC_BANK);
        // The creditor, whose line the obligation uses, must be in good standing too.
        registry().authorizeMember(creditor, Roles.LC_BANK);
        return _record(debtor, creditor, amount, dueAt, purpose);
    }

    /// @inheritdoc IInterbankPositions
    function recordObligationFor(
        uint32 debtor,
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) external whenNotPaused returns (uint256) {
        if (!registry().isSystemContract(msg.sender)) revert NotRecorder(msg.sender);
        if (debtor == 0) revert InvalidValue("debtor");
        // The calling application checked the bank acting (the creditor); the debtor must be in good standing too.
        registry().authorizeMember(debtor, Roles.LC_BANK);
        return _record(debtor, creditor, amount, dueAt, purpose);
    }

    /// @inheritdoc IInterbankPositions
    function settleObligation(uint256 obligationId, bytes32 offChainReference) external whenNotPaused nonReentrant {
        uint32 caller = _authorize(Roles.LC_BANK);
        Obligation memory o = _openObligation(obligationId);
        if (caller != o.debtor) revert ObligationWrongParty(obligationId, caller, o.debtor);
        if (o.dueAt > block.timestamp) revert ObligationNotDue(obligationId, o.dueAt);
        // The creditor is paid, in tokens or by a recorded off-chain payment: it must be in good standing now.
        registry().authorizeMember(o.creditor, Roles.LC_BANK);
        _close(obligationId, o, ObligationStatus.Settled);
        emit ObligationSettled(obligationId, o.debtor, o.creditor, o.amount, offChainReference);
        address payee = offChainReference == bytes32(0) ? _accountOf(o.creditor) : address(0);
        _settle(msg.sender, o.debtor, payee, o.creditor, o.amount, offChainReference);
    }

    /// @inheritdoc IInterbankPositions
    function releaseObligation(uint256 obligationId) external whenNotPaused {
        uint32 caller = _authorize(Roles.LC_BANK);
        Obligation memory o = _openObligation(obligationId);
        if (caller != o.creditor) revert ObligationWrongParty(obligationId, caller, o.creditor);
        _close(obligationId, o, ObligationStatus.Released);
        emit ObligationReleased(obligationId, o.debtor, o.creditor, o.amount);
    }

    // ------------------------------------------------------------------ netting

    /// @inheritdoc IInterbankPositions
    function runNetting(
        uint256[] calldata obligationIds
    ) external whenNotPaused nonReentrant returns (uint32[] memory banks, int256[] memory netPositions) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        uint32 initiator = _authorize(Roles.LC_BANK);
        uint256 n = obligationIds.length;
        if (n == 0 || n > MAX_NETTING_BATCH) revert NettingBatchSize(n, MAX_NETTING_BATCH);

        banks = new uint32[](MAX_NETTING_BANKS);
        netPositions = new int256[](MAX_NETTING_BANKS);
        uint256 bankCount;
        bool participant;
        for (uint256 i; i < n; ++i) {
            uint256 id = obligationIds[i];
            Obligation memory o = _openObligation(id); // a repeated id is no longer open: refused
            if (o.dueAt > block.timestamp) revert ObligationNotDue(id, o.dueAt);
            _close(id, o, ObligationStatus.Netted);
            uint256 d;
            uint256 c;
            (d, bankCount) = _slot(banks, bankCount, o.debtor);
            (c, bankCount) = _slot(banks, bankCount, o.creditor);
            // amounts are uint128 and a batch holds at most MAX_NETTING_BATCH of them: no int256 overflow
            netPositions[d] -= int256(uint256(o.amount));
            netPositions[c] += int256(uint256(o.amount));
            if (o.debtor == initiator || o.creditor == initiator) participant = true;
        }
        if (!participant) revert NettingNotParticipant(initiator);

        // Shrink both arrays to the banks actually seen (memory only; the length word is all that changes).
        assembly ("memory-safe") {
            mstore(banks, bankCount)
            mstore(netPositions, bankCount)
        }
        // Every bank named in the run must be in good standing, whatever its net: netting closes its obligations
        // (set-off against a suspended, perhaps defaulted, bank is for its administrator to agree, not for a run).
        registry().authorizeMembers(banks, Roles.LC_BANK);
        uint256 runId = ++$._nettingRunCount;
        emit NettingRun(runId, initiator, obligationIds, banks, netPositions);

        // Interactions last: every net debtor pays in first, so the payouts below are always covered.
        for (uint256 j; j < bankCount; ++j) {
            if (netPositions[j] < 0) _pullToEscrow(_accountOf(banks[j]), uint256(-netPositions[j]));
        }
        for (uint256 j; j < bankCount; ++j) {
            if (netPositions[j] > 0) _payFromEscrow(_accountOf(banks[j]), uint256(netPositions[j]));
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IInterbankPositions
    function creditLine(uint32 grantor, uint32 grantee) external view returns (CreditLine memory) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return $._lines[grantor][grantee];
    }

    /// @inheritdoc IInterbankPositions
    function obligation(uint256 obligationId) external view returns (Obligation memory o) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        o = $._obligations[obligationId];
        if (o.status == ObligationStatus.None) revert ObligationUnknown(obligationId);
    }

    /// @inheritdoc IInterbankPositions
    function settlementAccount(uint32 bank) external view returns (address) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return $._settlementAccounts[bank];
    }

    /// @inheritdoc IInterbankPositions
    function obligationCount() external view returns (uint256) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return $._obligationCount;
    }

    /// @inheritdoc IInterbankPositions
    function nettingRunCount() external view returns (uint256) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return $._nettingRunCount;
    }

    // ------------------------------------------------------------------ internals

    function _record(
        uint32 debtor,
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) private returns (uint256 obligationId) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        if (creditor == debtor) revert SelfObligation(debtor);
        if (amount == 0) revert InvalidValue("amount");
        CreditLine storage line = $._lines[creditor][debtor];
        (uint128 limit, uint128 used) = (line.limit, line.used);
        // used <= limit held when each open obligation was recorded, and limit - used is checked before adding
        if (used > limit || amount > limit - used) revert CreditLineExceeded(creditor, debtor, limit, used, amount);
        unchecked {
            // used + amount <= limit (checked above); the counter cannot reach 2**256
            line.used = used + amount;
            obligationId = ++$._obligationCount;
        }
        $._obligations[obligationId] = Obligation(debtor, creditor, dueAt, ObligationStatus.Open, amount);
        emit ObligationRecorded(obligationId, debtor, creditor, amount, dueAt, msg.sender, purpose, used + amount);
    }

    function _openObligation(uint256 obligationId) private view returns (Obligation memory o) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        o = $._obligations[obligationId];
        if (o.status != ObligationStatus.Open) {
            if (o.status == ObligationStatus.None) revert ObligationUnknown(obligationId);
            revert ObligationWrongStatus(obligationId, o.status, ObligationStatus.Open);
        }
    }

    /// @dev Closes an open obligation and frees the creditor's line by its amount.
    function _close(uint256 obligationId, Obligation memory o, ObligationStatus status) private {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        $._obligations[obligationId].status = status;
        // the line's use includes this open obligation's amount, recorded when it was opened
        unchecked {
            $._lines[o.creditor][o.debtor].used -= o.amount;
        }
    }

    /// @dev Index of `bank` in the first `count` entries of `banks`, appending it if absent.
    function _slot(uint32[] memory banks, uint256 count, uint32 bank) private pure returns (uint256, uint256) {
        for (uint256 i; i < count; ++i) {
            if (banks[i] == bank) return (i, count);
        }
        if (count == MAX_NETTING_BANKS) revert NettingTooManyBanks(MAX_NETTING_BANKS);
        banks[count] = bank;
        return (count, count + 1);
    }

    function _accountOf(uint32 bank) private view returns (address account) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        account = $._settlementAccounts[bank];
        if (account == address(0)) revert SettlementAccountMissing(bank);
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getInterbankPositionsStorage() private pure returns (InterbankPositionsStorage storage $) {
        assembly ("memory-safe") {
            $.slot := INTERBANK_POSITIONS_STORAGE_LOCATION
        }
    }
}
