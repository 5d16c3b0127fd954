/**
 * What sign-in keeps between requests (src/api/auth.ts): a verified token is not verified again but still expires by
 * the clock; the standing cache never answers from a standing older than the index's (a write in progress, or one
 * that ended after a read started, keeps nothing), and keeps nothing while disabled (a standby).
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { AuthError, authenticator, StandingCache, type AuthOptions } from "../../src/api/auth.js";
import type { Queryable } from "../../src/indexer/db.js";

const member = Wallet.createRandom();
const account = member.address.toLowerCase();

/** The indexed registry: one member whose status the test changes; counts the standing reads. */
function registry() {
  const state = { status: "Active", reads: 0, gate: undefined as Promise<void> | undefined };
  const db: Queryable = {
    query: async <R>(_sql: string, params?: readonly unknown[]) => {
      state.reads++;
      const status = state.status;
      await state.gate;
      return (
        params?.[0] === account
          ? [{ member_id: 7, kind: "Bank", member_status: status, roles: "0", account_status: "Active" }]
          : []
      ) as R[];
    },
  };
  return { state, db };
}

function options(clock: { t: number }, standingCache?: StandingCache): AuthOptions {
  return {
    origin: "https://api.bank.example",
    consortium: "Test",
    chainId: async () => 1337,
    secret: new Uint8Array(32).fill(1),
    now: () => clock.t,
    tokenSeconds: 900,
    standingCache,
  };
}

async function signedIn(db: Queryable, clock: { t: number }, cache?: StandingCache) {
  const auth = authenticator(db, options(clock, cache));
  const { message } = await auth.challenge(member.address);
  const { token } = await auth.login(message, (await member.signMessage(message)) as `0x${string}`);
  return { auth, token };
}

const refusal = async (p: Promise<unknown>): Promise<AuthError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(AuthError);
  return error as AuthError;
};

describe("api sign-in: what is kept between requests", () => {
  it("a token verified once still expires by the clock", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const { db } = registry();
    const { auth, token } = await signedIn(db, clock);
    expect((await auth.verify(token)).member).to.equal(7);
    clock.t += 899_000;
    expect((await auth.verify(token)).member).to.equal(7);
    clock.t += 1_000;
    expect((await refusal(auth.verify(token))).statusCode).to.equal(401);
    expect((await refusal(auth.verify(token))).message).to.match(/expired/);
  });

  it("without a cache the registry is read at every request", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const { db, state } = registry();
    const { auth, token } = await signedIn(db, clock);
    state.reads = 0;
    await auth.verify(token);
    await auth.verify(token);
    expect(state.reads).to.equal(2);
  });

  it("the standing cache is emptied by a write and keeps nothing read during one", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const { db, state } = registry();
    const cache = new StandingCache();
    const { auth, token } = await signedIn(db, clock, cache);
    state.reads = 0;
    await auth.verify(token);
    await auth.verify(token);
    expect(state.reads).to.equal(1);
    // The indexer suspends the member: from the start of its transaction every request reads the registry.
    cache.beginWrite();
    state.status = "Suspended";
    expect((await refusal(auth.verify(token))).statusCode).to.equal(403);
    expect(cache.size).to.equal(0);
    cache.endWrite();
    expect((await refusal(auth.verify(token))).statusCode).to.equal(403);
    expect(cache.size).to.equal(1);
  });

  it("a read that started before a write ended is not kept", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const { db, state } = registry();
    const cache = new StandingCache();
    const { auth, token } = await signedIn(db, clock, cache);
    let open!: () => void;
    state.gate = new Promise((resolve) => (open = resolve));
    const before = state.reads;
    const reading = auth.verify(token); // reads "Active", answer delayed
    while (state.reads === before) await new Promise((resolve) => setImmediate(resolve));
    cache.beginWrite();
    state.status = "Suspended";
    cache.endWrite();
    open();
    expect((await reading).member).to.equal(7);
    state.gate = undefined;
    expect(cache.size).to.equal(0);
    expect((await refusal(auth.verify(token))).statusCode).to.equal(403);
  });

  it("keeps nothing while disabled (a standby: another process writes)", async () => {
    const clock = { t: Date.UTC(2026, 11, 7, 9) };
    const { db, state } = registry();
    const role = { writer: true };
    const cache = new StandingCache(() => role.writer);
    const { auth, token } = await signedIn(db, clock, cache);
    await auth.verify(token);
    expect(cache.size).to.equal(1);
    role.writer = false;
    state.status = "Suspended";
    expect((await refusal(auth.verify(token))).statusCode).to.equal(403);
    expect(cache.size).to.equal(0);
  });
});
