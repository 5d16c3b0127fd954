/**
 * The sign-in challenge without a chain: stateless HMAC nonces (any replica with the key accepts a login, another key
 * does not), expiry by the clock, single use including two logins racing with one signature.
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { AuthError, authenticator, type AuthOptions } from "../../src/api/auth.js";
import type { Queryable } from "../../src/indexer/db.js";

const member = Wallet.createRandom();
/** The indexed registry, reduced to one active member with one active account. */
const registry: Queryable = {
  query: async <R>(_sql: string, params?: readonly unknown[]) =>
    (params?.[0] === member.address.toLowerCase()
      ? [{ member_id: 7, kind: "Bank", member_status: "Active", roles: "0", account_status: "Active" }]
      : []) as R[],
};

function options(secret: number, clock: { t: number }): AuthOptions {
  return {
    origin: "https://api.bank.example",
    consortium: "Test",
    chainId: async () => 1337,
    secret: new Uint8Array(32).fill(secret),
    now: () => clock.t,
  };
}

const refusal = async (p: Promise<unknown>): Promise<AuthError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(AuthError);
  return error as AuthError;
};

describe("api sign-in challenges (stateless)", () => {
  it("a login reaches another replica with the same key, and no replica with another key", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const first = authenticator(registry, options(1, clock));
    const replica = authenticator(registry, options(1, clock));
    const foreign = authenticator(registry, options(2, clock));
    const { message } = await first.challenge(member.address);
    const signature = (await member.signMessage(message)) as `0x${string}`;
    expect((await refusal(foreign.login(message, signature))).message).to.match(/not issued by this API/);
    const session = await replica.login(message, signature);
    expect(session.caller.member).to.equal(7);
    expect((await first.verify(session.token)).account).to.equal(member.address.toLowerCase());
  });

  it("expires by the clock and refuses a replay on the same process", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const auth = authenticator(registry, options(1, clock));
    const late = await auth.challenge(member.address);
    const lateSignature = (await member.signMessage(late.message)) as `0x${string}`;
    clock.t += 300_000;
    expect((await refusal(auth.login(late.message, lateSignature))).message).to.match(/expired/);
    const fresh = await auth.challenge(member.address);
    const signature = (await member.signMessage(fresh.message)) as `0x${string}`;
    await auth.login(fresh.message, signature);
    expect((await refusal(auth.login(fresh.message, signature))).message).to.match(/already used/);
  });

  it("two logins racing with one signature: exactly one gets a token", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const auth = authenticator(registry, options(1, clock));
    const { message } = await auth.challenge(member.address);
    const signature = (await member.signMessage(message)) as `0x${string}`;
    const results = await Promise.allSettled([auth.login(message, signature), auth.login(message, signature)]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
  });

  it("refuses text that is no SIWE message, and gives strangers no challenge", async () => {
    const auth = authenticator(registry, options(1, { t: Date.now() }));
    expect((await refusal(auth.login("hello", "0x00"))).statusCode).to.equal(401);
    expect((await refusal(auth.challenge(Wallet.createRandom().address))).statusCode).to.equal(403);
  });
});
