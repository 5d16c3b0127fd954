import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { MemberKind, Roles } from "@consortia/sdk";
import { deployPlatform, fund } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

/** The ceiling: a permissioned transfer costs at most this much more than a plain ERC-20 transfer. */
const TRANSFER_OVERHEAD_CEILING = 10_000n;

export const measure: MeasureGas = async (connection) => {
  const { ethers } = connection;
  const platform = await deployPlatform(connection);
  await platform.finishBootstrap();
  const { registry, token, accounts, ids, outsiders } = platform;
  const rows: GasRow[] = [];
  const row = (app: string, step: string, gas: bigint, extra: Partial<GasRow> = {}) =>
    rows.push({ app, step, gas, ...extra });

  // Governance: admit a member through a 3-of-5 proposal.
  const admit = registry.interface.encodeFunctionData("admitMember", [
    MemberKind.Enterprise,
    "bench enterprise",
    keccak256(toUtf8Bytes("bench")),
    ZeroHash,
    Roles.TOKEN_HOLDER,
    outsiders[0].address,
  ]);
  const proposalId = await registry.connect(accounts.bankA).propose.staticCall(registry, admit, ZeroHash);
  row("registry", "propose (admit member)", await gasOf(await registry.connect(accounts.bankA).propose(registry, admit, ZeroHash)));
  row("registry", "approve", await gasOf(await registry.connect(accounts.bankB).approve(proposalId)));
  await registry.connect(accounts.bankC).approve(proposalId);
  row("registry", "execute (admit member)", await gasOf(await registry.connect(accounts.bankA).execute(proposalId)));

  const suspend = registry.interface.encodeFunctionData("suspendMember", [ids.supplier3]);
  const suspendId = await registry.connect(accounts.bankA).propose.staticCall(registry, suspend, ZeroHash);
  await registry.connect(accounts.bankA).propose(registry, suspend, ZeroHash);
  await registry.connect(accounts.bankB).approve(suspendId);
  await registry.connect(accounts.bankC).approve(suspendId);
  row("registry", "execute (suspend member)", await gasOf(await registry.connect(accounts.bankA).execute(suspendId)));
  row(
    "registry",
    "add operator account",
    await gasOf(await registry.connect(accounts.core).addAccount(ids.core, outsiders[1], 2)),
  );

  // Token: both sides already hold a balance, for the permissioned and the plain token alike.
  await fund(platform, accounts.core, 1_000_000n);
  await fund(platform, accounts.supplier1, 1n);
  row("token", "mint", await gasOf(await token.connect(accounts.bankA).mint(accounts.core, 1_000n)));
  const plain = await ethers.deployContract("PlainERC20");
  await plain.mint(accounts.core, 1_000_000n);
  await plain.mint(accounts.supplier1, 1n);
  const plainGas = await gasOf(await plain.connect(accounts.core).transfer(accounts.supplier1, 100n));
  const permissionedGas = await gasOf(await token.connect(accounts.core).transfer(accounts.supplier1, 100n));
  row("token", "transfer", permissionedGas, {
    target: plainGas + TRANSFER_OVERHEAD_CEILING,
    reference: { name: "OpenZeppelin ERC20 5.4 transfer", gas: plainGas },
  });
  return rows;
};
