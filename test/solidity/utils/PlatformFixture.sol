// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../../../contracts/platform/ConsortiumRegistry.sol";
import {DepositToken} from "../../../contracts/platform/DepositToken.sol";
import {FreezeOrders} from "../../../contracts/platform/FreezeOrders.sol";
import {PaymentLedger} from "../../../contracts/platform/PaymentLedger.sol";
import {SuiteProxy} from "../../../contracts/platform/SuiteProxy.sol";
import {IConsortiumRegistry} from "../../../contracts/platform/interfaces/IConsortiumRegistry.sol";
import {Roles} from "../../../contracts/platform/libraries/Roles.sol";
import {TestBase} from "./TestBase.sol";

/// @notice Deploys the platform from a Solidity test: the test contract is the bootstrapper. Members are plain
/// addresses (0x1000 + i) acting through `vm.prank`.
abstract contract PlatformFixture is TestBase {
    ConsortiumRegistry internal registry;
    DepositToken internal token;
    PaymentLedger internal ledger;
    FreezeOrders internal freezeOrders;

    address internal constant BANK_A = address(0x1001);
    address internal constant BANK_B = address(0x1002);
    address internal constant BANK_C = address(0x1003);
    address internal constant CORE = address(0x1004);
    address internal constant SUPPLIER_1 = address(0x1005);
    address internal constant SUPPLIER_2 = address(0x1006);
    address internal constant SUPPLIER_3 = address(0x1007);
    address internal constant REGULATOR = address(0x1008);

    uint64 internal constant BANK_ROLES =
        Roles.VOTER |
            Roles.TOKEN_ISSUER |
            Roles.TOKEN_HOLDER |
            Roles.PAYMENT_BANK |
            Roles.FINANCIER |
            Roles.LC_BANK |
            Roles.GUARANTOR |
            Roles.FORFAITER |
            Roles.CREDIT_REPORTER |
            Roles.CREDIT_QUERIER |
            Roles.DATA_CONSUMER;
    uint64 internal constant ENTERPRISE_ROLES =
        Roles.RECEIVABLE_OBLIGOR |
            Roles.RECEIVABLE_HOLDER |
            Roles.TOKEN_HOLDER |
            Roles.LC_TRADER |
            Roles.GUARANTEE_PARTY |
            Roles.DATA_OWNER |
            Roles.DATA_CONSUMER;

    /// @dev Deploys and seeds three banks, a core enterprise, three suppliers and a regulator. Bootstrap stays open.
    function _deployPlatform() internal {
        registry = ConsortiumRegistry(
            _proxy(address(new ConsortiumRegistry()), abi.encodeCall(ConsortiumRegistry.initialize, ()))
        );
        freezeOrders = FreezeOrders(
            _proxy(address(new FreezeOrders(registry)), abi.encodeCall(FreezeOrders.initialize, ()))
        );
        token = DepositToken(
            _proxy(
                address(new DepositToken(registry, freezeOrders)),
                abi.encodeCall(DepositToken.initialize, ("Consortia Deposit CNY", "dCNY", 2))
            )
        );
        ledger = PaymentLedger(
            _proxy(address(new PaymentLedger(registry)), abi.encodeCall(PaymentLedger.initialize, ()))
        );
        _seed(IConsortiumRegistry.MemberKind.Bank, "bankA", BANK_ROLES, BANK_A);
        _seed(IConsortiumRegistry.MemberKind.Bank, "bankB", BANK_ROLES, BANK_B);
        _seed(IConsortiumRegistry.MemberKind.Bank, "bankC", BANK_ROLES, BANK_C);
        _seed(IConsortiumRegistry.MemberKind.Enterprise, "core", ENTERPRISE_ROLES, CORE);
        _seed(IConsortiumRegistry.MemberKind.Enterprise, "supplier1", ENTERPRISE_ROLES, SUPPLIER_1);
        _seed(IConsortiumRegistry.MemberKind.Enterprise, "supplier2", ENTERPRISE_ROLES, SUPPLIER_2);
        _seed(IConsortiumRegistry.MemberKind.Enterprise, "supplier3", ENTERPRISE_ROLES, SUPPLIER_3);
        _seed(IConsortiumRegistry.MemberKind.Regulator, "regulator", Roles.VOTER | Roles.AUDITOR, REGULATOR);
    }

    /// @dev Puts `implementation` behind a suite proxy whose constructor runs `initData`, as Ignition deploys it.
    function _proxy(address implementation, bytes memory initData) internal returns (address) {
        return address(new SuiteProxy(implementation, initData));
    }

    function _seed(IConsortiumRegistry.MemberKind kind, string memory name, uint64 roles, address admin) internal {
        registry.bootstrapMember(kind, name, keccak256(bytes(name)), keccak256(abi.encode(name, "key")), roles, admin);
    }

    /// @dev Mints settlement tokens as bankA.
    function _mint(address to, uint256 amount) internal {
        vm.prank(BANK_A);
        token.mint(to, amount);
    }
}
