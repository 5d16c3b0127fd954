import { expect } from "chai";
import { network } from "hardhat";
import { deployPlatform, fund } from "../helpers/consortium.js";

const connection = await network.create();

describe("platform smoke", () => {
  it("seeds, ends bootstrap and moves tokens between members", async () => {
    const platform = await deployPlatform(connection);
    await platform.finishBootstrap();
    await fund(platform, platform.accounts.core, 1000n);
    await platform.token.connect(platform.accounts.core).transfer(platform.accounts.supplier1, 400n);
    expect(await platform.token.balanceOf(platform.accounts.supplier1)).to.equal(400n);
  });
});
