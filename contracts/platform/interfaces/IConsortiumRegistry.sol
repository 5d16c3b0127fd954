// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IConsortiumRegistry
/// @notice Who is in the consortium, what each member may do, which accounts and nodes act for it, and the M-of-N
/// governance that changes any of it. Every application contract asks this registry who may act.
/// @dev Modelled on GoQuorum's permissioning (organisations, roles with access levels, account status, network-admin
/// votes) at the application layer, since Besu removed its on-chain permissioning contracts.
interface IConsortiumRegistry {
    /// @notice The kind of organisation a member is.
    enum MemberKind {
        None,
        Bank,
        Enterprise,
        CreditAgency,
        Government,
        Regulator,
        ServiceProvider
    }

    /// @notice A member's lifecycle: active members act; suspended ones can do nothing new; removed is final.
    enum MemberStatus {
        None,
        Active,
        Suspended,
        Removed
    }

    /// @notice An operator account's status, as in GoQuorum: blacklisted is final unless governance recovers it.
    enum AccountStatus {
        None,
        Active,
        Suspended,
        Blacklisted
    }

    /// @notice What an account may do for its member: read only, transact, or also administer the member's accounts
    /// and nodes.
    enum AccessLevel {
        None,
        ReadOnly,
        Transact,
        Admin
    }

    /// @notice A proposal's lifecycle.
    enum ProposalStatus {
        None,
        Pending,
        Executed,
        Cancelled
    }

    /// @notice A consortium member (an organisation).
    /// @param kind Organisation kind.
    /// @param status Lifecycle status.
    /// @param roles Role set (see `Roles`).
    /// @param accountCount Number of operator accounts ever added (bounded by `MAX_ACCOUNTS_PER_MEMBER`).
    /// @param nodeCount Number of node identities currently registered.
    /// @param registrationHash Keyed hash of the organisation's registration number.
    /// @param encryptionKey X25519 public key to which payloads shared with this member are wrapped.
    /// @param name Public organisation name.
    struct Member {
        MemberKind kind;
        MemberStatus status;
        uint64 roles;
        uint8 accountCount;
        uint8 nodeCount;
        bytes32 registrationHash;
        bytes32 encryptionKey;
        string name;
    }

    /// @notice An operator account of a member.
    /// @param memberId The member the account acts for.
    /// @param status Account status.
    /// @param level Access level.
    /// @param effectiveRoles The roles the account may exercise now: the member's roles while both member and account
    /// are active and the level is at least Transact, otherwise none; `Roles.SYSTEM` alone for a suite contract. Kept
    /// so that `authorize` reads one slot.
    struct Account {
        uint32 memberId;
        AccountStatus status;
        AccessLevel level;
        uint64 effectiveRoles;
    }

    /// @notice A governance proposal: a call the registry makes once enough voting members approve it in time.
    struct Proposal {
        uint32 proposer;
        ProposalStatus status;
        uint8 approvals;
        uint64 expiresAt;
        address target;
        bytes32 descriptionHash;
        bytes data;
    }

    /// @notice What an upgrade proposal names, so that members verify what they vote for: the proxy, the new
    /// implementation, the source commit it was built from and its runtime bytecode hash (`implementation.codehash`,
    /// what `consortia upgrade verify` rebuilds and compares); the execution delay in force when it was proposed, and
    /// when the upgrade may run at the earliest: `delay` after the vote passed (0 until it has passed).
    struct UpgradeProposal {
        address proxy;
        uint64 executableAt;
        address implementation;
        bytes20 sourceCommit;
        bytes32 bytecodeHash;
        uint64 delay;
    }

