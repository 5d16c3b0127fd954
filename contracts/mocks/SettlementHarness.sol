// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Settlement} from "../platform/Settlement.sol";
import {IConsortiumRegistry} from "../platform/interfaces/IConsortiumRegistry.sol";
import {IDepositToken} from "../platform/interfaces/IDepositToken.sol";
import {IPaymentLedger} from "../platform/interfaces/IPaymentLedger.sol";
import {Roles} from "../platform/libraries/Roles.sol";

/// @notice Test-only application exposing the settlement base, to test it apart from any business flow.
contract SettlementHarness is Settlement {
    constructor(
        IConsortiumRegistry registry_,
        IDepositToken token_,
        IPaymentLedger ledger_
    ) Settlement(registry_, token_, ledger_) {}

    function settle(address payee, uint256 amount, bytes32 offChainReference) external whenNotPaused {
        uint32 payer = _authorize(Roles.MEMBER);
        uint32 payeeMember = _authorizeAccount(payee, Roles.MEMBER);
        _settle(msg.sender, payer, payee, payeeMember, amount, offChainReference);
    }

    function deposit(uint256 amount) external whenNotPaused {
        _authorize(Roles.TOKEN_HOLDER);
        _pullToEscrow(msg.sender, amount);
    }

    function withdraw(address to, uint256 amount) external whenNotPaused {
        _authorize(Roles.TOKEN_HOLDER);
        _payFromEscrow(to, amount);
    }
}
