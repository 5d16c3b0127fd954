/**
 * Sign-in for the query API: a member's account signs a one-time EIP-4361 (Sign-In with Ethereum) message with
 * personal_sign (EIP-191); the API answers a short-lived JWT (HS256, `jose`) that later requests send as
 * `Authorization: Bearer <token>`. The signer's standing is read from the indexed registry at login and again at every
 * request, so a member or account suspended after login is refused from then on.
 *
 * Challenges are stateless: the nonce carries a random part and an HMAC (the API's key) over the account, chain,
 * issue and expiry times, so the API keeps nothing per challenge. Nobody can retire another account's challenge by
 * asking for many (a per-account cap did exactly that), and a login may reach any replica holding the same key
 * (API_AUTH_SECRET). A nonce is spent by its first successful login; the spent set lives in the process, so behind a
 * load balancer a captured message and signature could be replayed once on another replica until the challenge expires
 * (minutes): serve the API over TLS. Tokens are verified with the key alone.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { getAddress, recoverMessageAddress, type Hex } from "viem";
import { createSiweMessage, parseSiweMessage } from "viem/siwe";
import { Roles } from "@consortia/sdk";
import type { Config } from "../indexer/config.js";
import type { Queryable } from "../indexer/db.js";
import { IndexCache } from "./cache.js";
import { MEMBER_KINDS } from "../indexer/projections/platform.js";

/** How the API signs in its callers. */
export interface AuthOptions {
  /** The API's public origin, e.g. `https://api.bank-a.example` (the message's domain and URI). */
  origin: string;
  /** The consortium's name, written in the message's statement. */
  consortium: string;
  /** The chain the registry lives on (the message's Chain ID), e.g. the indexer status's. */
  chainId: () => Promise<number>;
  /** HMAC key the tokens are signed with (at least 32 bytes). */
  secret: Uint8Array;
  /** Token lifetime in seconds (default 900). */
  tokenSeconds?: number;
  /** How long a challenge may be answered, in seconds (default 300). */
  challengeSeconds?: number;
  /** The clock, in milliseconds (tests move it). */
  now?: () => number;
  /**
   * Standing kept between requests (`StandingCache`): only for a process whose own indexer is the index's one writer,
   * which tells the cache when it writes. Absent: the registry is read at every request (an API replica).
   */
  standingCache?: StandingCache | undefined;
}

/** A signed-in caller, as the registry stands now. */
export interface Caller {
  member: number;
  account: string;
  kind: string;
  roles: bigint;
  /** Regulator members and holders of the AUDITOR role read every row. */
  privileged: boolean;
}

