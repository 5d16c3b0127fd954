import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";

export interface Issue {
  path: string;
  message: string;
}

export function issues(error: z.ZodError): Issue[] {
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
export function badRequest(reply: FastifyReply, found: Issue[]) {
  return reply
    .code(400)
    .send({ error: "Bad Request", message: found.map((i) => `${i.path}: ${i.message}`).join("; "), issues: found });
}

/** Validates a request's raw parameters, then its path and query schemas. */
export function parseRequest(
  request: FastifyRequest,
  paramsSchema: z.ZodType | undefined,
  querySchema: z.ZodType,
  rawQuery: unknown = request.query,
): { ok: true; params: unknown; query: unknown } | { ok: false; issues: Issue[] } {
  const raw = [...rawIssues(request.params), ...rawIssues(rawQuery)];
  if (raw.length > 0) return { ok: false, issues: raw };
  const params =
    paramsSchema === undefined ? { success: true as const, data: {} } : paramsSchema.safeParse(request.params);
  const query = querySchema.safeParse(rawQuery ?? {});
  if (params.success && query.success) return { ok: true, params: params.data, query: query.data };
  return {
    ok: false,
    issues: [...(params.success ? [] : issues(params.error)), ...(query.success ? [] : issues(query.error))],
  };
}
