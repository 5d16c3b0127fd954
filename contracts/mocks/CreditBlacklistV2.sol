// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CreditBlacklist} from "../credit/CreditBlacklist.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";

/// @notice Test-only second version of an application: adds a field (in its own ERC-7201 namespace, so the v1
/// layout is untouched), a function, and a migration that an upgrade proposal runs once through `upgradeToAndCall`.
contract CreditBlacklistV2 is CreditBlacklist {
    /// @custom:storage-location erc7201:consortia.storage.CreditBlacklistV2
    struct CreditBlacklistV2Storage {
        string _label;
    }

    // keccak256(abi.encode(uint256(keccak256("consortia.storage.CreditBlacklistV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CREDIT_BLACKLIST_V2_STORAGE_LOCATION =
        0xa9e42218c31d1900ec5c39661e87c53b8e825c9801491731fceffe83965e1200;

    /// @notice A v2-only event: the indexer test checks that an indexer built with the v2 ABI decodes it from the
    /// same proxy address that emitted v1's events.
    event LabelSet(string label);

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) CreditBlacklist(registry_) {}

    /// @notice The v2 migration: sets the new field. Runs once (a second call reverts `InvalidInitialization`).
    /// @dev A migration, not a first initialization: the bases were initialized when v1 was deployed.
    /// @custom:oz-upgrades-validate-as-initializer
    /// @custom:oz-upgrades-unsafe-allow missing-initializer-call
    function migrateToV2(string calldata label_) external reinitializer(2) {
        _getCreditBlacklistV2Storage()._label = label_;
        emit LabelSet(label_);
    }

    /// @notice The new field.
    function label() external view returns (string memory) {
        return _getCreditBlacklistV2Storage()._label;
    }

    /// @notice The new function: reads a record that v1 wrote.
    function isListed(bytes32 subjectKey, uint32 number) external view returns (bool) {
        return this.entry(subjectKey, number).status == EntryStatus.Active;
    }

    function _getCreditBlacklistV2Storage() private pure returns (CreditBlacklistV2Storage storage $) {
        assembly ("memory-safe") {
            $.slot := CREDIT_BLACKLIST_V2_STORAGE_LOCATION
        }
    }
}
