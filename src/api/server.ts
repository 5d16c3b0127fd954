import { createHash, timingSafeEqual } from "node:crypto";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { z } from "zod/v4";
import type { Queryable } from "../indexer/db.js";
import type { EventFeed, FeedMessage } from "./feed.js";
import { gauge, Histogram } from "./metrics.js";
import { contractName, eventName, toEventJson, type EventJson } from "./routes/events.js";
import { BadRequestError, NotFoundError, type ApiRoute, type ApiStatus, type RouteModule } from "./route.js";

export interface ApiOptions {
  db: Queryable;
  status(): Promise<ApiStatus>;
  feed: EventFeed;
  routes: readonly RouteModule[];
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

interface Issue {
  path: string;
  message: string;
}

function issues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

/**
 * What a schema would reject with a confusing message, or let through to a database that answers 500: a parameter
 * given twice (`limit=1&limit=2`), an empty value (`asOf=`, which `Number("")` reads as 0) or a NUL character
 * (PostgreSQL text cannot hold one).
 */
function rawIssues(values: unknown): Issue[] {
  if (values === null || typeof values !== "object") return [];
  const found: Issue[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (Array.isArray(value)) found.push({ path: name, message: "given more than once" });
    else if (value === "") found.push({ path: name, message: "empty value" });
    else if (typeof value === "string" && value.includes("\0"))
      found.push({ path: name, message: "contains a NUL character" });
  }
  return found;
}

/** 400 naming each parameter and what is wrong with it. */
function badRequest(reply: import("fastify").FastifyReply, found: Issue[]) {
  return reply
    .code(400)
    .send({ error: "Bad Request", message: found.map((i) => `${i.path}: ${i.message}`).join("; "), issues: found });
}

/** Validates a request's raw parameters, then its path and query schemas. */
function parseRequest(
  request: import("fastify").FastifyRequest,
  paramsSchema: z.ZodType | undefined,
  querySchema: z.ZodType,
): { ok: true; params: unknown; query: unknown } | { ok: false; issues: Issue[] } {
  const raw = [...rawIssues(request.params), ...rawIssues(request.query)];
  if (raw.length > 0) return { ok: false, issues: raw };
  const params =
    paramsSchema === undefined ? { success: true as const, data: {} } : paramsSchema.safeParse(request.params);
  const query = querySchema.safeParse(request.query ?? {});
  if (params.success && query.success) return { ok: true, params: params.data, query: query.data };
  return {
    ok: false,
    issues: [...(params.success ? [] : issues(params.error)), ...(query.success ? [] : issues(query.error))],
  };
}

const streamQuery = z.object({ contract: contractName.optional(), event: eventName.optional() }).strict();

/** Builds the HTTP API (not listening yet). */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  const latency = new Histogram(
    "consortia_api_request_duration_seconds",
    "API request latency",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
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
    latency.observe(
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
    });
  });
  app.get("/metrics", async (_request, reply) => {
    const s = await options.status();
    const body = [
      gauge("consortia_indexer_indexed_block", "Last block whose events are committed", s.indexedBlock),
      gauge("consortia_indexer_head_block", "Latest head seen on the node", s.headBlock),
      gauge("consortia_indexer_head_lag_blocks", "Head minus indexed block", Math.max(0, s.headBlock - s.indexedBlock)),
      gauge("consortia_indexer_events_total", "Events projected", s.eventsTotal, "counter"),
      gauge("consortia_indexer_events_per_second", "Events projected per second (last 10 s)", s.eventsPerSecond),
      gauge("consortia_indexer_reorgs_total", "Reorgs rolled back", s.reorgs, "counter"),
      gauge("consortia_indexer_ready", "1 when caught up with head minus confirmations", s.ready ? 1 : 0),
      latency.render(),
    ].join("\n");
    return reply.type("text/plain; version=0.0.4").send(`${body}\n`);
  });
  const openapi = openApiDocument(routes);
  app.get("/openapi.json", async () => openapi);
  app.get("/events/stream", (request, reply) => streamEvents(request, reply, options));
  return app;
}

function registerRoute(app: FastifyInstance, route: ApiRoute, options: ApiOptions): void {
  const paramsSchema = strict(route.params);
  const querySchema = strict(route.query) ?? z.object({}).strict();
  app.get(route.path, async (request, reply) => {
    const parsed = parseRequest(request, paramsSchema, querySchema);
    if (!parsed.ok) return badRequest(reply, parsed.issues);
    try {
      return await route.handler(
        { params: parsed.params as never, query: parsed.query as never },
        { db: options.db, status: options.status },
      );
    } catch (error) {
      if (error instanceof NotFoundError) return reply.code(404).send({ error: "Not Found", message: error.message });
      if (error instanceof BadRequestError)
        return reply.code(400).send({ error: "Bad Request", message: error.message });
      throw error;
    }
  });
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
      responses: { ...text("Caught up"), 503: { description: "Not caught up" } },
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

const after = (e: EventJson, last: { block: number; logIndex: number }) =>
  e.blockNumber > last.block || (e.blockNumber === last.block && e.logIndex > last.logIndex);

async function streamEvents(
  request: import("fastify").FastifyRequest,
  reply: import("fastify").FastifyReply,
  options: ApiOptions,
): Promise<void> {
  const parsed = parseRequest(request, undefined, streamQuery);
  if (!parsed.ok) return badRequest(reply, parsed.issues);
  const filter = parsed.query as z.output<typeof streamQuery>;
  const lastEventId = request.headers["last-event-id"];
  const resumeFrom =
    typeof lastEventId === "string" && /^\d+:\d+$/.test(lastEventId) ? lastEventId.split(":").map(Number) : undefined;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  raw.write("retry: 2000\n\n");
  let last = { block: -1, logIndex: -1 };
  const matches = (e: EventJson) =>
    (filter.contract === undefined || e.contract === filter.contract) &&
    (filter.event === undefined || e.event === filter.event);
  const send = (e: EventJson) => {
    if (!matches(e) || !after(e, last)) return;
    last = { block: e.blockNumber, logIndex: e.logIndex };
    raw.write(`id: ${e.id}\nevent: event\ndata: ${JSON.stringify(e)}\n\n`);
  };
  const buffered: FeedMessage[] = [];
  let replaying = resumeFrom !== undefined;
  const onMessage = (message: FeedMessage) => {
    if (replaying) return void buffered.push(message);
    if (message.type === "event") send(message.event);
    else {
      last = { block: Math.min(last.block, message.ancestor), logIndex: Number.MAX_SAFE_INTEGER };
      raw.write(`event: rollback\ndata: ${JSON.stringify({ ancestor: message.ancestor })}\n\n`);
    }
  };
  const unsubscribe = options.feed.subscribe(onMessage);
  const heartbeat = setInterval(() => raw.write(": ping\n\n"), 15_000);
  request.raw.on("close", () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  if (resumeFrom !== undefined) {
    last = { block: resumeFrom[0], logIndex: resumeFrom[1] };
    const rows = await options.db.query(
      `SELECT * FROM events WHERE (block_number, log_index) > ($1::bigint, $2::integer) ORDER BY block_number, log_index LIMIT 10000`,
      [resumeFrom[0], resumeFrom[1]],
    );
    for (const row of rows) send(toEventJson(row));
    replaying = false;
    for (const message of buffered.splice(0)) onMessage(message);
  }
}