    /// @notice Founding members are seeded only during bootstrap, which can end only once.
    event BootstrapEnded(address indexed bootstrapper);
    /// @notice A member joined.
    event MemberAdmitted(
        uint32 indexed memberId,
        MemberKind kind,
        string name,
        bytes32 registrationHash,
        bytes32 encryptionKey,
        uint64 roles
    );
    /// @notice A member's status changed.
    event MemberStatusChanged(uint32 indexed memberId, MemberStatus previous, MemberStatus current);
    /// @notice A member's role set changed.
    event MemberRolesChanged(uint32 indexed memberId, uint64 previous, uint64 current);
    /// @notice A member published a new encryption public key.
    event EncryptionKeyChanged(uint32 indexed memberId, bytes32 encryptionKey);
    /// @notice An operator account was added to a member.
    event AccountAdded(uint32 indexed memberId, address indexed account, AccessLevel level);
    /// @notice An account's status or access level changed.
    event AccountChanged(uint32 indexed memberId, address indexed account, AccountStatus status, AccessLevel level);
    /// @notice A node identity (enode URL) was registered for a member.
    event NodeAdded(uint32 indexed memberId, bytes32 indexed nodeId, string enode);
    /// @notice A node identity was removed.
    event NodeRemoved(uint32 indexed memberId, bytes32 indexed nodeId);
    /// @notice A contract of the suite was allowed (or no longer allowed) to hold and move settlement on members'
    /// behalf.
    event SystemContractSet(address indexed account, bool allowed);
    /// @notice A proposal was made; the proposer's approval is counted.
    event ProposalCreated(
        uint256 indexed proposalId,
        uint32 indexed proposer,
        address target,
        bytes data,
        bytes32 descriptionHash,
        uint64 expiresAt
    );
    /// @notice A voting member approved a proposal.
    event ProposalApproved(uint256 indexed proposalId, uint32 indexed memberId, uint8 approvals);
    /// @notice An upgrade proposal was made (its `ProposalCreated` carries the `upgradeToAndCall` call).
    event UpgradeProposed(
        uint256 indexed proposalId,
        address indexed proxy,
        address indexed implementation,
        bytes20 sourceCommit,
        bytes32 bytecodeHash,
        uint64 delay
    );
    /// @notice An upgrade proposal's vote passed (currently active approvals reached the threshold): it may execute
    /// from `executableAt`, its delay later.
    event UpgradeScheduled(uint256 indexed proposalId, uint64 executableAt);
    /// @notice The time an upgrade proposal waits before it may execute changed.
    event ExecutionDelayChanged(uint64 previous, uint64 current);
    /// @notice A proposal's call was made.
    event ProposalExecuted(uint256 indexed proposalId, bytes result);
    /// @notice The proposer withdrew a pending proposal.
    event ProposalCancelled(uint256 indexed proposalId);
    /// @notice The number of approvals a proposal needs changed.
    event ThresholdChanged(uint8 previous, uint8 current);
    /// @notice The time a proposal stays open changed.
    event VotingPeriodChanged(uint64 previous, uint64 current);

    /// @notice The caller is not the bootstrapper, or bootstrap has ended.
    error BootstrapOver(address caller);
    /// @notice Only a passed proposal (a call from the registry itself) may do this.
    error OnlyGovernance(address caller);
    /// @notice The account belongs to no member.
    error UnknownAccount(address account);
    /// @notice The member does not exist.
    error UnknownMember(uint32 memberId);
    /// @notice The account exists but is not active.
    error AccountNotActive(address account, AccountStatus status);
    /// @notice The account's access level is too low for the action.
    error AccessLevelTooLow(address account, AccessLevel level, AccessLevel required);
    /// @notice The member is not active.
    error MemberNotActive(uint32 memberId, MemberStatus status);
    /// @notice The member lacks a role the action needs.
    error MissingRole(uint32 memberId, uint64 role);
    /// @notice The account already belongs to a member or is a system contract.
    error AccountTaken(address account, uint32 memberId);
    /// @notice The caller is not an admin account of the member it tries to administer.
    error NotMemberAdmin(address caller, uint32 memberId);
    /// @notice A member has reached a bounded collection's size.
    error LimitReached(uint32 memberId, uint256 limit);
    /// @notice A status transition that the lifecycle does not allow.
    error InvalidTransition(uint8 from, uint8 to);
    /// @notice The role set has bits that no role defines, or asset roles for a regulator.
    error InvalidRoles(MemberKind kind, uint64 roles);
    /// @notice A required value is empty or out of range.
    error InvalidValue(bytes32 field);
    /// @notice The threshold is unsafe for the number of active voting members (needs a strict majority, at most all).
    error UnsafeThreshold(uint8 threshold, uint256 voters);
    /// @notice The change would leave fewer active voting members than the threshold.
    error WouldBreakQuorum(uint256 votersAfter, uint8 threshold);
    /// @notice The proposal does not exist or is not pending.
    error ProposalNotPending(uint256 proposalId);
    /// @notice The proposal's voting period is over.
    error ProposalExpired(uint256 proposalId, uint64 expiresAt);
    /// @notice The member already approved this proposal.
    error AlreadyApproved(uint256 proposalId, uint32 memberId);
    /// @notice The proposal lacks approvals from currently active voting members.
    error ThresholdNotMet(uint256 proposalId, uint256 approvals, uint8 threshold);
    /// @notice Only the proposer may cancel.
    error NotProposer(uint256 proposalId, uint32 memberId);
    /// @notice The proposal's call reverted; its revert data is attached.
    error ProposalCallFailed(uint256 proposalId, bytes reason);
    /// @notice The node is not registered for the member.
    error UnknownNode(uint32 memberId, bytes32 nodeId);
    /// @notice The implementation's runtime bytecode is not the one the upgrade proposal names.
    error BytecodeMismatch(address implementation, bytes32 expected, bytes32 actual);
    /// @notice The upgrade proposal's execution delay has not passed yet (`executableAt` 0: its vote has not passed).
    error UpgradeNotYetExecutable(uint256 proposalId, uint64 executableAt);
    /// @notice Not an upgrade proposal.
    error NotAnUpgrade(uint256 proposalId);
    /// @notice The upgrade proposal's vote passed before: its execution time is set.
    error UpgradeAlreadyScheduled(uint256 proposalId, uint64 executableAt);
    /// @notice Upgrades are proposed with `proposeUpgrade` (which records what is voted on), not as a plain call.
    error UpgradeNeedsProposeUpgrade(address target);

