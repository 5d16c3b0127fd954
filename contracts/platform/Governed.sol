// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IGoverned} from "./interfaces/IGoverned.sol";

/// @title Governed
/// @notice Base of every suite contract but the registry: an implementation behind a UUPS proxy (ERC-1967) that only
/// an executed registry proposal may upgrade. No admin key exists: the proxy keeps no owner, the registry is fixed
/// in the implementation's code, and an upgrade must name an implementation bound to the same registry.
/// @dev UUPS rather than transparent or beacon proxies: the upgrade check lives in the implementation, so a call
/// through the proxy pays no admin comparison and no beacon lookup (see BENCHMARKS.md, "What the proxies cost").
abstract contract Governed is IGoverned, Initializable, UUPSUpgradeable {
    /// @dev The same for every proxy of an implementation on one network; an upgrade keeps it
    /// (see `_authorizeUpgrade`).
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IConsortiumRegistry private immutable _registry;

    modifier onlyGovernance() {
        if (msg.sender != address(_registry)) revert OnlyGovernance(msg.sender);
        _;
    }

    /// @dev Locks the implementation's own initializers: only a proxy's storage is ever initialized.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(IConsortiumRegistry registry_) {
        if (address(registry_) == address(0)) revert InvalidValue("registry");
        _registry = registry_;
        _disableInitializers();
    }

    /// @inheritdoc IGoverned
    function registry() public view returns (IConsortiumRegistry) {
        return _registry;
    }

    /// @dev An upgrade is a call the registry makes while executing a passed proposal, to an implementation that
    /// answers `registry()` with this registry. OpenZeppelin then checks that it is UUPS (`proxiableUUID`), so an
    /// account without code, a foreign contract or another network's build is refused before anything changes.
    function _authorizeUpgrade(address newImplementation) internal view override onlyGovernance {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory answer) = newImplementation.staticcall(abi.encodeCall(IGoverned.registry, ()));
        if (!ok || answer.length != 32 || abi.decode(answer, (uint256)) != uint256(uint160(address(_registry)))) {
            revert IncompatibleImplementation(newImplementation);
        }
    }
}
