// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// A test double: it reverts with a string (as many real receivers do) and makes arbitrary calls for the tests.
// solhint-disable gas-custom-errors, avoid-low-level-calls

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {IERC3525} from "../receivables/interfaces/IERC3525.sol";
import {IERC3525Receiver} from "../receivables/interfaces/IERC3525Receiver.sol";

/// @title ReceivableReceiverMock
/// @notice Test only: a contract account of a member that receives certificates. It accepts, refuses (wrong answer or
/// revert), hides its receiver interface, or attacks: when value arrives it re-enters the certificate contract to
/// pull the same value again (a double-spend attempt) and records what happened, or passes a new certificate on
/// (Forward) before the sender's call has returned.
contract ReceivableReceiverMock is IERC3525Receiver, IERC721Receiver, ERC165 {
    enum Mode {
        Accept,
        WrongAnswer,
        Revert,
        Silent,
        Reenter,
        Forward
    }

    IERC3525 public immutable certificates;
    Mode public mode;
    uint256 public received;
    uint256 public reentryAttempts;
    bool public reentrySucceeded;
    bytes public reentryError;
    /// @notice Where Forward mode passes a certificate it receives (during the receiver hook).
    address public forwardTo;

    event Received(address operator, uint256 fromTokenId, uint256 toTokenId, uint256 value);

    constructor(IERC3525 certificates_) {
        certificates = certificates_;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function setForwardTo(address to) external {
        forwardTo = to;
    }

    /// @notice Pulls `value` of `fromTokenId` into a new certificate of this contract (needs a value allowance).
    function pull(uint256 fromTokenId, uint256 value) external returns (uint256) {
        return certificates.transferFrom(fromTokenId, address(this), value);
    }

    /// @notice Makes any call as this account (so that tests can act as this member).
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
        return result;
    }

    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        if (mode == Mode.Silent) return false;
        return
            interfaceId == type(IERC3525Receiver).interfaceId ||
            interfaceId == type(IERC721Receiver).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    function onERC3525Received(
        address operator,
        uint256 fromTokenId,
        uint256 toTokenId,
        uint256 value,
        bytes calldata
    ) external returns (bytes4) {
        ++received;
        emit Received(operator, fromTokenId, toTokenId, value);
        if (mode == Mode.Revert) revert("receiver refuses");
        if (mode == Mode.WrongAnswer) return 0xdeadbeef;
        if (mode == Mode.Reenter && reentryAttempts == 0) {
            ++reentryAttempts;
            try certificates.transferFrom(fromTokenId, address(this), value) returns (uint256) {
                reentrySucceeded = true;
            } catch (bytes memory reason) {
                reentryError = reason;
            }
        }
        if (mode == Mode.Forward) {
            IERC721(address(certificates)).transferFrom(address(this), forwardTo, toTokenId);
        }
        return IERC3525Receiver.onERC3525Received.selector;
    }

    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        ++received;
        if (mode == Mode.Revert) revert("receiver refuses");
        if (mode == Mode.WrongAnswer) return 0xdeadbeef;
        return IERC721Receiver.onERC721Received.selector;
    }
}