    /// @notice Sets up the registry behind its proxy (run once, by the proxy's constructor): the caller becomes the
    /// bootstrapper and the default voting period is announced.
    function initialize() external;

    /// @notice Returns the member the account acts for if the account may act now with `role`; reverts otherwise.
    /// @dev The one question applications ask. Reverts with the precise reason (unknown or inactive account, level
    /// too low, inactive member, missing role). Reads one storage slot on success.
    /// @param account The account acting (usually `msg.sender` of the application call).
    /// @param role One role bit (or several, any of which suffices).
    /// @return memberId The member behind the account.
    function authorize(address account, uint64 role) external view returns (uint32 memberId);

    /// @notice Reverts unless the member is active and holds `role` (any of its bits; `Roles.MEMBER` asks only "is
    /// it active?"), with the precise reason (unknown, inactive member, missing role). For parties an application
    /// names by member id rather than by an acting account: the banks of a netting run, a financier or guarantor
    /// named in an offer. Reads one storage slot on success.
    function authorizeMember(uint32 memberId, uint64 role) external view;

    /// @notice `authorizeMember` for several members in one call (the banks of a netting run).
    function authorizeMembers(uint32[] calldata memberIds, uint64 role) external view;

    /// @notice Like `authorize` for two accounts at once (a payer and a payee), saving a call.
    function authorizePair(
        address first,
        uint64 firstRole,
        address second,
        uint64 secondRole
    ) external view returns (uint32 firstMember, uint32 secondMember);

    /// @notice Whether the account may act now with any of `role`, without reverting.
    function isAuthorized(address account, uint64 role) external view returns (bool);

    /// @notice Whether the address is a contract of the suite allowed to hold and move settlement on members' behalf.
    function isSystemContract(address account) external view returns (bool);

    /// @notice The roles two accounts may exercise now (`Roles.SYSTEM` for suite contracts, 0 for anyone barred).
    /// @dev For hot paths (token transfers) that check both sides in one call and want the reason only on failure.
    function effectiveRoles(
        address first,
        address second
    ) external view returns (uint64 firstRoles, uint64 secondRoles);

    /// @notice The member an account belongs to (0 for none), whatever its status.
    function memberOf(address account) external view returns (uint32 memberId);

    /// @notice A member's record.
    function member(uint32 memberId) external view returns (Member memory);

    /// @notice A member's kind, status and roles: the one storage slot applications need, without the name string.
    function memberProfile(uint32 memberId) external view returns (MemberKind kind, MemberStatus status, uint64 roles);

    /// @notice An account's record.
    function account(address account) external view returns (Account memory);

    /// @notice The operator accounts ever added to a member.
    function accountsOf(uint32 memberId) external view returns (address[] memory);

    /// @notice The node identities (enode URLs) currently registered for a member.
    function nodesOf(uint32 memberId) external view returns (string[] memory);

    /// @notice Number of members ever admitted; ids run from 1 to this number.
    function memberCount() external view returns (uint32);

    /// @notice Active members holding the voter role.
    function voterCount() external view returns (uint256);

    /// @notice Approvals a proposal needs.
    function threshold() external view returns (uint8);

    /// @notice Seconds a proposal stays open for approval.
    function votingPeriod() external view returns (uint64);

    /// @notice Seconds an upgrade proposal waits after its vote passed before it may execute (0: none); a proposal
    /// keeps the delay in force when it was made.
    function executionDelay() external view returns (uint64);

    /// @notice What an upgrade proposal names (all zero for another proposal).
    function upgradeProposal(uint256 proposalId) external view returns (UpgradeProposal memory);

    /// @notice A proposal's record.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice Whether a member approved a proposal.
    function hasApproved(uint256 proposalId, uint32 memberId) external view returns (bool);

    // --- bootstrap (deployer only, until `endBootstrap`) ---

