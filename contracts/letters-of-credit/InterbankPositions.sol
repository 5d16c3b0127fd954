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
/// by `MAX_NETTING_BANKS`), plus O(K * (N + K)) when it excludes short banks (at most K exclusions, each followed by
/// one pass over the batch), and moves at most K token transfers. A run nets one currency: every obligation of the
/// batch must be in the same currency, and it settles in that currency's deposit token only.
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
        mapping(uint256 runId => mapping(uint32 bank => uint256 shortfall)) _shortfalls;
        mapping(uint16 currency => IDepositToken) _currencyTokens;
        // appended (release 0.4): the purpose each system contract gave the obligations it recorded for a debtor
        // (`recordObligationFor`), keyed by that contract: one slot per such obligation, none for a bank's own
        mapping(uint256 obligationId => mapping(address recorder => bytes32 purpose)) _recordedPurposes;
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

    /// @inheritdoc IInterbankPositions
    /// @dev Set once: remapping a currency would make obligations open in it settle in another token than the one
    /// they were recorded in, so a new token takes a new currency code.
    function setCurrencyToken(uint16 currency, address token) external onlyGovernance {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        if (token == address(0)) revert InvalidValue("token");
        address current = currency == 0 ? address(settlementToken()) : address($._currencyTokens[currency]);
        if (current != address(0)) revert CurrencyTokenAlreadySet(currency, current);
        $._currencyTokens[currency] = IDepositToken(token);
        emit CurrencyTokenSet(currency, token);
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
    function recordObligationIn(
        uint16 currency,
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) external whenNotPaused returns (uint256) {
        uint32 debtor = _authorize(Roles.LC_BANK);
        registry().authorizeMember(creditor, Roles.LC_BANK);
        _tokenOf(currency); // an unmapped currency is refused before anything is recorded
        uint256 obligationId = _record(debtor, creditor, amount, dueAt, purpose);
        if (currency != 0) {
            // the slot `_record` just wrote: its spare bytes
            _getInterbankPositionsStorage()._obligations[obligationId].currency = currency;
            emit ObligationCurrency(obligationId, currency);
        }
        return obligationId;
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
        uint256 obligationId = _record(debtor, creditor, amount, dueAt, purpose);
        // who recorded it and why, for contracts that must tie the obligation to its cause (`recordedPurpose`)
        _getInterbankPositionsStorage()._recordedPurposes[obligationId][msg.sender] = purpose;
        return obligationId;
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
        if (offChainReference == bytes32(0)) {
            _transferIn(_tokenOf(o.currency), msg.sender, _accountOf(o.creditor), o.amount);
        } else {
            _settle(msg.sender, o.debtor, address(0), o.creditor, o.amount, offChainReference);
        }
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
    /// @dev Standing stays a rule, not a shortfall (audit finding 3): a bank named in the batch that is not in good
    /// standing makes the whole run revert, as does a missing settlement account, since neither is cured by leaving
    /// the bank out of this run alone. A run that would settle nothing reverts rather than spend a run id on events
    /// only: the caller learns the shortfalls from the error, and nothing on chain would change but the counter.
    function runNetting(
        uint256[] calldata obligationIds
    ) external whenNotPaused nonReentrant returns (uint32[] memory banks, int256[] memory netPositions) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        uint32 initiator = _authorize(Roles.LC_BANK);
        if (obligationIds.length == 0 || obligationIds.length > MAX_NETTING_BATCH) {
            revert NettingBatchSize(obligationIds.length, MAX_NETTING_BATCH);
        }

        uint256[] memory entries;
        uint16 currency;
        (banks, netPositions, entries, currency) = _loadBatch(obligationIds, initiator);
        // Every bank named in the run must be in good standing, whatever its net: netting closes its obligations
        // (set-off against a suspended, perhaps defaulted, bank is for its administrator to agree, not for a run).
        registry().authorizeMembers(banks, Roles.LC_BANK);
        uint256 runId = ++$._nettingRunCount;

        (uint256 excluded, uint32[] memory excludedBanks, uint256[3][] memory shortfalls) = _excludeShort(
            banks,
            netPositions,
            entries,
            _tokenOf(currency)
        );
        uint256[] memory netted = _reopenExcluded(obligationIds, banks, entries, excluded);
        if (netted.length == 0) {
            uint256[] memory amounts = new uint256[](excludedBanks.length);
            for (uint256 j; j < amounts.length; ++j) amounts[j] = shortfalls[j][2];
            revert NettingNothingSettles(excludedBanks, amounts);
        }
        // The initiator must be a party to what settles: a bank excluded for its own shortfall cannot net the others.
        if (!_isParty(initiator, banks, entries, excluded)) revert NettingNotParticipant(initiator);
        _dropExcluded(banks, netPositions, excluded);
        emit NettingRun(runId, initiator, netted, banks, netPositions);
        if (currency != 0) emit NettingRunCurrency(runId, currency);
        for (uint256 j; j < excludedBanks.length; ++j) {
            $._shortfalls[runId][excludedBanks[j]] = shortfalls[j][2];
            emit NettingBankExcluded(runId, excludedBanks[j], shortfalls[j][0], shortfalls[j][1], shortfalls[j][2]);
        }

        _payNets(_tokenOf(currency), banks, netPositions);
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
    function recordedPurpose(uint256 obligationId, address recorder) external view returns (bytes32) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return $._recordedPurposes[obligationId][recorder];
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
    function nettingShortfall(uint256 runId, uint32 bank) external view returns (uint256) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return $._shortfalls[runId][bank];
    }

    /// @inheritdoc IInterbankPositions
    function currencyToken(uint16 currency) external view returns (address) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        return currency == 0 ? address(settlementToken()) : address($._currencyTokens[currency]);
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
        $._obligations[obligationId] = Obligation(debtor, creditor, dueAt, ObligationStatus.Open, amount, 0);
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

    /// @dev Checks every obligation of the batch (open, due) and the initiator's part in it, closes each as `Netted`
    /// and computes each bank's net. `entries[i]` packs obligation i: amount (bits 0-127), debtor's slot (bits
    /// 128-135) and creditor's slot (bits 136-143) in `banks`. Every obligation must be in the first one's currency:
    /// one net position never adds amounts of two currencies.
    function _loadBatch(
        uint256[] calldata obligationIds,
        uint32 initiator
    ) private returns (uint32[] memory banks, int256[] memory nets, uint256[] memory entries, uint16 currency) {
        uint256 n = obligationIds.length;
        banks = new uint32[](MAX_NETTING_BANKS);
        nets = new int256[](MAX_NETTING_BANKS);
        entries = new uint256[](n);
        uint256 bankCount;
        bool participant;
        for (uint256 i; i < n; ++i) {
            uint256 id = obligationIds[i];
            Obligation memory o = _openObligation(id); // a repeated id is no longer open: refused
            if (o.dueAt > block.timestamp) revert ObligationNotDue(id, o.dueAt);
            if (i == 0) currency = o.currency;
            else if (o.currency != currency) revert NettingCurrencyMixed(id, o.currency, currency);
            // Closed now, reopened by `_reopenExcluded` if one of its banks is excluded for a shortfall.
            _close(id, o, ObligationStatus.Netted);
            uint256 d;
            uint256 c;
            (d, bankCount) = _slot(banks, bankCount, o.debtor);
            (c, bankCount) = _slot(banks, bankCount, o.creditor);
            // amounts are uint128 and a batch holds at most MAX_NETTING_BATCH of them: no int256 overflow
            nets[d] -= int256(uint256(o.amount));
            nets[c] += int256(uint256(o.amount));
            entries[i] = uint256(o.amount) | (d << 128) | (c << 136);
            if (o.debtor == initiator || o.creditor == initiator) participant = true;
        }
        if (!participant) revert NettingNotParticipant(initiator);
        // Shrink both arrays to the banks actually seen (memory only; the length word is all that changes).
        assembly ("memory-safe") {
            mstore(banks, bankCount)
            mstore(nets, bankCount)
        }
    }

    /// @dev Excludes, one at a time and the largest shortfall first, each net debtor whose settlement account cannot
    /// pay its net, taking its obligations out of everyone's nets, until every remaining net debtor can pay. Each
    /// pass excludes a bank or ends the loop, so it makes at most K + 1 passes of O(K + N) each (K banks, N
    /// obligations, both bounded). An excluded bank's net becomes zero; a net creditor is never excluded.
    /// @return excluded Bit j set when `banks[j]` is excluded.
    /// @return order The excluded banks, in order of exclusion.
    /// @return shortfalls For each, its net debit, what was available and the shortfall.
    function _excludeShort(
        uint32[] memory banks,
        int256[] memory nets,
        uint256[] memory entries,
        IDepositToken token
    ) private view returns (uint256 excluded, uint32[] memory order, uint256[3][] memory shortfalls) {
        uint256[] memory available = new uint256[](banks.length);
        uint256 known; // bit j set once available[j] has been read
        order = new uint32[](banks.length);
        shortfalls = new uint256[3][](banks.length);
        uint256 count;
        while (true) {
            uint256 worst = type(uint256).max;
            uint256 worstShortfall;
            for (uint256 j; j < banks.length; ++j) {
                if (nets[j] >= 0 || (excluded >> j) & 1 == 1) continue;
                if ((known >> j) & 1 == 0) {
                    available[j] = _available(token, _accountOf(banks[j]));
                    known |= 1 << j;
                }
                // a net debit, so -nets[j] > 0
                if (uint256(-nets[j]) > available[j] && uint256(-nets[j]) - available[j] > worstShortfall) {
                    worst = j;
                    worstShortfall = uint256(-nets[j]) - available[j];
                }
            }
            if (worst == type(uint256).max) break;
            order[count] = banks[worst];
            shortfalls[count] = [uint256(-nets[worst]), available[worst], worstShortfall];
            ++count;
            _takeOut(nets, entries, excluded, 1 << worst);
            excluded |= 1 << worst;
        }
        assembly ("memory-safe") {
            mstore(order, count)
            mstore(shortfalls, count)
        }
    }

    /// @dev Takes out of `nets` each obligation still counted (no party in `excluded`) that involves the bank `bit`.
    function _takeOut(int256[] memory nets, uint256[] memory entries, uint256 excluded, uint256 bit) private pure {
        for (uint256 i; i < entries.length; ++i) {
            uint256 e = entries[i];
            uint256 parties = (1 << ((e >> 128) & 0xff)) | (1 << ((e >> 136) & 0xff));
            if (parties & excluded == 0 && parties & bit != 0) {
                int256 amount = int256(uint256(uint128(e)));
                nets[(e >> 128) & 0xff] += amount;
                nets[(e >> 136) & 0xff] -= amount;
            }
        }
    }

    /// @dev Reopens each obligation of the batch with an excluded party (restoring its line's use) and returns the ids
    /// of the others, which stay `Netted`.
    function _reopenExcluded(
        uint256[] calldata obligationIds,
        uint32[] memory banks,
        uint256[] memory entries,
        uint256 excluded
    ) private returns (uint256[] memory netted) {
        InterbankPositionsStorage storage $ = _getInterbankPositionsStorage();
        uint256 n = obligationIds.length;
        netted = new uint256[](n);
        uint256 count;
        for (uint256 i; i < n; ++i) {
            uint256 e = entries[i];
            uint256 d = (e >> 128) & 0xff;
            uint256 c = (e >> 136) & 0xff;
            if (((1 << d) | (1 << c)) & excluded == 0) {
                netted[count++] = obligationIds[i];
                continue;
            }
            $._obligations[obligationIds[i]].status = ObligationStatus.Open;
            // `_close` took exactly this amount off the line in this transaction
            unchecked {
                $._lines[banks[c]][banks[d]].used += uint128(e);
            }
        }
        assembly ("memory-safe") {
            mstore(netted, count)
        }
    }

    /// @dev Whether `bank` is a party to an obligation of the batch with no excluded party (one that settles).
    function _isParty(
        uint32 bank,
        uint32[] memory banks,
        uint256[] memory entries,
        uint256 excluded
    ) private pure returns (bool) {
        for (uint256 i; i < entries.length; ++i) {
            uint256 d = (entries[i] >> 128) & 0xff;
            uint256 c = (entries[i] >> 136) & 0xff;
            if (((1 << d) | (1 << c)) & excluded == 0 && (banks[d] == bank || banks[c] == bank)) return true;
        }
        return false;
    }

    /// @dev Removes the excluded banks (and their zero nets) from both arrays in place, keeping the others' order.
    function _dropExcluded(uint32[] memory banks, int256[] memory nets, uint256 excluded) private pure {
        uint256 kept;
        for (uint256 j; j < banks.length; ++j) {
            if ((excluded >> j) & 1 == 1) continue;
            banks[kept] = banks[j];
            nets[kept] = nets[j];
            ++kept;
        }
        assembly ("memory-safe") {
            mstore(banks, kept)
            mstore(nets, kept)
        }
    }

    /// @dev Interactions last: every net debtor pays `token` in first, so the payouts after are always covered.
    function _payNets(IDepositToken token, uint32[] memory banks, int256[] memory nets) private {
        uint256 bankCount = banks.length;
        for (uint256 j; j < bankCount; ++j) {
            if (nets[j] < 0) _pullToEscrowIn(token, _accountOf(banks[j]), uint256(-nets[j]));
        }
        for (uint256 j; j < bankCount; ++j) {
            if (nets[j] > 0) _payFromEscrowIn(token, _accountOf(banks[j]), uint256(nets[j]));
        }
    }

    /// @dev What `account` can pay this contract now in `token`: the lower of its balance and its allowance to this
    /// contract.
    function _available(IDepositToken token, address account) private view returns (uint256) {
        uint256 balance = token.balanceOf(account);
        uint256 allowance = token.allowance(account, address(this));
        return balance < allowance ? balance : allowance;
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

    /// @dev The deposit token `currency` settles in; reverts when governance has not mapped it.
    function _tokenOf(uint16 currency) private view returns (IDepositToken token) {
        if (currency == 0) return settlementToken();
        token = _getInterbankPositionsStorage()._currencyTokens[currency];
        if (address(token) == address(0)) revert CurrencyUnknown(currency);
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
