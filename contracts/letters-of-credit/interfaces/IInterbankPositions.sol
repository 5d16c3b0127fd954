// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IInterbankPositions
/// @notice Credit lines that banks grant each other, the obligations recorded against them, and netting runs that
/// settle a batch of due obligations by moving only each bank's net amount in settlement tokens.
/// @dev Banks are member ids. An obligation "debtor owes creditor" uses the line the creditor granted the debtor (the
/// creditor carries the risk, so the creditor sets the limit). Obligations come from the debtor itself, or from a
/// suite contract (a registry system contract, such as the letter-of-credit contract after a nominated bank honours).
interface IInterbankPositions {
    /// @notice An obligation's lifecycle; states only move forward and every state after `Open` is final.
    enum ObligationStatus {
        None,
        Open,
        Settled,
        Netted,
        Released
    }

    /// @notice A credit line granted by one bank to another. One slot.
    /// @param limit The most the grantee may owe the grantor in open obligations (minor units).
    /// @param used What the grantee owes the grantor now in open obligations.
    struct CreditLine {
        uint128 limit;
        uint128 used;
    }

    /// @notice An interbank obligation. One slot (4 + 4 + 5 + 1 + 16 + 2 bytes).
    /// @param debtor The bank that owes.
    /// @param creditor The bank that is owed.
    /// @param dueAt When it may be settled or netted (unix seconds; uint40 lasts until year 36812).
    /// @param status Lifecycle status.
    /// @param amount Amount owed in minor units of its currency.
    /// @param currency Its currency: 0 is the settlement token's (every obligation recorded before currencies
    /// existed), any other has the deposit token governance mapped it to (`currencyToken`).
    struct Obligation {
        uint32 debtor;
        uint32 creditor;
        uint40 dueAt;
        ObligationStatus status;
        uint128 amount;
        uint16 currency;
    }

    /// @notice A bank set (or changed) the credit line it grants another bank.
    event CreditLineSet(
        uint32 indexed grantor,
        uint32 indexed grantee,
        uint128 previousLimit,
        uint128 limit,
        uint128 used
    );
    /// @notice A bank named the account its netting and gross settlements are paid from and to.
    event SettlementAccountSet(uint32 indexed bank, address indexed account);
    /// @notice An obligation was recorded against the creditor's line to the debtor.
    /// @param recorder The debtor's account, or the suite contract that recorded it.
    /// @param purpose What it is for (for example the letter-of-credit presentation id).
    /// @param lineUsed The line's use after this obligation.
    event ObligationRecorded(
        uint256 indexed obligationId,
        uint32 indexed debtor,
        uint32 indexed creditor,
        uint128 amount,
        uint40 dueAt,
        address recorder,
        bytes32 purpose,
        uint128 lineUsed
    );
    /// @notice The debtor settled one obligation gross (in tokens, or off chain with `offChainReference`).
    event ObligationSettled(
        uint256 indexed obligationId,
        uint32 indexed debtor,
        uint32 indexed creditor,
        uint128 amount,
        bytes32 offChainReference
    );
    /// @notice The creditor released the debtor from an obligation.
    event ObligationReleased(
        uint256 indexed obligationId,
        uint32 indexed debtor,
        uint32 indexed creditor,
        uint128 amount
    );
    /// @notice A netting run closed `obligationIds` (all now `Netted`) and settled each bank's net position:
    /// `netPositions[i]` (owed to minus owes) for `banks[i]`; negative ones paid in, positive ones paid out. The
    /// obligations of the batch not listed are those of banks the run excluded (one `NettingBankExcluded` each, after
    /// this event): they stay `Open`, and excluded banks are not among `banks`.
    event NettingRun(
        uint256 indexed runId,
        uint32 indexed initiator,
        uint256[] obligationIds,
        uint32[] banks,
        int256[] netPositions
    );
    /// @notice Netting run `runId` left `bank` out: its net debit exceeded what its settlement account can pay (the
    /// lower of its token balance and its allowance to this contract). Its obligations in the batch stay `Open`.
    /// @param netDebit What the bank owed net when it was excluded (after the banks excluded before it).
    /// @param available What its settlement account could pay.
    /// @param shortfall `netDebit - available`.
    event NettingBankExcluded(
        uint256 indexed runId,
        uint32 indexed bank,
        uint256 netDebit,
        uint256 available,
        uint256 shortfall
    );

