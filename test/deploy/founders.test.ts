import { expect } from "chai";
import { network } from "hardhat";
import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapConsortium, foundersSchema, readFounders, type Founders } from "../../src/deploy/founders.js";
import { Roles } from "@consortia/sdk";
import { deployUpgradeable } from "../helpers/upgradeable.js";

const connection = await network.create();
const { ethers } = connection;

async function founders(): Promise<Founders> {
  const [, a, b, c] = await ethers.getSigners();
  const member = (name: string, admin: string, kind: "Bank" | "Regulator", roles: string[]) => ({
    kind,
    name,
    registrationHash: ethers.id(name),
    encryptionKey: ethers.ZeroHash,
    roles,
    admin: admin.toLowerCase(),
  });
  return foundersSchema.parse({
    threshold: 2,
    members: [
      member("A", a.address, "Bank", ["VOTER", "TOKEN_ISSUER"]),
      member("B", b.address, "Bank", ["VOTER"]),
      member("R", c.address, "Regulator", ["VOTER", "AUDITOR"]),
    ],
  });
}

describe("founders bootstrap", () => {
  it("seeds every founder with its roles and ends bootstrap, once", async () => {
    const registry = await deployUpgradeable(ethers, "ConsortiumRegistry");
    const file = await founders();
    expect(await bootstrapConsortium(registry, file)).to.deep.equal({ seeded: ["A", "B", "R"], ended: true });
    expect((await registry.member(1)).roles).to.equal(Roles.VOTER | Roles.TOKEN_ISSUER);
    expect(await registry.threshold()).to.equal(2);
    expect(await bootstrapConsortium(registry, file)).to.deep.equal({ seeded: [], ended: false });
  });

  it("resumes an interrupted bootstrap without seeding anyone twice", async () => {
    const registry = await deployUpgradeable(ethers, "ConsortiumRegistry");
    const file = await founders();
    const first = file.members[0];
    await registry.bootstrapMember(
      1,
      first.name,
      first.registrationHash,
      first.encryptionKey,
      Roles.VOTER,
      first.admin,
    );
    expect(await bootstrapConsortium(registry, file)).to.deep.equal({ seeded: ["B", "R"], ended: true });
    expect(await registry.memberCount()).to.equal(3n);
  });

  it("rejects a malformed founders file with the field that is wrong", async () => {
    const dir = await mkdtemp(join(tmpdir(), "founders-"));
    const path = join(dir, "founders.json");
    await writeFile(path, JSON.stringify({ threshold: 1, members: [{ kind: "Bank", name: "x", roles: ["ROOT"] }] }));
    const error = await readFounders(path).then(
      () => undefined,
      (reason: Error) => reason,
    );
    expect(error?.message).to.match(/invalid founders file.*roles/s);
  });

  it("reads the committed local founders file", async () => {
    const file = await readFounders("config/founders.local.json");
    expect(file.members.map((m) => m.kind)).to.deep.equal(["Bank", "Bank", "Regulator"]);
  });
});
