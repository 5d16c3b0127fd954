import { ZeroAddress } from "ethers";
import { passProposal } from "../../../test/helpers/consortium.js";
import { AccessLevel } from "../../../test/helpers/suite.js";
import { confirmed, deployReceivables } from "../../../test/receivables/fixture.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

const APP = "freeze-orders";
const REFERENCE = `0x${"ab".repeat(32)}`;
const AUTHORITY = `0x${"cd".repeat(32)}`;

/**
 * Gas of freeze orders: the register's steps (regulator path and governance execution), and what a move pays with an
 * order in force on its target (the hook asks the register) against one with nothing frozen (one storage read).
 */
export const measure: MeasureGas = async (connection) => {
  const fx = await deployReceivables(connection);
  const { accounts, ids, freezeOrders, token, certificates } = fx;
  const regulator2 = fx.outsiders[0];
  await fx.registry.connect(accounts.regulator).addAccount(ids.regulator, regulator2, AccessLevel.Transact);
  const { rootTokenId } = await confirmed(fx);
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: APP, step, gas });
  const expiry = (await fx.now()) + 30 * 86_400;
  const tokens = (account: string, amount: bigint) => ({
    kind: 2,
    asset: token.target,
    claimContract: ZeroAddress,
    id: BigInt(account),
    amount,
  });
  const certificate = { kind: 1, asset: certificates.target, claimContract: ZeroAddress, id: rootTokenId, amount: 0n };
  await token.connect(accounts.bankA).mint(accounts.supplier2, 1_000_000n);
  await token.connect(accounts.supplier2).transfer(accounts.supplier3, 1n);

  row(
    "token transfer, nothing frozen on the sender",
    await gasOf(await token.connect(accounts.supplier2).transfer(accounts.supplier3, 1_000n)),
  );
  const reg = freezeOrders.connect(accounts.regulator);
  row(
    "regulator proposes a freeze (an account's tokens, an amount)",
    await gasOf(await reg.propose(tokens(accounts.supplier2.address, 500_000n), REFERENCE, AUTHORITY, expiry)),
  );
  row("second regulator account approves: in force", await gasOf(await freezeOrders.connect(regulator2).approve(1n)));
  row(
    "token transfer of unfrozen value, an order in force on the sender",
    await gasOf(await token.connect(accounts.supplier2).transfer(accounts.supplier3, 1_000n)),
  );
  row("regulator proposes the release", await gasOf(await reg.proposeRelease(1n)));
  row(
    "second regulator account approves the release",
    await gasOf(await freezeOrders.connect(regulator2).approveRelease(1n)),
  );
  await reg.propose({ ...certificate, amount: 100_000n }, REFERENCE, AUTHORITY, expiry);
  await freezeOrders.connect(regulator2).approve(2n);
  row(
    "certificate split of unfrozen value, an order in force on it",
    await gasOf(
      await certificates
        .connect(accounts.supplier1)
        ["transferFrom(uint256,address,uint256)"](rootTokenId, accounts.supplier2, 1_000n),
    ),
  );
  row(
    "freeze by governance vote (executing the passed proposal)",
    await gasOf(
      await passProposal(
        fx,
        freezeOrders,
        freezeOrders.interface.encodeFunctionData("executeByGovernance", [
          tokens(accounts.supplier3.address, 0n),
          REFERENCE,
          AUTHORITY,
          expiry,
        ]),
      ),
    ),
  );
  await connection.networkHelpers.time.increaseTo(expiry);
  row("any member tidies up an expired order (lapse)", await gasOf(await freezeOrders.connect(accounts.bankA).lapse(2n)));
  return rows;
};