    /// @notice Governance mapped `currency` to its deposit token (once: a currency's token never changes).
    event CurrencyTokenSet(uint16 indexed currency, address indexed token);
    /// @notice Obligation `obligationId` (its `ObligationRecorded` just before) is in `currency`, not currency 0.
    event ObligationCurrency(uint256 indexed obligationId, uint16 indexed currency);
    /// @notice Netting run `runId` (its `NettingRun` just before) netted and settled in `currency`, not currency 0.
    event NettingRunCurrency(uint256 indexed runId, uint16 indexed currency);

    /// @notice No deposit token is mapped to `currency`.
    error CurrencyUnknown(uint16 currency);
    /// @notice `currency` already has its token (or is currency 0, the settlement token's): it is never remapped, so
    /// obligations open in it always settle in the token they were recorded in.
    error CurrencyTokenAlreadySet(uint16 currency, address token);
    /// @notice A netting batch mixes currencies: obligation `obligationId` is in `currency`, the run in `expected`.
    error NettingCurrencyMixed(uint256 obligationId, uint16 currency, uint16 expected);
    /// @notice Recording `amount` would take the grantee's use of the grantor's line above its limit.
    error CreditLineExceeded(uint32 grantor, uint32 grantee, uint128 limit, uint128 used, uint128 amount);
    /// @notice A bank cannot grant a line to, or owe, itself.
    error SelfObligation(uint32 bank);
    /// @notice No such obligation.
    error ObligationUnknown(uint256 obligationId);
    /// @notice The obligation is not in the status the step needs.
    error ObligationWrongStatus(uint256 obligationId, ObligationStatus current, ObligationStatus expected);
    /// @notice The caller's member is not the party this step needs.
    error ObligationWrongParty(uint256 obligationId, uint32 caller, uint32 expected);
    /// @notice The obligation is not due yet.
    error ObligationNotDue(uint256 obligationId, uint40 dueAt);
    /// @notice Only suite contracts (registry system contracts) record obligations for other banks.
    error NotRecorder(address caller);
    /// @notice A netting batch is empty or above `MAX_NETTING_BATCH`.
    error NettingBatchSize(uint256 size, uint256 max);
    /// @notice A netting batch involves more than `MAX_NETTING_BANKS` banks.
    error NettingTooManyBanks(uint256 max);
    /// @notice The caller's bank is party to none of the batch's obligations, or to none of those that would settle
    /// (its own were left out for its shortfall).
    error NettingNotParticipant(uint32 bank);
    /// @notice Every obligation of the batch involves a bank excluded for a shortfall: the run would settle nothing.
    /// @param banks The banks excluded, in the order they were excluded.
    /// @param shortfalls Each one's shortfall (net debit minus available) when it was excluded.
    error NettingNothingSettles(uint32[] banks, uint256[] shortfalls);
    /// @notice The bank has not named a settlement account.
    error SettlementAccountMissing(uint32 bank);
    /// @notice The account does not act for the bank (or may not hold settlement tokens).
    error SettlementAccountNotOwned(address account, uint32 bank);

    /// @notice Governance maps `currency` (not 0) to its deposit token, once.
    function setCurrencyToken(uint16 currency, address token) external;

    /// @notice As `recordObligation`, in `currency` (0: the settlement token's).
    function recordObligationIn(
        uint16 currency,
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) external returns (uint256 obligationId);

    /// @notice The deposit token `currency` settles in (0: the settlement token); zero address when unmapped.
    function currencyToken(uint16 currency) external view returns (address);

