/**
 * Sign-in to a Consortia query API (its `/auth/challenge` and `/auth/login`): the API sends a one-time EIP-4361
 * message, the member's account signs it with personal_sign (EIP-191), and the API answers a short-lived bearer
 * token. Uses only `fetch`: the same code runs in Node and in a browser.
 *
 * ```ts
 * const session = await signIn({ api: "http://127.0.0.1:8080", account: wallet.address,
 *   signMessage: (message) => wallet.signMessage(message) });           // an ethers Wallet / Signer
 * await fetch(`${api}/letters-of-credit`, { headers: authorization(session) });
 * // in a browser: signMessage: (m) => ethereum.request({ method: "personal_sign", params: [m, account] })
 * ```
 */

/** What the API answers a login: the token, when it expires, the member it stands for and its roles. */
export interface ApiSession {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  member: number;
  roles: string[];
}

export interface SignInOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080`. */
  api: string;
  /** The member's account that signs. */
  account: string;
  /** personal_sign (EIP-191) of the message by `account`, as a 0x-prefixed 65-byte hex signature. */
  signMessage(message: string): Promise<string>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** The API refused a step of the sign-in (`status` 401: bad or replayed challenge or signature; 403: not in good standing). */
export class SignInError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SignInError";
  }
}

async function post<T>(doFetch: typeof fetch, url: string, body: unknown): Promise<T> {
  const response = await doFetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new SignInError(response.status, answer.message ?? `HTTP ${response.status} from ${url}`);
  return answer;
}

/** Signs in `account` to the API and returns the session (token, expiry, member, roles). */
export async function signIn(options: SignInOptions): Promise<ApiSession> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const base = options.api.replace(/\/+$/, "");
  const { message } = await post<{ message: string; expiresAt: string }>(doFetch, `${base}/auth/challenge`, {
    account: options.account,
  });
  const signature = await options.signMessage(message);
  return post<ApiSession>(doFetch, `${base}/auth/login`, { message, signature });
}

/** The request header a session's token goes in. */
export const authorization = (session: Pick<ApiSession, "token">): { authorization: string } => ({
  authorization: `Bearer ${session.token}`,
});
