import { createHash, timingSafeEqual } from "node:crypto";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import type { Queryable } from "../indexer/db.js";
import type { EventFeed } from "./feed.js";
import { apiMetrics } from "./metrics.js";
import { badRequest, parseRequest } from "./request.js";
import { streamEvents, streamQuery } from "./stream.js";
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
  /** Bearer token every endpoint but /health and /ready requires. */
  token?: string | undefined;
  logger?: Logger | undefined;
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
const errorSchema = z.object({ error: z.string(), message: z.string(), issues: z.array(z.unknown()).optional() });

function strict(schema: z.ZodType | undefined): z.ZodType | undefined {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}

/**
 * Stops accepting connections and waits for requests in flight, at most `timeoutMs`; then closes what is left.
 * Event streams are ended first (see the preClose hook).
 */
export async function closeApi(app: FastifyInstance, timeoutMs = 5_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const closing = app.close();
  const result = await Promise.race([closing.then(() => "closed" as const), timeout]);
  clearTimeout(timer);
  if (result === "timeout") {
    app.server.closeAllConnections();
    await closing;
  }
}

/** Builds the HTTP API (not listening yet). */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  const metrics = apiMetrics();
  const expected = options.token === undefined ? undefined : createHash("sha256").update(options.token).digest();

  app.addHook("onRequest", async (request, reply) => {
    (request as unknown as { startedAt: bigint }).startedAt = process.hrtime.bigint();
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
  });
  app.addHook("onResponse", async (request, reply) => {
    const startedAt = (request as unknown as { startedAt?: bigint }).startedAt;
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
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: "Bad Request", message: (error as Error).message });
    }
    options.logger?.error({ err: error }, "api error");
    return reply.code(500).send({ error: "Internal Server Error", message: "internal error" });
  });

  const routes = options.routes.flatMap((m) => m.routes);
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.path)) throw new Error(`duplicate API route ${route.path}`);
    seen.add(route.path);
    registerRoute(app, route, options);
  }

  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
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
  app.get("/metrics", async (_request, reply) => {
    const { contentType, body } = await metrics.render(await options.status());
    return reply.type(contentType).send(body);
  });
  const openapi = openApiDocument(routes);
  app.get("/openapi.json", async () => openapi);
  // Open event streams never end by themselves: close them when the server closes, or close() would wait forever.
  const streams = new Set<import("node:http").ServerResponse>();
  app.addHook("preClose", async () => {
    for (const raw of streams) raw.end();
  });
  app.get("/events/stream", (request, reply) => streamEvents(request, reply, options, streams));
  return app;
}

function registerRoute(app: FastifyInstance, route: ApiRoute, options: ApiOptions): void {
  const paramsSchema = strict(route.params);
  const querySchema = strict(route.query) ?? z.object({}).strict();
  const shape = querySchema instanceof z.ZodObject ? (querySchema.shape as Record<string, unknown>) : {};
  const takes = { asOf: "asOf" in shape, at: "at" in shape };
  const ctx: RouteContext = { db: options.db, status: options.status, chain: options.chain };
  app.get(route.path, async (request, reply) => {
    try {
      const query = await chainTimeQuery(request.query, takes, ctx);
      const parsed = parseRequest(request, paramsSchema, querySchema, query);
      if (!parsed.ok) return badRequest(reply, parsed.issues);
      const input = parsed.query as { at?: number };
      // `at` defaults to the chain's latest indexed time, not the server clock.
      if (takes.at && input.at === undefined) input.at = (await options.status()).indexedBlockTime;
      const answer = await route.handler({ params: parsed.params as never, query: input as never }, ctx);
      await fillTimes(options.db, answer);
      return answer;
    } catch (error) {
      if (error instanceof NotFoundError) return reply.code(404).send({ error: "Not Found", message: error.message });
      if (error instanceof BadRequestError)
        return reply.code(400).send({ error: "Bad Request", message: error.message });
      throw error;
    }
  });
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
    paths[path] = {
      get: {
        summary: route.summary,
        description: route.description,
        tags: route.tags,
        parameters,
        responses: {
          200: { description: "OK", content: { "application/json": { schema: jsonSchema(route.response, "output") } } },
          400: errorResponse("Invalid parameters"),
          ...(route.params === undefined ? {} : { 404: errorResponse("Not found") }),
          401: errorResponse("Missing or wrong bearer token (when one is configured)"),
        },
      },
    };
  }
  const text = (description: string, type = "application/json") => ({ 200: { description, content: { [type]: {} } } });
  paths["/health"] = { get: { summary: "Liveness", tags: ["ops"], responses: text("Alive") } };
  paths["/ready"] = {
    get: {
      summary: "Ready when caught up with head minus confirmations",
      tags: ["ops"],
      responses: {
        ...text("Caught up"),
        503: { description: "Not caught up, or halted on a reorg deeper than the kept hashes (`halted` says why)" },
      },
    },
  };
  paths["/metrics"] = {
    get: { summary: "Prometheus metrics", tags: ["ops"], responses: text("Metrics", "text/plain") },
  };
  paths["/events/stream"] = {
    get: {
      summary: "Server-Sent Events: newly projected events (resume with Last-Event-ID)",
      tags: ["events"],
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
  return {
    openapi: "3.1.0",
    info: {
      title: "Consortia indexer API",
      version: "1.0.0",
      description: "Projections of the Consortia contracts' events.",
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }, {}],
    paths,
  };
}