/** Refusals the server turns into 401 (no or bad credentials) or 403 (credentials of a member not in good standing). */
export class AuthError extends Error {
  constructor(
    readonly statusCode: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

/** A random 32-byte key: tokens then die with the process (set API_AUTH_SECRET to share one key between replicas). */
export const generatedSecret = (): Uint8Array => new Uint8Array(randomBytes(32));

/** The key of API_AUTH_SECRET: 64 hex digits or at least 43 base64 characters (32 bytes). */
export function parseSecret(text: string): Uint8Array {
  const bytes = /^(0x)?[0-9a-fA-F]{64,}$/.test(text)
    ? Buffer.from(text.replace(/^0x/, ""), "hex")
    : Buffer.from(text, "base64");
  if (bytes.length < 32) throw new Error("API_AUTH_SECRET: expected at least 32 bytes (64 hex digits or base64)");
  return new Uint8Array(bytes);
}

const AUDIENCE = "consortia-query-api";
/** Verified tokens kept at most (all are dropped beyond, and verified again on their next use). */
const VERIFIED_TOKENS_MAX = 10_000;
/** Hex digits of the nonce's random part and of its HMAC tag (SIWE nonces are alphanumeric, at least 8). */
const NONCE_RANDOM_HEX = 16;
const NONCE_TAG_HEX = 32;

/** Sign-in as configured (src/indexer/config.ts): `"off"` with API_AUTH=off. */
export function authFromConfig(
  config: Pick<
    Config,
    "apiAuth" | "apiAuthSecret" | "apiOrigin" | "apiConsortium" | "apiTokenSeconds" | "apiHost" | "apiPort"
  >,
  status: () => Promise<{ chainId: number }>,
): AuthOptions | "off" {
  if (config.apiAuth === "off") return "off";
  return {
    origin: config.apiOrigin ?? `http://${config.apiHost}:${config.apiPort}`,
    consortium: config.apiConsortium,
    chainId: async () => (await status()).chainId,
    secret: config.apiAuthSecret === undefined ? generatedSecret() : parseSecret(config.apiAuthSecret),
    tokenSeconds: config.apiTokenSeconds,
  };
}

/** An account's standing: its caller when it is in good standing, else why not. */
export type Standing = { ok: true; caller: Caller } | { ok: false; reason: string };

/** The member behind an account and whether both are in good standing now (Active member, Active account). */
export async function standing(db: Queryable, account: string): Promise<Standing> {
  const [row] = await db.query<{
    member_id: number;
    kind: string;
    member_status: string;
    roles: string;
    account_status: string;
  }>(
    `SELECT m.member_id, m.kind, m.status AS member_status, m.roles::text AS roles, a.status AS account_status
       FROM accounts a JOIN members m ON m.member_id = a.member_id AND m.valid_to_block IS NULL
      WHERE a.address = $1::text AND a.valid_to_block IS NULL`,
    [account.toLowerCase()],
  );
  if (row === undefined) return { ok: false, reason: `account ${account} is not an account of a member` };
  if (row.member_status !== "Active") {
    return { ok: false, reason: `member ${row.member_id} is ${row.member_status}, not in good standing` };
  }
  if (row.account_status !== "Active") {
    return { ok: false, reason: `account ${account} is ${row.account_status}, not in good standing` };
  }
  const roles = BigInt(row.roles);
  const kind = typeof row.kind === "number" ? (MEMBER_KINDS[row.kind] ?? String(row.kind)) : String(row.kind);
  return {
    ok: true,
    caller: {
      member: Number(row.member_id),
      account: account.toLowerCase(),
      kind,
      roles,
      privileged: kind === "Regulator" || (roles & Roles.AUDITOR) !== 0n,
    },
  };
}

/**
 * The standing of signed-in accounts between requests, in a process whose own indexer is the only writer of the index
 * (see IndexCache, src/api/cache.ts): a member suspended, an account disabled or a role changed takes effect at the
 * commit that indexes it, as without the cache.
 */
export class StandingCache extends IndexCache<string, Standing> {
  read(db: Queryable, account: string): Promise<Standing> {
    return this.get(account, () => standing(db, account));
  }
}

export interface Authenticator {
  challenge(account: string): Promise<{ message: string; expiresAt: string }>;
  login(message: string, signature: Hex): Promise<{ token: string; expiresAt: string; caller: Caller }>;
  /** The caller a bearer token stands for, checked against the registry now. */
  verify(token: string): Promise<Caller>;
}

/** Challenges, logins and token checks over the indexed registry. */
export function authenticator(db: Queryable, options: AuthOptions): Authenticator {
  const now = options.now ?? Date.now;
  const tokenSeconds = options.tokenSeconds ?? 900;
  const challengeSeconds = options.challengeSeconds ?? 300;
  const url = new URL(options.origin);
  const statement = `Sign in to the ${options.consortium} query API. This signature only proves who you are; it moves nothing.`;
  /** Nonces of successful logins, until their challenge expires: a replayed login finds its nonce here. */
  const spent = new Map<string, number>();
  /**
   * Tokens whose signature, issuer and audience were verified, with their subject and expiry (unix seconds): a token
   * is an immutable signed string, so it is verified once; its expiry is still checked at every request.
   */
  const verified = new Map<string, { subject: string; exp: number }>();
  const current = (account: string): Promise<Standing> =>
    options.standingCache === undefined ? standing(db, account) : options.standingCache.read(db, account);

  /** The HMAC tag binding a nonce's random part to everything else the challenge says. */
  const tag = (random: string, account: string, chainId: number, issued: number, expires: number): string =>
    createHmac("sha256", options.secret)
      .update(`consortia-siwe-challenge\n${random}\n${account}\n${chainId}\n${issued}\n${expires}\n${url.origin}`)
      .digest("hex")
      .slice(0, NONCE_TAG_HEX);

  const message = (account: string, chainId: number, nonce: string, issued: number, expires: number): string =>
    createSiweMessage({
      domain: url.host,
      address: getAddress(account),
      statement,
      uri: url.origin,
      version: "1",
      chainId,
      nonce,
      issuedAt: new Date(issued),
      expirationTime: new Date(expires),
    });

  const prune = () => {
    const t = now();
    for (const [nonce, expires] of spent) if (expires <= t) spent.delete(nonce);
  };

  return {
    async challenge(account) {
      // Only accounts of members in good standing get a challenge (a stranger learns nothing else), and nothing is
      // kept per challenge: asking for many costs the API no memory and retires no one's challenge.
      const found = await standing(db, account);
      if (!found.ok) throw new AuthError(403, found.reason);
      const chainId = await options.chainId();
      const issued = now();
      const expires = issued + challengeSeconds * 1000;
      const random = randomBytes(NONCE_RANDOM_HEX / 2).toString("hex");
      const nonce = random + tag(random, account.toLowerCase(), chainId, issued, expires);
      return { message: message(account, chainId, nonce, issued, expires), expiresAt: new Date(expires).toISOString() };
    },

    async login(text, signature) {
      prune();
      let fields: ReturnType<typeof parseSiweMessage>;
      try {
        fields = parseSiweMessage(text);
      } catch {
        throw new AuthError(401, "unknown or already used challenge: ask POST /auth/challenge");
      }
      const { address, chainId, nonce, issuedAt, expirationTime } = fields;
      if (
        address === undefined ||
        chainId === undefined ||
        nonce === undefined ||
        issuedAt === undefined ||
        expirationTime === undefined ||
        !new RegExp(`^[0-9a-f]{${NONCE_RANDOM_HEX + NONCE_TAG_HEX}}$`).test(nonce)
      )
        throw new AuthError(401, "unknown or already used challenge: ask POST /auth/challenge");
      const account = address.toLowerCase();
      const issued = issuedAt.getTime();
      const expires = expirationTime.getTime();
      const expected = Buffer.from(tag(nonce.slice(0, NONCE_RANDOM_HEX), account, chainId, issued, expires));
      const given = Buffer.from(nonce.slice(NONCE_RANDOM_HEX));
      if (!timingSafeEqual(expected, given))
        throw new AuthError(401, "unknown challenge (not issued by this API, or altered): ask POST /auth/challenge");
      // The tag vouches for account, chain and times; the rest must read exactly as issued.
      if (text !== message(account, chainId, nonce, issued, expires))
        throw new AuthError(401, "the message is not the one the challenge issued");
      if (spent.has(nonce)) throw new AuthError(401, "already used challenge: ask POST /auth/challenge");
      if (expires <= now()) throw new AuthError(401, "the challenge expired: ask POST /auth/challenge again");
      let signer: string;
      try {
        signer = (await recoverMessageAddress({ message: text, signature })).toLowerCase();
      } catch {
        throw new AuthError(401, "the signature is not a valid personal_sign signature");
      }
      if (signer !== account) throw new AuthError(401, "the signature is not the challenged account's");
      // Single use: spent by its first good signature (a bad one spends nothing, so no one can burn another's nonce).
      if (spent.has(nonce)) throw new AuthError(401, "already used challenge: ask POST /auth/challenge");
      spent.set(nonce, expires);
      const found = await standing(db, signer);
      if (!found.ok) throw new AuthError(403, found.reason);
      const iat = Math.floor(now() / 1000);
      const exp = iat + tokenSeconds;
      const token = await new SignJWT({ member: found.caller.member })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(signer)
        .setIssuer(url.origin)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(options.secret);
      return { token, expiresAt: new Date(exp * 1000).toISOString(), caller: found.caller };
    },

    async verify(token) {
      let known = verified.get(token);
      if (known === undefined) {
        let subject: string | undefined;
        let exp: number | undefined;
        try {
          const { payload } = await jwtVerify(token, options.secret, {
            algorithms: ["HS256"],
            issuer: url.origin,
            audience: AUDIENCE,
            currentDate: new Date(now()),
          });
          subject = payload.sub;
          exp = payload.exp;
        } catch (error) {
          if (error instanceof joseErrors.JWTExpired) throw new AuthError(401, "token expired: sign in again");
          throw new AuthError(401, "invalid token (not signed by this API, altered or malformed)");
        }
        if (subject === undefined || !/^0x[0-9a-f]{40}$/.test(subject))
          throw new AuthError(401, "invalid token subject");
        // Our tokens always carry an expiry; one without is verified at every request (never kept).
        if (exp !== undefined) {
          if (verified.size >= VERIFIED_TOKENS_MAX) verified.clear();
          verified.set(token, { subject, exp });
        }
        known = { subject, exp: exp ?? Number.POSITIVE_INFINITY };
      } else if (known.exp <= Math.floor(now() / 1000)) {
        // The rule jose applies (exp <= now, no tolerance), for a token verified before.
        verified.delete(token);
        throw new AuthError(401, "token expired: sign in again");
      }
      const found = await current(known.subject);
      if (!found.ok) throw new AuthError(403, found.reason);
      return found.caller;
    },
  };
}
