import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** Registry, settlement token and off-chain payment ledger: what every application module builds on. */
export default buildModule("Platform", (m) => {
  const registry = m.contract("ConsortiumRegistry");
  const token = m.contract("DepositToken", [
    registry,
    m.getParameter("tokenName", "Consortia Deposit CNY"),
    m.getParameter("tokenSymbol", "dCNY"),
    m.getParameter("tokenDecimals", 2),
  ]);
  const ledger = m.contract("PaymentLedger", [registry]);
  return { registry, token, ledger };
});