    /// @notice Sets the limit of the line the caller's bank grants `grantee`. Lowering it below the current use is
    /// allowed: open obligations stay, new ones are refused until use falls below the limit. LC_BANK only.
    function setCreditLine(uint32 grantee, uint128 limit) external;

    /// @notice Names the caller's bank's settlement account (one of its own accounts allowed to hold tokens). Net
    /// debtors pay from it (it must approve this contract), net creditors are paid to it. LC_BANK only.
    function setSettlementAccount(address account) external;

    /// @notice The caller's bank records that it owes `creditor` `amount`, due at `dueAt`, against the line the
    /// creditor granted it. LC_BANK only.
    /// @return obligationId The new obligation.
    function recordObligation(
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) external returns (uint256 obligationId);

    /// @notice A suite contract records that `debtor` owes `creditor` (for example the issuing bank owes the
    /// nominated bank that honoured a presentation). Registry system contracts only.
    function recordObligationFor(
        uint32 debtor,
        uint32 creditor,
        uint128 amount,
        uint40 dueAt,
        bytes32 purpose
    ) external returns (uint256 obligationId);

    /// @notice The debtor settles one due obligation gross: tokens from the caller's account to the creditor's
    /// settlement account when `offChainReference` is zero, else the caller's bank records the off-chain payment.
    function settleObligation(uint256 obligationId, bytes32 offChainReference) external;

    /// @notice The creditor releases the debtor from an open obligation (nothing is paid).
    function releaseObligation(uint256 obligationId) external;

    /// @notice Nets a batch of open, due obligations: computes each bank's net position (owed to minus owes), closes
    /// the obligations of the batch as `Netted` and settles only net amounts: each net debtor pays its net into this
    /// contract, each net creditor is paid its net out of it (at most one transfer per bank). The caller's bank must
    /// be party to one of the obligations. At most `MAX_NETTING_BATCH` obligations among `MAX_NETTING_BANKS` banks.
    /// A net debtor whose settlement account cannot pay its net (balance or allowance) is excluded, as a clearing
    /// house would: its obligations in the batch stay `Open` (to settle gross or in a later run), the others' nets
    /// are recomputed without them, and this repeats (the largest shortfall first) until every remaining net debtor
    /// can pay. Every bank named in the batch must be in good standing, excluded or not; a run that would settle
    /// nothing reverts with `NettingNothingSettles`.
    /// @return banks The banks of the batch but those excluded, in order of first appearance (a bank whose
    /// obligations in the batch were all with excluded banks is listed at a zero net).
    /// @return netPositions Each one's net position; they sum to zero.
    function runNetting(
        uint256[] calldata obligationIds
    ) external returns (uint32[] memory banks, int256[] memory netPositions);

    /// @notice The line `grantor` grants `grantee`.
    function creditLine(uint32 grantor, uint32 grantee) external view returns (CreditLine memory);

    /// @notice An obligation; reverts for an unknown one.
    function obligation(uint256 obligationId) external view returns (Obligation memory);

    /// @notice The purpose `recorder`, a system contract, gave obligation `obligationId` when it recorded it through
    /// `recordObligationFor` (for `LetterOfCredit`, the presentation id); zero when `recorder` did not record it that
    /// way. Lets a contract check that an obligation is the one a given suite contract recorded for a given purpose,
    /// not one a bank recorded itself (`recordObligation`, whose purpose is the bank's own word, kept in the event).
    function recordedPurpose(uint256 obligationId, address recorder) external view returns (bytes32);

    /// @notice A bank's settlement account (zero if none).
    function settlementAccount(uint32 bank) external view returns (address);

    /// @notice Number of obligations ever recorded; ids run from 1 to this number.
    function obligationCount() external view returns (uint256);

    /// @notice What `bank` was short of in netting run `runId` when the run left its obligations out (its net debit
    /// less what its settlement account could pay then); zero when the run did not exclude it.
    function nettingShortfall(uint256 runId, uint32 bank) external view returns (uint256);

    /// @notice Number of netting runs so far.
    function nettingRunCount() external view returns (uint256);
}
