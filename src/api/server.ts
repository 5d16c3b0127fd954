import { createHash, timingSafeEqual } from "node:crypto";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import type { Queryable } from "../indexer/db.js";
import { AccessChainMemo } from "../indexer/projections/data-sharing.js";
import type { ChainTrail, TrailCache } from "../indexer/verify/data-sharing.js";
import type { EventFeed } from "./feed.js";
import { toCsv } from "./csv.js";
import { publicAccess, rowCheck, type Access, type Viewer } from "./access.js";
import { AuthError, authenticator, type AuthOptions, type Authenticator, type Caller } from "./auth.js";
import type { IndexCache } from "./cache.js";
import { apiMetrics } from "./metrics.js";
import { badRequest, issues, parseRequest } from "./request.js";
import { roleNames } from "./routes/platform.js";
import { STREAM_ACCESS, streamEvents, streamQuery } from "./stream.js";
import {
  BadRequestError,
  fillTimes,
  isoDate,
  NotFoundError,
  resolveAsOfDate,
  type ApiRoute,
  type ApiStatus,
  type ChainReader,
  type RouteContext,
  type RouteModule,
} from "./route.js";

export interface ApiOptions {
  db: Queryable;
  status(): Promise<ApiStatus>;
  feed: EventFeed;
  routes: readonly RouteModule[];
  /** The node routes read contract views from (the access trail's verification); absent: they say so. */
  chain?: ChainReader | undefined;
  /**
   * Sign-in (src/api/auth.ts): callers present a member's token and each reads what its member may see; `"off"`
   * serves every row to anyone who reaches the API (local development only; see README "Who may read what").
   */
  auth: AuthOptions | "off";
  /** With `auth: "off"` only: a shared bearer token every endpoint but /health and /ready requires. */
  token?: string | undefined;
  logger?: Logger | undefined;
  /** Block times kept between requests (only where this process's indexer is the only writer: src/api/cache.ts). */
  blockTimes?: IndexCache<number, number> | undefined;
  /**
   * The contract's side of access trails kept between requests (as `blockTimes`: only where this process's indexer is
   * the only writer). Replayed heads are kept in any case (pure: AccessChainMemo).
   */
  trailViews?: IndexCache<string, ChainTrail> | undefined;
  /** Access-log entries whose replayed heads are kept, over all datasets (default `ACCESS_CHAIN_MEMO_ENTRIES`). */
  trailMemoEntries?: number | undefined;
}

/** Files in src/api/routes/ whose default export is a RouteModule; `_`-prefixed files are skipped. */
export async function loadRoutes(directory = new URL("./routes/", import.meta.url)): Promise<RouteModule[]> {
  const files = (await readdir(fileURLToPath(directory)))
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts") && !f.startsWith("_"))
    .sort();
  const modules: RouteModule[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, directory).href)) as { default?: RouteModule };
    if (module.default === undefined) throw new Error(`routes file ${file} has no default export`);
    modules.push(module.default);
  }
  return modules;
}

const OPEN_PATHS = new Set(["/health", "/ready"]);
/** What the onRequest hook learnt about the caller. */
interface Asked {
  startedAt?: bigint;
  caller?: Caller;
}
const asked = (request: FastifyRequest) => request as unknown as Asked;

/** Who reads a request's rows: undefined for everyone when sign-in is off or the caller is privileged. */
export function viewerOf(request: FastifyRequest): Viewer | undefined {
  const caller = asked(request).caller;
  return caller === undefined || caller.privileged ? undefined : { member: caller.member };
}

/** The one route that also takes its token as `?access_token=` (RFC 6750 §2.3): a browser's EventSource sends no header. */
export const TOKEN_PARAM_ROUTE = "/events/stream";

/**
 * The caller's sign-in token: `Authorization: Bearer <token>`, or on the event stream alone the `access_token` query
 * parameter (the header wins when both are given). Nothing in the API logs a request's URL; keep it so.
 */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? "";
  if (header.startsWith("Bearer ")) return header.slice(7).trim();
  if (request.routeOptions.url !== TOKEN_PARAM_ROUTE) return undefined;
  const param = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof param === "string" && param.length > 0 ? param : undefined;
}

const routeAccess = (request: FastifyRequest): Access | undefined =>
  (request.routeOptions.config as { access?: Access } | undefined)?.access;

