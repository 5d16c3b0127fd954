// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ConsortiumRegistry
/// @notice Members, their roles, operator accounts and nodes, and the M-of-N proposals that govern them.
/// @dev After `endBootstrap` no key has special power: every change to the consortium is a proposal that a strict
/// majority (at least) of active voting members approves before it expires. Collections that loops walk are bounded by
/// named constants (accounts and nodes per member, voters), so no loop grows with user input.
/// The registry sits behind a UUPS proxy that only its own executed proposals may upgrade (`upgradeToAndCall` as a
/// proposal whose target is the registry itself).
contract ConsortiumRegistry is IConsortiumRegistry, Initializable, UUPSUpgradeable {
    /// @notice Operator accounts a member can ever have.
    uint256 public constant MAX_ACCOUNTS_PER_MEMBER = 16;
    /// @notice Nodes a member can register at once.
    uint256 public constant MAX_NODES_PER_MEMBER = 8;
    /// @notice Active voting members the consortium can have (approval counting walks them).
    uint256 public constant MAX_VOTERS = 64;
    /// @notice Shortest and longest time a proposal may stay open.
    uint64 public constant MIN_VOTING_PERIOD = 1 hours;
    uint64 public constant MAX_VOTING_PERIOD = 90 days;
    uint64 private constant DEFAULT_VOTING_PERIOD = 7 days;
    /// @notice Longest wait between an upgrade proposal and its execution.
    uint64 public constant MAX_EXECUTION_DELAY = 30 days;
    /// @dev The UUPS upgrade call every suite proxy answers: only `proposeUpgrade` may propose it.
    bytes4 private constant UPGRADE_TO_AND_CALL = bytes4(keccak256("upgradeToAndCall(address,bytes)"));

    /// @custom:storage-location erc7201:consortia.storage.ConsortiumRegistry
    struct ConsortiumRegistryStorage {
        address _bootstrapper;
        uint32 _memberCount;
        uint8 _threshold;
        uint16 _voterCount;
        uint64 _votingPeriod;
        uint256 _proposalCount;
        mapping(uint32 memberId => Member) _members;
        mapping(address account => Account) _accounts;
        mapping(uint32 memberId => address[]) _memberAccounts;
        mapping(uint32 memberId => bytes32[]) _memberNodes;
        mapping(bytes32 nodeId => string) _enodes;
        mapping(bytes32 nodeId => uint32) _nodeOwner;
        mapping(uint256 proposalId => Proposal) _proposals;
        mapping(uint256 proposalId => uint32[]) _approvers;
        mapping(uint256 proposalId => mapping(uint32 memberId => bool)) _approved;
        // Added in the release after v0.1.0 (appended: the layout check keeps every field above where it was).
        uint64 _executionDelay;
        mapping(uint256 proposalId => UpgradeProposal) _upgrades;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.ConsortiumRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSORTIUM_REGISTRY_STORAGE_LOCATION =
        0x4e798f44e2670a4e68149f3450a83a6c7d5661407579f406e81df076e446c900;

    modifier onlyBootstrapper() {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (msg.sender != $._bootstrapper) revert BootstrapOver(msg.sender);
        _;
    }

    modifier onlyGovernance() {
        if (msg.sender != address(this)) revert OnlyGovernance(msg.sender);
        _;
    }

    /// @dev Locks the implementation's own initializers: only the proxy's storage is ever initialized.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IConsortiumRegistry
    function initialize() external initializer {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        $._bootstrapper = msg.sender;
        $._votingPeriod = DEFAULT_VOTING_PERIOD;
        // Indexers learn the voting period from events only: announce the default too.
        emit VotingPeriodChanged(0, DEFAULT_VOTING_PERIOD);
    }

    // ------------------------------------------------------------------ queries

    /// @inheritdoc IConsortiumRegistry
    function authorize(address account_, uint64 role) public view returns (uint32 memberId) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        Account storage a = $._accounts[account_];
        // Two fields of one slot: read through the storage pointer, not a memory copy of all four.
        uint64 roles = a.effectiveRoles;
        memberId = a.memberId;
        if (roles & role == 0) _revertUnauthorized(account_, a, role);
    }

    /// @inheritdoc IConsortiumRegistry
    function authorizePair(
        address first,
        uint64 firstRole,
        address second,
        uint64 secondRole
    ) external view returns (uint32 firstMember, uint32 secondMember) {
        return (authorize(first, firstRole), authorize(second, secondRole));
    }

    /// @inheritdoc IConsortiumRegistry
    function authorizeMember(uint32 memberId, uint64 role) public view {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        Member storage m = $._members[memberId];
        // Kind, status and roles share the member's first slot.
        MemberStatus status = m.status;
        if (status != MemberStatus.Active) {
            if (status == MemberStatus.None) revert UnknownMember(memberId);
            revert MemberNotActive(memberId, status);
        }
        if ((m.roles | Roles.MEMBER) & role == 0) revert MissingRole(memberId, role);
    }

    /// @inheritdoc IConsortiumRegistry
    function authorizeMembers(uint32[] calldata memberIds, uint64 role) external view {
        // Bounded by the caller's list (a netting run names at most MAX_NETTING_BANKS banks).
        for (uint256 i; i < memberIds.length; ++i) authorizeMember(memberIds[i], role);
    }

    /// @inheritdoc IConsortiumRegistry
    function isAuthorized(address account_, uint64 role) external view returns (bool) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._accounts[account_].effectiveRoles & role != 0;
    }

    /// @inheritdoc IConsortiumRegistry
    function isSystemContract(address account_) external view returns (bool) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._accounts[account_].effectiveRoles == Roles.SYSTEM;
    }

    /// @inheritdoc IConsortiumRegistry
    function effectiveRoles(address first, address second) external view returns (uint64, uint64) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return ($._accounts[first].effectiveRoles, $._accounts[second].effectiveRoles);
    }

    /// @inheritdoc IConsortiumRegistry
    function memberOf(address account_) external view returns (uint32) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._accounts[account_].memberId;
    }

    /// @inheritdoc IConsortiumRegistry
    function member(uint32 memberId) external view returns (Member memory) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._members[memberId];
    }

    /// @inheritdoc IConsortiumRegistry
    function memberProfile(uint32 memberId) external view returns (MemberKind, MemberStatus, uint64) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        Member storage m = $._members[memberId];
        return (m.kind, m.status, m.roles);
    }

    /// @inheritdoc IConsortiumRegistry
    function account(address account_) external view returns (Account memory) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._accounts[account_];
    }

    /// @inheritdoc IConsortiumRegistry
    function accountsOf(uint32 memberId) external view returns (address[] memory) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._memberAccounts[memberId];
    }

    /// @inheritdoc IConsortiumRegistry
    function nodesOf(uint32 memberId) external view returns (string[] memory enodes) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        bytes32[] storage ids = $._memberNodes[memberId];
        enodes = new string[](ids.length);
        for (uint256 i; i < ids.length; ++i) enodes[i] = $._enodes[ids[i]];
    }

    /// @inheritdoc IConsortiumRegistry
    function memberCount() external view returns (uint32) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._memberCount;
    }

    /// @inheritdoc IConsortiumRegistry
    function voterCount() external view returns (uint256) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._voterCount;
    }

    /// @inheritdoc IConsortiumRegistry
    function threshold() external view returns (uint8) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._threshold;
    }

    /// @inheritdoc IConsortiumRegistry
    function votingPeriod() external view returns (uint64) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._votingPeriod;
    }

    /// @inheritdoc IConsortiumRegistry
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._proposals[proposalId];
    }

    /// @inheritdoc IConsortiumRegistry
    function executionDelay() external view returns (uint64) {
        return _getConsortiumRegistryStorage()._executionDelay;
    }

    /// @inheritdoc IConsortiumRegistry
    function upgradeProposal(uint256 proposalId) external view returns (UpgradeProposal memory) {
        return _getConsortiumRegistryStorage()._upgrades[proposalId];
    }

    /// @inheritdoc IConsortiumRegistry
    function hasApproved(uint256 proposalId, uint32 memberId) external view returns (bool) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        return $._approved[proposalId][memberId];
    }

    // ---------------------------------------------------------------- bootstrap

    /// @inheritdoc IConsortiumRegistry
    function bootstrapMember(
        MemberKind kind,
        string calldata name,
        bytes32 registrationHash,
        bytes32 encryptionKey,
        uint64 roles,
        address adminAccount
    ) external onlyBootstrapper returns (uint32) {
        return _admit(kind, name, registrationHash, encryptionKey, roles, adminAccount);
    }

    /// @inheritdoc IConsortiumRegistry
    function bootstrapSystemContract(address account_) external onlyBootstrapper {
        _setSystemContract(account_, true);
    }

    /// @inheritdoc IConsortiumRegistry
    function endBootstrap(uint8 threshold_) external onlyBootstrapper {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        _setThreshold(threshold_);
        delete $._bootstrapper;
        emit BootstrapEnded(msg.sender);
    }

    // ---------------------------------------------------------------- proposals

    /// @inheritdoc IConsortiumRegistry
    function propose(
        address target,
        bytes calldata data,
        bytes32 descriptionHash
    ) external returns (uint256 proposalId) {
        if (bytes4(data) == UPGRADE_TO_AND_CALL) revert UpgradeNeedsProposeUpgrade(target);
        uint32 proposer;
        (proposalId, proposer) = _propose(target, data, descriptionHash, 0);
        _approve(proposalId, proposer);
    }

    /// @inheritdoc IConsortiumRegistry
    function proposeUpgrade(
        address proxy,
        address implementation,
        bytes20 sourceCommit,
        bytes32 bytecodeHash,
        bytes calldata migrationData,
        bytes32 descriptionHash
    ) external returns (uint256 proposalId) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (implementation.code.length == 0) revert InvalidValue("implementation");
        if (implementation.codehash != bytecodeHash) {
            revert BytecodeMismatch(implementation, bytecodeHash, implementation.codehash);
        }
        uint64 delay = $._executionDelay;
        bytes memory data = abi.encodeWithSelector(UPGRADE_TO_AND_CALL, implementation, migrationData);
        uint32 proposer;
        (proposalId, proposer) = _propose(proxy, data, descriptionHash, delay);
        $._upgrades[proposalId] = UpgradeProposal({
            proxy: proxy,
            executableAt: 0,
            implementation: implementation,
            sourceCommit: sourceCommit,
            bytecodeHash: bytecodeHash,
            delay: delay
        });
        emit UpgradeProposed(proposalId, proxy, implementation, sourceCommit, bytecodeHash, delay);
        // After the record: with a threshold of one, the proposer's approval passes the vote and starts the delay.
        _approve(proposalId, proposer);
    }

    /// @dev Records a proposal open for the voting period plus `extraDelay`; the caller then counts the proposer's
    /// approval.
    function _propose(
        address target,
        bytes memory data,
        bytes32 descriptionHash,
        uint64 extraDelay
    ) private returns (uint256 proposalId, uint32 proposer) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        proposer = authorize(msg.sender, Roles.VOTER);
        if (target == address(0)) revert InvalidValue("target");
        if ($._threshold == 0) revert BootstrapOver(msg.sender);
        proposalId = ++$._proposalCount;
        uint64 expiresAt = uint64(block.timestamp) + $._votingPeriod + extraDelay;
        $._proposals[proposalId] = Proposal({
            proposer: proposer,
            status: ProposalStatus.Pending,
            approvals: 0,
            expiresAt: expiresAt,
            target: target,
            descriptionHash: descriptionHash,
            data: data
        });
        emit ProposalCreated(proposalId, proposer, target, data, descriptionHash, expiresAt);
    }

    /// @inheritdoc IConsortiumRegistry
    function approve(uint256 proposalId) external {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint32 voter = authorize(msg.sender, Roles.VOTER);
        _requireOpen(proposalId);
        if ($._approved[proposalId][voter]) revert AlreadyApproved(proposalId, voter);
        _approve(proposalId, voter);
    }

    /// @inheritdoc IConsortiumRegistry
    function execute(uint256 proposalId) external returns (bytes memory result) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        authorize(msg.sender, Roles.MEMBER);
        Proposal storage p = _requireOpen(proposalId);
        uint256 valid = _countActiveApprovals(proposalId);
        if (valid < $._threshold) revert ThresholdNotMet(proposalId, valid, $._threshold);
        if (bytes4(p.data) == UPGRADE_TO_AND_CALL) _requireUpgradeReady(proposalId);
        p.status = ProposalStatus.Executed;
        bool ok;
        // A proposal is an arbitrary call that governance approved.
        // solhint-disable-next-line avoid-low-level-calls
        (ok, result) = p.target.call(p.data);
        if (!ok) revert ProposalCallFailed(proposalId, result);
        emit ProposalExecuted(proposalId, result);
    }

    /// @inheritdoc IConsortiumRegistry
    function scheduleUpgrade(uint256 proposalId) external {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        authorize(msg.sender, Roles.MEMBER);
        _requireOpen(proposalId);
        UpgradeProposal storage u = $._upgrades[proposalId];
        if (u.proxy == address(0)) revert NotAnUpgrade(proposalId);
        if (u.executableAt != 0) revert UpgradeAlreadyScheduled(proposalId, u.executableAt);
        uint256 valid = _countActiveApprovals(proposalId);
        if (valid < $._threshold) revert ThresholdNotMet(proposalId, valid, $._threshold);
        _schedule(proposalId, u);
    }

    /// @inheritdoc IConsortiumRegistry
    function cancel(uint256 proposalId) external {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint32 caller = authorize(msg.sender, Roles.VOTER);
        Proposal storage p = $._proposals[proposalId];
        if (p.status != ProposalStatus.Pending) revert ProposalNotPending(proposalId);
        if (p.proposer != caller) revert NotProposer(proposalId, caller);
        p.status = ProposalStatus.Cancelled;
        emit ProposalCancelled(proposalId);
    }

    // --------------------------------------------------------------- governance

    /// @inheritdoc IConsortiumRegistry
    function admitMember(
        MemberKind kind,
        string calldata name,
        bytes32 registrationHash,
        bytes32 encryptionKey,
        uint64 roles,
        address adminAccount
    ) external onlyGovernance returns (uint32) {
        return _admit(kind, name, registrationHash, encryptionKey, roles, adminAccount);
    }

    /// @inheritdoc IConsortiumRegistry
    function suspendMember(uint32 memberId) external onlyGovernance {
        _moveMember(memberId, MemberStatus.Active, MemberStatus.Suspended);
    }

    /// @inheritdoc IConsortiumRegistry
    function reinstateMember(uint32 memberId) external onlyGovernance {
        _moveMember(memberId, MemberStatus.Suspended, MemberStatus.Active);
    }

    /// @inheritdoc IConsortiumRegistry
    function removeMember(uint32 memberId) external onlyGovernance {
        MemberStatus status = _existing(memberId).status;
        if (status == MemberStatus.Removed) revert InvalidTransition(uint8(status), uint8(MemberStatus.Removed));
        _moveMember(memberId, status, MemberStatus.Removed);
    }

    /// @inheritdoc IConsortiumRegistry
    function setRoles(uint32 memberId, uint64 roles) external onlyGovernance {
        Member storage m = _existing(memberId);
        _checkRoles(m.kind, roles);
        uint64 previous = m.roles;
        bool wasVoter = _isVoter(m);
        m.roles = roles;
        _afterVoterChange(wasVoter, _isVoter(m));
        _refreshAccounts(memberId);
        emit MemberRolesChanged(memberId, previous, roles);
    }

    /// @inheritdoc IConsortiumRegistry
    function setThreshold(uint8 threshold_) external onlyGovernance {
        _setThreshold(threshold_);
    }

    /// @inheritdoc IConsortiumRegistry
    function setVotingPeriod(uint64 votingPeriod_) external onlyGovernance {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (votingPeriod_ < MIN_VOTING_PERIOD || votingPeriod_ > MAX_VOTING_PERIOD) revert InvalidValue("votingPeriod");
        emit VotingPeriodChanged($._votingPeriod, votingPeriod_);
        $._votingPeriod = votingPeriod_;
    }

    /// @inheritdoc IConsortiumRegistry
    function setExecutionDelay(uint64 delay) external onlyGovernance {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (delay > MAX_EXECUTION_DELAY) revert InvalidValue("executionDelay");
        emit ExecutionDelayChanged($._executionDelay, delay);
        $._executionDelay = delay;
    }

    /// @inheritdoc IConsortiumRegistry
    function blacklistAccount(address account_) external onlyGovernance {
        Account storage a = _existingAccount(account_);
        if (a.status == AccountStatus.Blacklisted) {
            revert InvalidTransition(uint8(a.status), uint8(AccountStatus.Blacklisted));
        }
        _updateAccount(account_, a, AccountStatus.Blacklisted, a.level);
    }

    /// @inheritdoc IConsortiumRegistry
    function recoverAccount(address account_) external onlyGovernance {
        Account storage a = _existingAccount(account_);
        if (a.status == AccountStatus.Active) revert InvalidTransition(uint8(a.status), uint8(AccountStatus.Active));
        _updateAccount(account_, a, AccountStatus.Active, a.level);
    }

    /// @inheritdoc IConsortiumRegistry
    function setSystemContract(address account_, bool allowed) external onlyGovernance {
        _setSystemContract(account_, allowed);
    }

    // ------------------------------------------------------- member administration

    /// @inheritdoc IConsortiumRegistry
    function addAccount(uint32 memberId, address account_, AccessLevel level) external {
        if (msg.sender != address(this) && _authorizeAdmin(msg.sender) != memberId) {
            revert NotMemberAdmin(msg.sender, memberId);
        }
        Member storage m = _existing(memberId);
        if (m.status == MemberStatus.Removed) revert MemberNotActive(memberId, m.status);
        _addAccount(memberId, m, account_, level);
    }

    /// @inheritdoc IConsortiumRegistry
    function setAccount(address account_, AccountStatus status, AccessLevel level) external {
        uint32 caller = _authorizeAdmin(msg.sender);
        Account storage a = _existingAccount(account_);
        if (a.memberId != caller) revert NotMemberAdmin(msg.sender, a.memberId);
        // An admin cannot lock itself out; another admin or governance can.
        if (account_ == msg.sender) revert InvalidValue("self");
        if (status != AccountStatus.Active && status != AccountStatus.Suspended) revert InvalidValue("status");
        if (level == AccessLevel.None) revert InvalidValue("level");
        if (a.status == AccountStatus.Blacklisted) revert InvalidTransition(uint8(a.status), uint8(status));
        _updateAccount(account_, a, status, level);
    }

    /// @inheritdoc IConsortiumRegistry
    function setEncryptionKey(bytes32 encryptionKey) external {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint32 memberId = _authorizeAdmin(msg.sender);
        if (encryptionKey == bytes32(0)) revert InvalidValue("encryptionKey");
        $._members[memberId].encryptionKey = encryptionKey;
        emit EncryptionKeyChanged(memberId, encryptionKey);
    }

    /// @inheritdoc IConsortiumRegistry
    function addNode(string calldata enode) external returns (bytes32 nodeId) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint32 memberId = _authorizeAdmin(msg.sender);
        if (bytes(enode).length == 0) revert InvalidValue("enode");
        nodeId = keccak256(bytes(enode));
        if ($._nodeOwner[nodeId] != 0) revert InvalidValue("enode");
        Member storage m = $._members[memberId];
        if (m.nodeCount >= MAX_NODES_PER_MEMBER) revert LimitReached(memberId, MAX_NODES_PER_MEMBER);
        ++m.nodeCount;
        $._nodeOwner[nodeId] = memberId;
        $._enodes[nodeId] = enode;
        $._memberNodes[memberId].push(nodeId);
        emit NodeAdded(memberId, nodeId, enode);
    }

    /// @inheritdoc IConsortiumRegistry
    function removeNode(bytes32 nodeId) external {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint32 memberId = _authorizeAdmin(msg.sender);
        if ($._nodeOwner[nodeId] != memberId) revert UnknownNode(memberId, nodeId);
        bytes32[] storage ids = $._memberNodes[memberId];
        uint256 last = ids.length - 1;
        for (uint256 i; i <= last; ++i) {
            if (ids[i] == nodeId) {
                ids[i] = ids[last];
                ids.pop();
                break;
            }
        }
        --$._members[memberId].nodeCount;
        delete $._nodeOwner[nodeId];
        delete $._enodes[nodeId];
        emit NodeRemoved(memberId, nodeId);
    }

    // ----------------------------------------------------------------- internals

    function _admit(
        MemberKind kind,
        string calldata name,
        bytes32 registrationHash,
        bytes32 encryptionKey,
        uint64 roles,
        address adminAccount
    ) private returns (uint32 memberId) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (kind == MemberKind.None) revert InvalidValue("kind");
        if (bytes(name).length == 0) revert InvalidValue("name");
        if (registrationHash == bytes32(0)) revert InvalidValue("registrationHash");
        _checkRoles(kind, roles);
        memberId = ++$._memberCount;
        Member storage m = $._members[memberId];
        m.kind = kind;
        m.status = MemberStatus.Active;
        m.roles = roles;
        m.registrationHash = registrationHash;
        m.encryptionKey = encryptionKey;
        m.name = name;
        emit MemberAdmitted(memberId, kind, name, registrationHash, encryptionKey, roles);
        _afterVoterChange(false, _isVoter(m));
        _addAccount(memberId, m, adminAccount, AccessLevel.Admin);
    }

    function _addAccount(uint32 memberId, Member storage m, address account_, AccessLevel level) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (account_ == address(0)) revert InvalidValue("account");
        if (level == AccessLevel.None) revert InvalidValue("level");
        Account storage a = $._accounts[account_];
        if (a.status != AccountStatus.None) revert AccountTaken(account_, a.memberId);
        if (m.accountCount >= MAX_ACCOUNTS_PER_MEMBER) revert LimitReached(memberId, MAX_ACCOUNTS_PER_MEMBER);
        ++m.accountCount;
        $._memberAccounts[memberId].push(account_);
        a.memberId = memberId;
        emit AccountAdded(memberId, account_, level);
        _updateAccount(account_, a, AccountStatus.Active, level);
    }

    function _updateAccount(address account_, Account storage a, AccountStatus status, AccessLevel level) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        a.status = status;
        a.level = level;
        a.effectiveRoles = _effectiveRoles($._members[a.memberId], status, level);
        emit AccountChanged(a.memberId, account_, status, level);
    }

    function _moveMember(uint32 memberId, MemberStatus from, MemberStatus to) private {
        Member storage m = _existing(memberId);
        if (m.status != from) revert InvalidTransition(uint8(m.status), uint8(to));
        bool wasVoter = _isVoter(m);
        m.status = to;
        _afterVoterChange(wasVoter, _isVoter(m));
        _refreshAccounts(memberId);
        emit MemberStatusChanged(memberId, from, to);
    }

    /// @dev Re-derives the cached effective roles of every account of a member (at most MAX_ACCOUNTS_PER_MEMBER).
    function _refreshAccounts(uint32 memberId) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        Member storage m = $._members[memberId];
        address[] storage accounts = $._memberAccounts[memberId];
        for (uint256 i; i < accounts.length; ++i) {
            Account storage a = $._accounts[accounts[i]];
            a.effectiveRoles = _effectiveRoles(m, a.status, a.level);
        }
    }

    /// @dev Keeps the voter count, and keeps governance possible: never fewer active voters than the threshold; when
    /// voters join, the threshold rises to stay a strict majority.
    function _afterVoterChange(bool wasVoter, bool isVoter) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (wasVoter == isVoter) return;
        if (isVoter) {
            if ($._voterCount >= MAX_VOTERS) revert LimitReached(0, MAX_VOTERS);
            uint16 voters = ++$._voterCount;
            uint8 current = $._threshold;
            if (current != 0 && uint16(current) * 2 <= voters) {
                // Safe: voters <= MAX_VOTERS, so voters / 2 + 1 fits in uint8.
                uint8 raised = uint8(voters / 2 + 1);
                $._threshold = raised;
                emit ThresholdChanged(current, raised);
            }
        } else {
            uint16 voters = --$._voterCount;
            if ($._bootstrapper == address(0) && (voters == 0 || voters < $._threshold)) {
                revert WouldBreakQuorum(voters, $._threshold);
            }
        }
    }

    function _setThreshold(uint8 threshold_) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint256 voters = $._voterCount;
        if (threshold_ == 0 || threshold_ > voters || uint256(threshold_) * 2 <= voters) {
            revert UnsafeThreshold(threshold_, voters);
        }
        emit ThresholdChanged($._threshold, threshold_);
        $._threshold = threshold_;
    }

    /// @dev A suite contract is kept as an account of no member whose only role is SYSTEM, so that one slot answers
    /// both "which member may act" and "is this a suite contract" on the token's hot path.
    function _setSystemContract(address account_, bool allowed) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (account_.code.length == 0) revert InvalidValue("contract");
        Account storage a = $._accounts[account_];
        if (a.memberId != 0) revert AccountTaken(account_, a.memberId);
        if (allowed) {
            a.status = AccountStatus.Active;
            a.effectiveRoles = Roles.SYSTEM;
        } else {
            delete $._accounts[account_];
        }
        emit SystemContractSet(account_, allowed);
    }

    function _approve(uint256 proposalId, uint32 voter) private {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        $._approved[proposalId][voter] = true;
        $._approvers[proposalId].push(voter);
        uint8 approvals = ++$._proposals[proposalId].approvals;
        emit ProposalApproved(proposalId, voter, approvals);
        // An upgrade's delay starts when its vote passes: the approval that reaches the threshold starts it.
        UpgradeProposal storage u = $._upgrades[proposalId];
        if (u.proxy != address(0) && u.executableAt == 0 && approvals >= $._threshold) {
            if (_countActiveApprovals(proposalId) >= $._threshold) _schedule(proposalId, u);
        }
    }

    function _schedule(uint256 proposalId, UpgradeProposal storage u) private {
        uint64 executableAt = uint64(block.timestamp) + u.delay;
        u.executableAt = executableAt;
        emit UpgradeScheduled(proposalId, executableAt);
    }

    /// @dev Approvals of members that have since been suspended, removed or lost the voter role do not count.
    function _countActiveApprovals(uint256 proposalId) private view returns (uint256 valid) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        uint32[] storage approvers = $._approvers[proposalId];
        for (uint256 i; i < approvers.length; ++i) {
            if (_isVoter($._members[approvers[i]])) ++valid;
        }
    }

    /// @dev An upgrade runs only once its vote passed and its delay after that is over, and only if the
    /// implementation still has the code voted on.
    function _requireUpgradeReady(uint256 proposalId) private view {
        UpgradeProposal storage u = _getConsortiumRegistryStorage()._upgrades[proposalId];
        if (u.executableAt == 0 || block.timestamp < u.executableAt) {
            revert UpgradeNotYetExecutable(proposalId, u.executableAt);
        }
        bytes32 actual = u.implementation.codehash;
        if (actual != u.bytecodeHash) revert BytecodeMismatch(u.implementation, u.bytecodeHash, actual);
    }

    function _requireOpen(uint256 proposalId) private view returns (Proposal storage p) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        p = $._proposals[proposalId];
        if (p.status != ProposalStatus.Pending) revert ProposalNotPending(proposalId);
        if (block.timestamp >= p.expiresAt) revert ProposalExpired(proposalId, p.expiresAt);
    }

    function _authorizeAdmin(address caller) private view returns (uint32 memberId) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        memberId = authorize(caller, Roles.MEMBER);
        AccessLevel level = $._accounts[caller].level;
        if (level != AccessLevel.Admin) revert AccessLevelTooLow(caller, level, AccessLevel.Admin);
    }

    function _existing(uint32 memberId) private view returns (Member storage m) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        m = $._members[memberId];
        if (m.status == MemberStatus.None) revert UnknownMember(memberId);
    }

    function _existingAccount(address account_) private view returns (Account storage a) {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        a = $._accounts[account_];
        if (a.memberId == 0) revert UnknownAccount(account_);
    }

    function _checkRoles(MemberKind kind, uint64 roles) private pure {
        if (roles & ~Roles.ALL != 0) revert InvalidRoles(kind, roles);
        if (kind == MemberKind.Regulator && roles & Roles.ASSET_ROLES != 0) revert InvalidRoles(kind, roles);
    }

    function _isVoter(Member storage m) private view returns (bool) {
        return m.status == MemberStatus.Active && m.roles & Roles.VOTER != 0;
    }

    function _effectiveRoles(Member storage m, AccountStatus status, AccessLevel level) private view returns (uint64) {
        if (m.status != MemberStatus.Active || status != AccountStatus.Active || level < AccessLevel.Transact) return 0;
        return m.roles | Roles.MEMBER;
    }

    function _revertUnauthorized(address account_, Account storage a, uint64 role) private view {
        ConsortiumRegistryStorage storage $ = _getConsortiumRegistryStorage();
        if (a.memberId == 0) revert UnknownAccount(account_);
        if (a.status != AccountStatus.Active) revert AccountNotActive(account_, a.status);
        if (a.level < AccessLevel.Transact) revert AccessLevelTooLow(account_, a.level, AccessLevel.Transact);
        MemberStatus status = $._members[a.memberId].status;
        if (status != MemberStatus.Active) revert MemberNotActive(a.memberId, status);
        revert MissingRole(a.memberId, role);
    }

    /// @dev Only the registry's own executed proposal upgrades it, to a contract; OpenZeppelin then checks that the
    /// new implementation is UUPS (`proxiableUUID`).
    function _authorizeUpgrade(address newImplementation) internal view override onlyGovernance {
        if (newImplementation.code.length == 0) revert InvalidValue("implementation");
    }

    /// @dev The contract's fields, at their ERC-7201 location (upgrades append to the struct, never reorder).
    function _getConsortiumRegistryStorage() private pure returns (ConsortiumRegistryStorage storage $) {
        assembly ("memory-safe") {
            $.slot := CONSORTIUM_REGISTRY_STORAGE_LOCATION
        }
    }
}
