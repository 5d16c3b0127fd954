import { expect } from "chai";
import { network } from "hardhat";
import ReceivablesModule from "../../ignition/modules/Receivables.js";

const connection = await network.create();

describe("Receivables ignition module", () => {
  it("deploys the certificate and the desk, binds the desk as sole minter and registers it as a system contract", async () => {
    const { certificates, desk } = await connection.ignition.deploy(ReceivablesModule);

    const registry = await connection.ethers.getContractAt("ConsortiumRegistry", await desk.registry());
    expect(await certificates.desk()).to.equal(await desk.getAddress());
    expect(await desk.certificates()).to.equal(await certificates.getAddress());
    expect(await certificates.valueDecimals()).to.equal(2n);
    expect(await registry.isSystemContract(await desk.getAddress())).to.equal(true);
    // The certificate enforces the receivable-financing policies of the network's attestations contract.
    const attestations = await connection.ethers.getContractAt(
      "AuthorityAttestations",
      await certificates.attestations(),
    );
    expect(await attestations.registry()).to.equal(await registry.getAddress());
    expect(await attestations.REQUIRABLE_KINDS()).to.not.equal(0n);
  });
});