const challengeBody = z
  .object({ account: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address") })
  .strict();
const loginBody = z
  .object({
    message: z.string().min(1).max(4096),
    signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte hex signature"),
  })
  .strict();
const errorSchema = z.object({ error: z.string(), message: z.string(), issues: z.array(z.unknown()).optional() });

function strict(schema: z.ZodType | undefined): z.ZodType | undefined {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

/** What a request's handler meets once closing the API gave up waiting for it: it answers 503, not the database. */
export class ShuttingDownError extends Error {
  readonly statusCode = 503;
  constructor() {
    super("the API is shutting down");
  }
}

/**
 * The work of requests in flight (hooks and handlers): what closing the API waits for before whoever started it
 * closes the database. Once `closed`, work that starts, and every query and status read it makes, fails with
 * ShuttingDownError: nothing reaches a database that may be closed.
 */
class InFlight {
  private active = 0;
  private waiting: (() => void)[] = [];
  closed = false;

  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) throw new ShuttingDownError();
    this.active++;
    try {
      return await fn();
    } finally {
      if (--this.active === 0) for (const resolve of this.waiting.splice(0)) resolve();
    }
  }

  /** Resolves when no work is running. */
  settled(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The database as requests see it: refused once closed. */
  gate(db: Queryable): Queryable {
    const gated: Queryable = {
      query: (sql, params, options) =>
        this.closed ? Promise.reject(new ShuttingDownError()) : db.query(sql, params, options),
    };
    if (db.exec !== undefined) {
      const exec = db.exec.bind(db);
      gated.exec = (sql) => (this.closed ? Promise.reject(new ShuttingDownError()) : exec(sql));
    }
    return gated;
  }
}

const inFlight = new WeakMap<FastifyInstance, InFlight>();

/**
 * Stops accepting connections (new requests on open ones answer 503), ends the event streams (the preClose hook) and
 * waits, at most `timeoutMs`, for the connections to close and for every request's work to finish, including that of
 * requests whose clients have gone; then closes what is left, and work still running meets ShuttingDownError (503)
 * instead of the database. The caller may close the database once this resolves.
 */
export async function closeApi(app: FastifyInstance, timeoutMs = 5_000): Promise<void> {
  const work = inFlight.get(app);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const closing = app.close();
  // A connection kept alive after its answer would hold close() until its keep-alive timeout: closed once idle.
  const idle = setInterval(() => app.server.closeIdleConnections(), 25);
  const settled = work?.settled() ?? Promise.resolve();
  const result = await Promise.race([Promise.all([closing, settled]).then(() => "closed" as const), timeout]);
  clearTimeout(timer);
  clearInterval(idle);
  if (work !== undefined) work.closed = true;
  if (result === "timeout") {
    app.server.closeAllConnections();
    await closing;
  }
}

/** Builds the HTTP API (not listening yet). */
export async function buildApi(given: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  const work = new InFlight();
  inFlight.set(app, work);
  // Requests reach the database and the status only through the gate: closed once closeApi stops waiting for them.
  const options: ApiOptions = {
    ...given,
    db: work.gate(given.db),
    status: () => (work.closed ? Promise.reject(new ShuttingDownError()) : given.status()),
  };
  // Every handler's work is counted (closeApi waits for it), and a handler that starts after closing answers 503.
  app.addHook("onRoute", (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      return work.run(() => handler.call(this, request, reply));
    };
  });
  const metrics = apiMetrics();
  if (options.auth !== "off" && options.token !== undefined) {
    throw new Error("API_TOKEN is for API_AUTH=off: with sign-in on, callers present their member's token");
  }
  const expected = options.token === undefined ? undefined : createHash("sha256").update(options.token).digest();
  const auth: Authenticator | undefined = options.auth === "off" ? undefined : authenticator(options.db, options.auth);
  const unauthorized = (reply: FastifyReply, status: 401 | 403, message: string) =>
    reply
      .code(status)
      .header("www-authenticate", `Bearer realm="consortia"${status === 401 ? ', error="invalid_token"' : ""}`)
      .send({ error: status === 401 ? "Unauthorized" : "Forbidden", message });

  app.addHook("onRequest", (request, reply) => work.run(() => checkCaller(request, reply)));
  const checkCaller = async (request: FastifyRequest, reply: FastifyReply) => {
    asked(request).startedAt = process.hrtime.bigint();
    if (auth !== undefined) {
      const access = routeAccess(request);
      if (access === undefined || access.kind === "public") return;
      const token = bearerOf(request);
      if (token === undefined) {
        return unauthorized(
          reply,
          401,
          "sign in first: POST /auth/challenge, then /auth/login; send Authorization: Bearer <token>",
        );
      }
      try {
        asked(request).caller = await auth.verify(token);
      } catch (error) {
        if (error instanceof AuthError) return unauthorized(reply, error.statusCode, error.message);
        throw error;
      }
      if (access.kind === "supervisors" && !asked(request).caller!.privileged) {
        return reply.code(403).send({
          error: "Forbidden",
          message: `${request.url.split("?")[0]}: supervisory reports are for the regulator and auditors only`,
        });
      }
      return;
    }
    if (expected === undefined || OPEN_PATHS.has(request.url.split("?")[0])) return;
    const header = request.headers.authorization ?? "";
    const given = createHash("sha256")
      .update(header.startsWith("Bearer ") ? header.slice(7) : "")
      .digest();
    if (!timingSafeEqual(given, expected)) {
      return reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="consortia"')
        .send({ error: "Unauthorized", message: "missing or wrong bearer token" });
    }
  };
  app.addHook("onResponse", async (request, reply) => {
    const startedAt = asked(request).startedAt;
    if (startedAt === undefined) return;
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    metrics.observe(
      { route: request.routeOptions.url ?? "unmatched", method: request.method, status: String(reply.statusCode) },
      seconds,
    );
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: "Not Found", message: `no route ${request.method} ${request.url.split("?")[0]}` });
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ShuttingDownError)
      return reply
        .code(503)
        .header("connection", "close")
        .send({ error: "Service Unavailable", message: error.message });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: "Bad Request", message: (error as Error).message });
    }
    options.logger?.error({ err: error }, "api error");
    return reply.code(500).send({ error: "Internal Server Error", message: "internal error" });
  });

  const routes = options.routes.flatMap((m) => m.routes);
  const seen = new Set<string>();
  const trails: TrailCache = { replays: new AccessChainMemo(options.trailMemoEntries), chain: options.trailViews };
  for (const route of routes) {
    if (seen.has(route.path)) throw new Error(`duplicate API route ${route.path}`);
    seen.add(route.path);
    registerRoute(app, route, options, trails);
  }

  const open = { config: { access: publicAccess } };
  app.get("/health", open, async () => ({ status: "ok" }));
  app.get("/ready", open, async (_request, reply) => {
    const status = await options.status();
    return reply.code(status.ready ? 200 : 503).send({
      ready: status.ready,
      indexedBlock: status.indexedBlock,
      headBlock: status.headBlock,
      confirmations: status.confirmations,
      role: status.role ?? "writer",
      ...(status.halted === undefined ? {} : { halted: status.halted }),
    });
  });
  app.get("/metrics", open, async (_request, reply) => {
    const { contentType, body } = await metrics.render(await options.status());
    return reply.type(contentType).send(body);
  });
  const openapi = openApiDocument(routes);
  app.get("/openapi.json", open, async () => openapi);
  app.post("/auth/challenge", open, async (request, reply) => {
    if (auth === undefined)
      return reply.code(404).send({ error: "Not Found", message: "sign-in is off (API_AUTH=off)" });
    const body = challengeBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, issues(body.error));
    try {
      return await auth.challenge(body.data.account);
    } catch (error) {
      if (error instanceof AuthError) return unauthorized(reply, error.statusCode, error.message);
      throw error;
    }
  });
  app.post("/auth/login", open, async (request, reply) => {
    if (auth === undefined)
      return reply.code(404).send({ error: "Not Found", message: "sign-in is off (API_AUTH=off)" });
    const body = loginBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, issues(body.error));
    try {
      const { token, expiresAt, caller } = await auth.login(body.data.message, body.data.signature as `0x${string}`);
      return { token, expiresAt, member: caller.member, roles: roleNames(caller.roles) };
    } catch (error) {
      if (error instanceof AuthError) return unauthorized(reply, error.statusCode, error.message);
      throw error;
    }
  });
  // Open event streams never end by themselves: close them when the server closes, or close() would wait forever.
  // A stream still being set up then answers 503 (src/api/stream.ts).
  const streams = new Set<import("node:http").ServerResponse>();
  const closing = new AbortController();
  app.addHook("preClose", async () => {
    closing.abort();
    for (const raw of streams) raw.end();
  });
  app.get("/events/stream", { config: { access: STREAM_ACCESS } }, (request, reply) =>
    streamEvents(
      request,
      reply,
      {
        db: options.db,
        feed: options.feed,
        viewer: viewerOf(request),
        authenticator: auth,
        bearer: bearerOf(request),
        closing: closing.signal,
      },
      streams,
    ),
  );
  return app;
}

