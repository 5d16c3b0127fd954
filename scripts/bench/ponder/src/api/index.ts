/** Routes the bench reads: the number of transfers indexed, and both tables for the row-by-row comparison. */
import { Hono } from "hono";
import { count } from "ponder";
import { db } from "ponder:api";
import { balances, transfers } from "ponder:schema";

const app = new Hono();

app.get("/bench/count", async (c) => {
  const [row] = await db.select({ n: count() }).from(transfers);
  return c.json({ transfers: Number(row?.n ?? 0) });
});

app.get("/bench/dump", async (c) => {
  const rows = { transfers: await db.select().from(transfers), balances: await db.select().from(balances) };
  return c.text(JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)));
});

export default app;
