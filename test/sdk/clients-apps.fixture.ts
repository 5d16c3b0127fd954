import type { NetworkConnection } from "hardhat/types/network";
import { ZeroAddress, type Signer } from "ethers";
import { deployPlatform, fund, type Platform } from "../helpers/consortium.js";
import { type Consortia, createConsortia, type Deployment } from "@consortia/sdk";
import { deployUpgradeable } from "../helpers/upgradeable.js";

/** The platform plus letters of credit, guarantees and the forfaiting market, as the suite deploys them. */
export async function deployApps(connection: NetworkConnection) {
  const { ethers, networkHelpers } = connection;
  const platform: Platform = await deployPlatform(connection);
  const positions = await deployUpgradeable(ethers, "InterbankPositions", [
    platform.registry,
    platform.token,
    platform.ledger,
  ]);
  const calendar = await deployUpgradeable(ethers, "ConsortiumCalendar", [platform.registry], [8 * 3600]);
  const presentationChecks = await deployUpgradeable(ethers, "LcPresentationChecks", [
    platform.registry,
    ethers.ZeroAddress,
  ]);
  const lc = await deployUpgradeable(
    ethers,
    "LetterOfCredit",
    [platform.registry, platform.token, platform.ledger, positions, "0x434e59", presentationChecks],
    [calendar],
  );
  const guarantees = await deployUpgradeable(ethers, "BankGuarantees", [
    platform.registry,
    platform.token,
    platform.ledger,
    calendar,
    ZeroAddress,
  ]);
  const market = await deployUpgradeable(
    ethers,
    "ForfaitingMarket",
    [platform.registry, platform.token, platform.ledger, platform.freezeOrders, ZeroAddress],
    [[await lc.getAddress()]],
  );
  await platform.finishBootstrap([positions, lc, guarantees, market]);
  for (const bank of [platform.accounts.bankA, platform.accounts.bankB, platform.accounts.bankC]) {
    await fund(platform, bank, 100_000_000n);
  }
  const entry = async (contract: { getAddress(): Promise<string> }) => ({
    address: await contract.getAddress(),
    block: 0,
  });
  const deployment: Deployment = {
    chainId: Number((await ethers.provider.getNetwork()).chainId),
    deploymentBlock: 0,
    contracts: {
      ConsortiumRegistry: await entry(platform.registry),
      DepositToken: await entry(platform.token),
      PaymentLedger: await entry(platform.ledger),
      InterbankPositions: await entry(positions),
      LetterOfCredit: await entry(lc),
      LcPresentationChecks: await entry(presentationChecks),
      BankGuarantees: await entry(guarantees),
      ForfaitingMarket: await entry(market),
    },
  };
  const as = (signer: Signer): Promise<Consortia> => createConsortia({ runner: signer, deployment });
  const now = BigInt(await networkHelpers.time.latest());
  return { platform, as, now, lc, positions, guarantees, market };
}