function registerRoute(app: FastifyInstance, route: ApiRoute, options: ApiOptions, trails: TrailCache): void {
  const paramsSchema = strict(route.params);
  const querySchema = strict(route.query) ?? z.object({}).strict();
  const shape = querySchema instanceof z.ZodObject ? (querySchema.shape as Record<string, unknown>) : {};
  const takes = { asOf: "asOf" in shape, at: "at" in shape };
  const base: RouteContext = { db: options.db, status: options.status, chain: options.chain, trails };
  const access = route.access;
  app.get(route.path, { config: { access } }, async (request, reply) => {
    try {
      const ctx: RouteContext = { ...base, viewer: viewerOf(request) };
      const query = await chainTimeQuery(request.query, takes, ctx);
      const parsed = parseRequest(request, paramsSchema, querySchema, query);
      if (!parsed.ok) return badRequest(reply, parsed.issues);
      if (access.kind === "row" && ctx.viewer !== undefined) {
        // Missing and not visible answer alike: a member learns nothing of rows it is no party to.
        const check = rowCheck(access, parsed.params as Record<string, unknown>, ctx.viewer.member);
        if ((await options.db.query(check.sql, check.params)).length === 0) {
          return reply.code(404).send({
            error: "Not Found",
            message: `${request.url.split("?")[0]}: not found among what member ${ctx.viewer.member} may read`,
          });
        }
      }
      const input = parsed.query as { at?: number };
      // `at` defaults to the chain's latest indexed time, not the server clock.
      if (takes.at && input.at === undefined) input.at = (await options.status()).indexedBlockTime;
      const answer = await route.handler({ params: parsed.params as never, query: input as never }, ctx);
      await fillTimes(options.db, answer, options.blockTimes);
      if (route.csv !== undefined && wantsCsv(request, input as { format?: string })) {
        const table = route.csv(answer as never, input as never);
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="${table.filename}"`)
          .send(toCsv(table.columns, table.rows));
      }
      return answer;
    } catch (error) {
      if (error instanceof NotFoundError) return reply.code(404).send({ error: "Not Found", message: error.message });
      if (error instanceof BadRequestError)
        return reply.code(400).send({ error: "Bad Request", message: error.message });
      throw error;
    }
  });
}

/** `?format=csv`, or `Accept: text/csv` without `?format=json`. */
function wantsCsv(request: FastifyRequest, query: { format?: string }): boolean {
  if (query.format !== undefined) return query.format === "csv";
  return /(^|,)\s*text\/csv\b/i.test(request.headers.accept ?? "");
}

/**
 * The raw query with an `asOf` date replaced by the block it stands for (`resolveAsOfDate`), so that handlers only
 * see block numbers. Anything else is left for the schema to judge.
 */
async function chainTimeQuery(raw: unknown, takes: { asOf: boolean }, ctx: RouteContext): Promise<unknown> {
  const query = (raw ?? {}) as Record<string, unknown>;
  if (!takes.asOf || typeof query.asOf !== "string" || /^[0-9]*$/.test(query.asOf)) return raw;
  const date = isoDate.safeParse(query.asOf);
  if (!date.success) return raw;
  return { ...query, asOf: String(await resolveAsOfDate(ctx, date.data)) };
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** What each access kind means, in the OpenAPI document. */
const ACCESS_TEXT: Record<Access["kind"], string> = {
  public: "Access: public (no sign-in).",
  members: "Access: any signed-in member in good standing.",
  supervisors: "Access: the regulator and AUDITOR role holders only; any other member gets 403.",
  rows: "Access: signed-in members; a member sees only the rows it is a party to, the regulator and auditors see all.",
  row: "Access: signed-in members that are a party to the resource, the regulator and auditors; others get 404.",
};

const UNAUTHORIZED = (errorResponse: (description: string) => unknown) => ({
  401: errorResponse("Not signed in, or the token is expired or not this API's"),
  403: errorResponse("The token's account or member is not in good standing (suspended since sign-in)"),
});

/** OpenAPI 3.1 generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: readonly ApiRoute[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: jsonSchema(errorSchema, "output") } },
  });
  for (const route of routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ["path", route.params],
      ["query", route.query],
    ] as const) {
      if (schema === undefined) continue;
      const json = jsonSchema(schema, "input") as {
        properties?: Record<string, Record<string, unknown>>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(json.properties ?? {})) {
        const { description, ...rest } = property;
        parameters.push({
          name,
          in: where,
          required: where === "path" || (json.required ?? []).includes(name),
          description,
          schema: rest,
        });
      }
    }
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const open = route.access.kind === "public";
    paths[path] = {
      get: {
        summary: route.summary,
        description: [route.description, ACCESS_TEXT[route.access.kind]].filter(Boolean).join("\n\n"),
        tags: route.tags,
        security: open ? [] : [{ bearer: [] }],
        "x-consortia-access": route.access.kind,
        parameters,
        responses: {
          200: {
            description: "OK",
            content: {
              "application/json": { schema: jsonSchema(route.response, "output") },
              ...(route.csv === undefined ? {} : { "text/csv": { schema: { type: "string" } } }),
            },
          },
          400: errorResponse("Invalid parameters"),
          ...(route.params === undefined && route.access.kind !== "row"
            ? {}
            : { 404: errorResponse("Not found, or not visible to the caller's member (the two answer alike)") }),
          ...(open ? {} : UNAUTHORIZED(errorResponse)),
        },
      },
    };
  }
  const text = (description: string, type = "application/json") => ({ 200: { description, content: { [type]: {} } } });
  const publicOp = { security: [], "x-consortia-access": "public" };
  paths["/health"] = { get: { summary: "Liveness", tags: ["ops"], ...publicOp, responses: text("Alive") } };
  paths["/ready"] = {
    get: {
      summary: "Ready when caught up with head minus confirmations",
      tags: ["ops"],
      ...publicOp,
      responses: {
        ...text("Caught up"),
        503: { description: "Not caught up, or halted on a reorg deeper than the kept hashes (`halted` says why)" },
      },
    },
  };
  paths["/metrics"] = {
    get: { summary: "Prometheus metrics", tags: ["ops"], ...publicOp, responses: text("Metrics", "text/plain") },
  };
  paths["/events/stream"] = {
    get: {
      summary: "Server-Sent Events: newly projected events (resume with Last-Event-ID)",
      description: `${ACCESS_TEXT.rows} As /events; an open stream ends (an \`error\` message) when the caller's token expires or its member is no longer in good standing.`,
      tags: ["events"],
      security: [{ bearer: [] }],
      "x-consortia-access": "rows",
      parameters: Object.entries(
        (jsonSchema(streamQuery, "input") as { properties: Record<string, unknown> }).properties,
      ).map(([name, schema]) => ({
        name,
        in: "query",
        required: false,
        schema,
      })),
      responses: text(
        "text/event-stream of `event` (data: Event JSON) and `rollback` (data: {ancestor}) messages",
        "text/event-stream",
      ),
    },
  };
  paths["/openapi.json"] = {
    get: { summary: "This document", tags: ["ops"], ...publicOp, responses: text("OpenAPI 3.1") },
  };
  const json = (schema: z.ZodType) => ({ "application/json": { schema: jsonSchema(schema, "input") } });
  paths["/auth/challenge"] = {
    post: {
      summary: "Sign-in, step 1: a one-time EIP-4361 message for the account to sign (personal_sign)",
      tags: ["auth"],
      ...publicOp,
      requestBody: { required: true, content: json(challengeBody) },
      responses: {
        200: {
          description: "The message (nonce, API origin, consortium, chain id, expiry) and when it expires",
          content: json(z.object({ message: z.string(), expiresAt: z.string() })),
        },
        400: errorResponse("Not an address"),
        403: errorResponse("Not an account of a member in good standing"),
      },
    },
  };
  paths["/auth/login"] = {
    post: {
      summary: "Sign-in, step 2: the signed message for a short-lived bearer token",
      tags: ["auth"],
      ...publicOp,
      requestBody: { required: true, content: json(loginBody) },
      responses: {
        200: {
          description: "The token (send `Authorization: Bearer <token>`), its expiry, the member and its roles",
          content: json(
            z.object({
              token: z.string(),
              expiresAt: z.string(),
              member: z.number().int(),
              roles: z.array(z.string()),
            }),
          ),
        },
        400: errorResponse("Malformed body"),
        401: errorResponse("Unknown, expired or already used challenge; a signature that is not the account's"),
        403: errorResponse("The account or its member is not in good standing"),
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Consortia indexer API",
      version: "1.0.0",
      description:
        "Projections of the Consortia contracts' events. Callers sign in with a member account (POST /auth/challenge, " +
        "sign the message with personal_sign, POST /auth/login) and send the token as a bearer token; each route's " +
        "`x-consortia-access` says who reads what. With API_AUTH=off every caller reads everything.",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A member's sign-in token from POST /auth/login (HS256, short-lived)",
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
