import { expect } from "chai";
import { network } from "hardhat";
import {
  readRegistrySnapshot,
  renderBesuPermissionsToml,
  renderQuorumPermissionedNodes,
} from "../../src/deploy/permissioning.js";
import { deployPlatform, passProposal, type Platform } from "../helpers/consortium.js";

const connection = await network.create();
const { networkHelpers } = connection;

async function withNodes(): Promise<Platform> {
  const platform = await deployPlatform(connection);
  await platform.finishBootstrap();
  const { registry, accounts, ids, outsiders } = platform;
  await registry.connect(accounts.bankA).addNode("enode://a@10.0.0.1:30303");
  await registry.connect(accounts.supplier1).addNode("enode://s1@10.0.0.5:30303");
  await registry.connect(accounts.supplier2).addNode("enode://s2@10.0.0.6:30303");
  await registry.connect(accounts.bankA).addAccount(ids.bankA, outsiders[0], 1); // read-only
  await registry.connect(accounts.bankA).addAccount(ids.bankA, outsiders[1], 2); // transact
  await registry.connect(accounts.bankA).setAccount(outsiders[1], 2, 2); // then suspended by its admin
  await passProposal(platform, registry, registry.interface.encodeFunctionData("suspendMember", [ids.supplier1]));
  await passProposal(platform, registry, registry.interface.encodeFunctionData("removeMember", [ids.supplier2]));
  return platform;
}

describe("network allowlists from the registry", () => {
  it("allows accounts of active members that may transact, and nodes of members not removed", async () => {
    const { registry, accounts, outsiders } = await networkHelpers.loadFixture(withNodes);
    const snapshot = await readRegistrySnapshot(registry);
    expect(snapshot.nodes).to.deep.equal(["enode://a@10.0.0.1:30303", "enode://s1@10.0.0.5:30303"]);
    expect(snapshot.accounts).to.include(accounts.bankA.address);
    expect(snapshot.accounts).to.not.include.members([
      outsiders[0].address, // read-only
      outsiders[1].address, // suspended account
      accounts.supplier1.address, // suspended member
      accounts.supplier2.address, // removed member
    ]);
    expect(snapshot.accounts).to.have.length(9);
  });

  it("renders Besu's TOML and GoQuorum's JSON", () => {
    const snapshot = { accounts: ["0xabc"], nodes: ["enode://x@h:1"] };
    expect(renderBesuPermissionsToml(snapshot)).to.contain(
      'accounts-allowlist=["0xabc"]\nnodes-allowlist=["enode://x@h:1"]',
    );
    expect(JSON.parse(renderQuorumPermissionedNodes(snapshot))).to.deep.equal(["enode://x@h:1"]);
  });
});
