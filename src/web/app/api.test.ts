import { describe, expect, it } from "vitest";
import { ApiError, createApiClient, getAll } from "./api.js";

type Call = { url: string; init?: RequestInit };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const ACCOUNT = "0x00000000000000000000000000000000000000aa";

/** An API that wants a token (`secret`) on every route but /status. */
function authApi(calls: Call[]) {
  return async (url: string, init?: RequestInit): Promise<Response> => {
    calls.push({ url, init });
    const path = new URL(url).pathname;
    if (path === "/api/auth/challenge") {
      expect(JSON.parse(String(init?.body))).toEqual({ account: ACCOUNT });
      return json(200, { message: "sign me 42", expiresAt: "2999-01-01T00:00:00Z" });
    }
    if (path === "/api/auth/login") {
      const body = JSON.parse(String(init?.body)) as { message: string; signature: string };
      if (body.signature !== "signed:sign me 42") return json(401, { error: "Unauthorized", message: "bad signature" });
      return json(200, { token: "secret", expiresAt: "2999-01-01T00:00:00Z", member: { id: 4 }, roles: [] });
    }
    if (path === "/api/status") return json(200, { indexedBlock: 7 });
    const auth = new Headers(init?.headers).get("authorization");
    if (auth !== "Bearer secret") return json(401, { error: "Unauthorized", message: "sign in" });
    return json(200, { items: [{ id: 1 }], nextCursor: null });
  };
}

describe("api client", () => {
  const signer = { address: ACCOUNT, signMessage: async (message: string) => `signed:${message}` };

  it("signs in once on a 401 (challenge, personal_sign, login) and sends the bearer token after", async () => {
    const calls: Call[] = [];
    const api = createApiClient({ baseUrl: "http://x/api/", fetch: authApi(calls) });
    api.setSigner(signer);
    expect(await api.get("/members")).toEqual({ items: [{ id: 1 }], nextCursor: null });
    expect(calls.map((call) => new URL(call.url).pathname)).toEqual([
      "/api/members",
      "/api/auth/challenge",
      "/api/auth/login",
      "/api/members",
    ]);
    expect(api.session()?.token).toBe("secret");
    await api.get("/members", { limit: 5 });
    expect(calls).toHaveLength(5);
    expect(new Headers(calls[4].init?.headers).get("authorization")).toBe("Bearer secret");
  });

  it("gives the event stream's URL the token as access_token once signed in (EventSource sends no header)", async () => {
    const api = createApiClient({ baseUrl: "http://x/api", fetch: authApi([]) });
    expect(api.streamUrl()).toBe("http://x/api/events/stream");
    api.setSigner(signer);
    await api.get("/members");
    expect(api.streamUrl({ contract: "ReceivableDesk" })).toBe(
      "http://x/api/events/stream?contract=ReceivableDesk&access_token=secret",
    );
    api.setSigner(undefined);
    expect(api.streamUrl()).toBe("http://x/api/events/stream");
  });

  it("reads public routes without a wallet and without signing", async () => {
    const calls: Call[] = [];
    const api = createApiClient({ baseUrl: "http://x/api", fetch: authApi(calls) });
    expect(await api.get("/status")).toEqual({ indexedBlock: 7 });
    expect(calls).toHaveLength(1);
  });

  it("reports a 401 as an ApiError when no wallet is signed in", async () => {
    const api = createApiClient({ baseUrl: "http://x/api", fetch: authApi([]) });
    await expect(api.get("/members")).rejects.toMatchObject({ status: 401, message: "sign in" });
    await expect(api.get("/members")).rejects.toBeInstanceOf(ApiError);
  });

  it("works against an API without authentication: no challenge is ever asked for", async () => {
    const calls: Call[] = [];
    const open = async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return json(200, { items: [{ id: 2 }], nextCursor: null });
    };
    const api = createApiClient({ baseUrl: "http://x/api", fetch: open });
    api.setSigner(signer);
    expect(await getAll(api, "/members", { status: "Active" })).toEqual([{ id: 2 }]);
    expect(calls.map((call) => call.url)).toEqual(["http://x/api/members?status=Active&limit=500"]);
  });

  it("signs in again once the token expired, and forgets it on sign-out", async () => {
    const calls: Call[] = [];
    let now = Date.parse("2998-12-31T23:00:00Z");
    const fetch = async (url: string, init?: RequestInit) => {
      const response = await authApi(calls)(url, init);
      return response;
    };
    const api = createApiClient({ baseUrl: "http://x/api", fetch, now: () => now });
    api.setSigner(signer);
    await api.get("/members");
    now = Date.parse("2999-01-01T00:00:01Z");
    expect(api.session()).toBeUndefined();
    await api.get("/members");
    expect(calls.filter((call) => call.url.endsWith("/auth/login"))).toHaveLength(2);
    api.setSigner(undefined);
    await expect(api.get("/members")).rejects.toMatchObject({ status: 401 });
  });

  it("follows cursors across pages", async () => {
    const pages: Record<string, unknown> = {
      "": { items: [1, 2], nextCursor: "c1" },
      c1: { items: [3], nextCursor: null },
    };
    const api = createApiClient({
      baseUrl: "http://x",
      fetch: async (url) => json(200, pages[new URL(url).searchParams.get("cursor") ?? ""]),
    });
    expect(await getAll(api, "/receivables")).toEqual([1, 2, 3]);
  });
});
