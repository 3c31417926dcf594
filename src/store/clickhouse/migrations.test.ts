// Migrations against real chDB: each applied once, a second run and two concurrent runs change nothing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { openClickHouse } from "./client.ts";
import { MIGRATIONS, migrate } from "./migrations.ts";
import { build, page } from "./queries.ts";

let dir: string;
let a: ClickHouseClient;
let b: ClickHouseClient;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tw-mig-"));
  a = (await openClickHouse({ chdbPath: dir })).client;
  b = (await openClickHouse({ chdbPath: dir })).client; // a second connection to the same chDB
});
afterAll(async () => {
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = async <T>(c: ClickHouseClient, query: string) =>
  (await c.query({ query, format: "JSONEachRow" })).json<T>();

test("two migrators at once, then a third run: every table exists and every version is recorded once", async () => {
  const [x, y] = await Promise.all([migrate(a), migrate(b)]);
  expect(new Set([...x, ...y])).toEqual(new Set(MIGRATIONS.map((m) => m.version)));
  expect(await migrate(a)).toEqual([]);
  const versions = await rows<{ version: number }>(a, "SELECT version FROM schema_migrations FINAL ORDER BY version");
  expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  const tables = (
    await rows<{ name: string }>(a, "SELECT name FROM system.tables WHERE database = currentDatabase()")
  ).map((t) => t.name);
  for (const t of [
    "orders",
    "fills",
    "trades",
    "tickers",
    "candles_1m",
    "candles_1m_mv",
    "users",
    "strategies",
    "audit",
  ])
    expect(tables).toContain(t);
});

test("query values are bound as parameters: an injection attempt is just a string that matches nothing", async () => {
  await a.insert({
    table: "audit",
    values: [
      {
        id: "1",
        ts: 1000,
        user: "ann",
        action: "order.place",
        target: "X",
        status: 201,
        code: "ok",
        ms: 1,
        detail: "{}",
      },
    ],
    format: "JSONEachRow",
  });
  const run = async (user: string) => {
    const q = { kind: "audit" as const, limit: 10, user };
    const built = build(q);
    expect(built.query).not.toContain(user);
    return page(
      q,
      built,
      await (await a.query({ query: built.query, query_params: built.params, format: "JSONEachRow" })).json(),
    );
  };
  expect((await run("ann")).data).toHaveLength(1);
  expect((await run("x' OR '1'='1")).data).toHaveLength(0);
});

test("a retried batch (same deduplication token) is written once, and its candle counted once", async () => {
  const trade = { id: "t1", ts: 1_700_000_000_000, inst_id: "DUP-USDT", trade_id: "1", px: "10", sz: "2", side: "buy" };
  for (let i = 0; i < 2; i++)
    await a.insert({
      table: "trades",
      values: [trade],
      format: "JSONEachRow",
      clickhouse_settings: { insert_deduplication_token: "batch-1" },
    });
  expect(await rows(a, "SELECT count() AS n FROM trades WHERE inst_id = 'DUP-USDT'")).toEqual([{ n: 1 }]);
  const q = { kind: "candles" as const, limit: 10, instId: "DUP-USDT", barSeconds: 60 };
  const built = build(q);
  const p = page(
    q,
    built,
    await (await a.query({ query: built.query, query_params: built.params, format: "JSONEachRow" })).json(),
  );
  expect(p.data).toEqual([
    {
      instId: "DUP-USDT",
      ts: 1_699_999_980_000,
      o: "10",
      h: "10",
      l: "10",
      c: "10",
      vol: "2",
      volCcy: "20",
      trades: 1,
      confirmed: true,
    },
  ]);
});
