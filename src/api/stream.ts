import type { ServerResponse } from "node:http";
import type { Writable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { FeedMessage } from "./feed.js";
import { badRequest, parseRequest } from "./request.js";
import { contractName, eventName, toEventJson, type EventJson } from "./routes/events.js";
import type { ApiOptions } from "./server.js";
import { eventVisibleTo, rows, eventVisible, type Access, type Viewer } from "./access.js";
import type { Authenticator } from "./auth.js";

/** The stream shows a member the events `/events` shows it (src/api/access.ts `eventVisible`). */
export const STREAM_ACCESS: Access = rows(eventVisible("e"));

/** How often an open stream checks that its caller's token is still valid and its member in good standing. */
const STREAM_RECHECK_MS = 15_000;

export interface StreamOptions extends Pick<ApiOptions, "db" | "feed"> {
  /** Who reads the stream (undefined: everything). */
  viewer?: Viewer | undefined;
  /** With sign-in on: checks the caller's token again while the stream is open. */
  authenticator?: Authenticator | undefined;
  bearer?: string | undefined;
  /** Aborted when the API closes: a stream not yet open answers 503 instead of holding the server open. */
  closing?: AbortSignal | undefined;
}

/** `GET /events/stream`: Server-Sent Events of newly projected events, resumable with Last-Event-ID. */

export const streamQuery = z
  .object({
    contract: contractName.optional(),
    event: eventName.optional(),
    access_token: z
      .string()
      .optional()
      .describe(
        "The sign-in token, for a browser's EventSource (which cannot send Authorization): this route only; " +
          "prefer the header where you can",
      ),
  })
  .strict();

const after = (e: EventJson, last: { block: number; logIndex: number }) =>
  e.blockNumber > last.block || (e.blockNumber === last.block && e.logIndex > last.logIndex);

/** Bytes a slow SSE client may have queued before it is dropped (it resumes with Last-Event-ID). */
const SSE_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Events replayed after Last-Event-ID per database read. */
const SSE_REPLAY_PAGE = 1_000;

/**
 * One SSE response that honours the socket's backpressure: while the kernel buffer is full, messages queue; a
 * client that falls more than SSE_MAX_QUEUED_BYTES behind is disconnected rather than grow the server's memory.
 */
export function sseWriter(raw: Writable) {
  const queue: string[] = [];
  let queued = 0;
  let waiting = false;
  const flush = () => {
    waiting = false;
    while (queue.length > 0) {
      const chunk = queue.shift()!;
      queued -= Buffer.byteLength(chunk);
      if (!raw.write(chunk)) {
        waiting = true;
        raw.once("drain", flush);
        return;
      }
    }
  };
  return {
    write(chunk: string): void {
      if (raw.destroyed || raw.writableEnded) return;
      if (!waiting) {
        if (!raw.write(chunk)) {
          waiting = true;
          raw.once("drain", flush);
        }
        return;
      }
      queue.push(chunk);
      queued += Buffer.byteLength(chunk);
      if (queued > SSE_MAX_QUEUED_BYTES) raw.destroy();
    },
    /** Resolves when everything written so far has left for the socket (or the socket is gone). */
    async drained(): Promise<void> {
      while (waiting && !raw.destroyed)
        await new Promise((resolve) => raw.once("drain", resolve).once("close", resolve));
    },
  };
}

export async function streamEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  options: StreamOptions,
  streams: Set<ServerResponse>,
): Promise<void> {
  const parsed = parseRequest(request, undefined, streamQuery);
  if (!parsed.ok) return badRequest(reply, parsed.issues);
  const filter = parsed.query as z.output<typeof streamQuery>;
  const lastEventId = request.headers["last-event-id"];
  const resumeFrom =
    typeof lastEventId === "string" && /^\d{1,15}:\d{1,9}$/.test(lastEventId)
      ? lastEventId.split(":").map(Number)
      : undefined;
  const viewer = options.viewer;
  const accounts = new Set<string>();
  if (viewer !== undefined) {
    const found = await options.db.query<{ address: string }>(
      `SELECT DISTINCT address FROM accounts WHERE member_id = $1::bigint`,
      [viewer.member],
    );
    for (const a of found) accounts.add(a.address.toLowerCase());
  }
  if (options.closing?.aborted) {
    return reply
      .code(503)
      .header("connection", "close")
      .send({ error: "Service Unavailable", message: "the API is shutting down" });
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  const out = sseWriter(raw);
  out.write("retry: 2000\n\n");
  let last = { block: -1, logIndex: -1 };
  const matches = (e: EventJson) =>
    (filter.contract === undefined || e.contract === filter.contract) &&
    (filter.event === undefined || e.event === filter.event) &&
    (viewer === undefined || eventVisibleTo(e, viewer.member, accounts));
  const send = (e: EventJson) => {
    if (!matches(e) || !after(e, last)) return;
    last = { block: e.blockNumber, logIndex: e.logIndex };
    out.write(`id: ${e.id}\nevent: event\ndata: ${JSON.stringify(e)}\n\n`);
  };
  const buffered: FeedMessage[] = [];
  let replaying = resumeFrom !== undefined;
  const onMessage = (message: FeedMessage) => {
    if (replaying) return void buffered.push(message);
    if (message.type === "event") send(message.event);
    else {
      last = { block: Math.min(last.block, message.ancestor), logIndex: Number.MAX_SAFE_INTEGER };
      out.write(`event: rollback\ndata: ${JSON.stringify({ ancestor: message.ancestor })}\n\n`);
    }
  };
  const unsubscribe = options.feed.subscribe(onMessage);
  const heartbeat = setInterval(() => out.write(": ping\n\n"), 15_000);
  // A member suspended (or a token expired) while the stream is open is cut off: the stream ends with an `error`
  // message; the client signs in again and resumes with Last-Event-ID.
  const { authenticator: auth, bearer } = options;
  const recheck =
    auth === undefined || bearer === undefined
      ? undefined
      : setInterval(() => {
          auth.verify(bearer).catch((error: unknown) => {
            out.write(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
            raw.end();
          });
        }, STREAM_RECHECK_MS);
  streams.add(raw);
  raw.on("close", () => {
    clearInterval(heartbeat);
    if (recheck !== undefined) clearInterval(recheck);
    unsubscribe();
    streams.delete(raw);
  });
  if (resumeFrom !== undefined) {
    // Replays page by page, waiting for the socket between pages: a slow client is not sent the whole table at once.
    let from = { block: resumeFrom[0], logIndex: resumeFrom[1] };
    last = from;
    while (!raw.destroyed && !raw.writableEnded) {
      const rows = await options.db.query(
        `SELECT * FROM events WHERE (block_number, log_index) > ($1::bigint, $2::integer)
         ORDER BY block_number, log_index LIMIT ${SSE_REPLAY_PAGE}`,
        [from.block, from.logIndex],
      );
      for (const row of rows) send(toEventJson(row));
      if (rows.length < SSE_REPLAY_PAGE) break;
      const end = rows.at(-1)!;
      from = { block: end.block_number as number, logIndex: end.log_index as number };
      await out.drained();
    }
    replaying = false;
    for (const message of buffered.splice(0)) onMessage(message);
  }
}