    /// @notice Seeds a founding member with its first admin account. Bootstrap only.
    function bootstrapMember(
        MemberKind kind,
        string calldata name,
        bytes32 registrationHash,
        bytes32 encryptionKey,
        uint64 roles,
        address adminAccount
    ) external returns (uint32 memberId);

    /// @notice Allows a suite contract to hold and move settlement. Bootstrap only (later: `setSystemContract`).
    function bootstrapSystemContract(address account) external;

    /// @notice Ends bootstrap for good with the given threshold; from then on only proposals change the consortium.
    function endBootstrap(uint8 threshold) external;

    // --- proposals (active voting members) ---

    /// @notice Proposes a call the registry makes once `threshold` active voting members approve before expiry.
    /// @dev Governance functions below are `onlyGovernance`; a proposal may also target an application contract
    /// (pause, unpause, parameters). The proposer's approval counts.
    function propose(
        address target,
        bytes calldata data,
        bytes32 descriptionHash
    ) external returns (uint256 proposalId);

    /// @notice Proposes to upgrade a suite proxy (an application's, or the registry's own) to `implementation`,
    /// running `migrationData` (empty, or a `reinitializer` call of the new version) once. Records the source commit
    /// and the runtime bytecode hash members verify, checks that the implementation's code has that hash now and again
    /// at execution, and keeps the proposal from executing until `executionDelay` has passed after its vote passed
    /// (the voting window is extended by the same time). A voting member proposes; its approval counts.
    function proposeUpgrade(
        address proxy,
        address implementation,
        bytes20 sourceCommit,
        bytes32 bytecodeHash,
        bytes calldata migrationData,
        bytes32 descriptionHash
    ) external returns (uint256 proposalId);

    /// @notice Approves a pending, unexpired proposal for the caller's member.
    function approve(uint256 proposalId) external;

    /// @notice Makes the proposal's call once enough currently active voting members approve, before expiry; an
    /// upgrade only once its delay after the vote passed is over.
    function execute(uint256 proposalId) external returns (bytes memory result);

    /// @notice Starts an upgrade proposal's delay when its vote passed without an approval reaching the threshold
    /// (the threshold was lowered, or approvers were reinstated). An approval that reaches it does this itself.
    function scheduleUpgrade(uint256 proposalId) external;

    /// @notice The proposer withdraws its pending proposal.
    function cancel(uint256 proposalId) external;

    // --- governance (only through an executed proposal) ---

    /// @notice Admits a member with its first admin account.
    function admitMember(
        MemberKind kind,
        string calldata name,
        bytes32 registrationHash,
        bytes32 encryptionKey,
        uint64 roles,
        address adminAccount
    ) external returns (uint32 memberId);

    /// @notice Suspends an active member: it can do nothing new until reinstated.
    function suspendMember(uint32 memberId) external;

    /// @notice Reinstates a suspended member.
    function reinstateMember(uint32 memberId) external;

    /// @notice Removes a member for good.
    function removeMember(uint32 memberId) external;

    /// @notice Replaces a member's role set.
    function setRoles(uint32 memberId, uint64 roles) external;

    /// @notice Changes the approvals a proposal needs (strict majority of active voters at least).
    function setThreshold(uint8 threshold) external;

    /// @notice Changes how long proposals stay open.
    function setVotingPeriod(uint64 votingPeriod) external;

    /// @notice Changes how long an upgrade proposal made from now on waits after its vote passed before it may
    /// execute, at most `MAX_EXECUTION_DELAY`.
    /// Governance only.
    function setExecutionDelay(uint64 delay) external;

    /// @notice Blacklists an account (final unless recovered by vote).
    function blacklistAccount(address account) external;

    /// @notice Recovers a blacklisted or suspended account to active.
    function recoverAccount(address account) external;

    /// @notice Allows or disallows a suite contract to hold and move settlement.
    function setSystemContract(address account, bool allowed) external;

    // --- member administration (the member's admin accounts, or governance) ---

    /// @notice Adds an operator account to a member. By an admin account of that member, or governance.
    function addAccount(uint32 memberId, address account, AccessLevel level) external;

    /// @notice Suspends, reactivates or changes the level of one of the member's own accounts. Blacklisted accounts
    /// need governance (`recoverAccount`).
    function setAccount(address account, AccountStatus status, AccessLevel level) external;

    /// @notice Publishes a new encryption public key for the caller's member.
    function setEncryptionKey(bytes32 encryptionKey) external;

    /// @notice Registers a node identity (enode URL) for the caller's member.
    function addNode(string calldata enode) external returns (bytes32 nodeId);

    /// @notice Removes one of the caller's member's nodes.
    function removeNode(bytes32 nodeId) external;
}
