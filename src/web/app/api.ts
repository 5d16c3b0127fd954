/**
 * Every request of the console to the query API goes through here. Reads are plain `GET`s; when the API answers 401
 * and a wallet is signed in, the client signs in once — `POST /auth/challenge { account }` → `{ message }`, the wallet
 * signs `message` (EIP-191 personal_sign), `POST /auth/login { message, signature }` → `{ token, expiresAt, member,
 * roles }` — and sends `Authorization: Bearer <token>` from then on (again after the token expires). An API without
 * authentication never answers 401, so nothing is signed there; public routes (guarantee and e-certificate
 * verification, /status, /openapi.json) work without a wallet either way.
 */

/** What signs the login challenge: the connected wallet's account. */
export interface ChallengeSigner {
  address: string;
  signMessage(message: string): Promise<string>;
}

export interface ApiSession {
  token: string;
  expiresAt: string;
  member: unknown;
  roles: unknown;
}

/** A non-2xx answer: `status` and the API's `{ error, message }` when it sent one. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | bigint | boolean | undefined>;

export interface ApiClient {
  readonly baseUrl: string;
  get<T>(path: string, query?: Query): Promise<T>;
  /** Uses `signer` to sign in when the API asks for it (undefined: sign out and forget the token). */
  setSigner(signer: ChallengeSigner | undefined): void;
  /** The current session, when the client signed in. */
  session(): ApiSession | undefined;
  /**
   * The URL of the event stream for a browser's EventSource, which cannot send Authorization: the current token goes
   * as `access_token` (the API takes it on /events/stream only). Without a session: the bare URL.
   */
  streamUrl(query?: Query): string;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export function createApiClient(options: { baseUrl: string; fetch?: Fetch; now?: () => number }): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  let signer: ChallengeSigner | undefined;
  let current: ApiSession | undefined;
  let signingIn: Promise<ApiSession> | undefined;

  const url = (path: string, query: Query = {}): string => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const text = search.toString();
    return `${baseUrl}${path}${text === "" ? "" : `?${text}`}`;
  };

  async function failure(response: Response, path: string): Promise<ApiError> {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { message?: string; error?: string };
      message = body.message ?? body.error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    return new ApiError(response.status, message, path);
  }

  async function post<T>(path: string, body: unknown): Promise<T> {
    const response = await doFetch(url(path), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await failure(response, path);
    return (await response.json()) as T;
  }

  async function signIn(by: ChallengeSigner): Promise<ApiSession> {
    const challenge = await post<{ message: string; expiresAt: string }>("/auth/challenge", { account: by.address });
    const signature = await by.signMessage(challenge.message);
    return post<ApiSession>("/auth/login", { message: challenge.message, signature });
  }

  const valid = (session: ApiSession | undefined): session is ApiSession =>
    session !== undefined && Date.parse(session.expiresAt) > now();

  async function get<T>(path: string, query?: Query): Promise<T> {
    const send = (token: string | undefined) =>
      doFetch(url(path, query), {
        headers: { accept: "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      });
    let response = await send(valid(current) ? current.token : undefined);
    if (response.status === 401 && signer !== undefined) {
      const by = signer;
      signingIn ??= signIn(by).finally(() => (signingIn = undefined));
      const session = await signingIn;
      if (signer === by) current = session;
      response = await send(session.token);
    }
    if (!response.ok) throw await failure(response, path);
    return (await response.json()) as T;
  }

  return {
    baseUrl,
    get,
    setSigner(next) {
      if (next?.address.toLowerCase() !== signer?.address.toLowerCase()) current = undefined;
      signer = next;
    },
    session: () => (valid(current) ? current : undefined),
    streamUrl: (query = {}) =>
      url("/events/stream", { ...query, access_token: valid(current) ? current.token : undefined }),
  };
}

/** A page of a list route. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a list route, following `nextCursor` (at most `maxPages` pages of 500). */
export async function getAll<T>(api: ApiClient, path: string, query: Query = {}, maxPages = 20): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await api.get<Page<T>>(path, { ...query, limit: 500, cursor });
    items.push(...answer.items);
    if (answer.nextCursor === null) break;
    cursor = answer.nextCursor;
  }
  return items;
}
