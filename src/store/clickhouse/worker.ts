// The ClickHouse Worker: owns the connection (chDB runs in this thread, so chDB calls never
// touch the serving thread), records the bus into ClickHouse in batches, and answers the main
// thread's queries by message. Spawned by ./index.ts.
import { randomBytes, randomUUID } from "node:crypto";
import { setPriority } from "node:os";
import type { ClickHouseClient } from "@clickhouse/client";
import { eventJson, RingReader } from "../../bus/ring.ts";
import { backoffDelay } from "../../domain/backoff.ts";
import { fromTruth } from "../../domain/source.ts";
import { RUNTIME_THREAD, reniceThreads } from "../../ops/host-tuning/threads.ts";
import { RowBuffer } from "./buffer.ts";
import { isUnavailableError, openClickHouse } from "./client.ts";
import { migrate } from "./migrations.ts";
import type {
  AlertRow,
  FromWorker,
  HistoryQuery,
  RecorderStats,
  Row,
  StrategyRow,
  ToWorker,
  UserRow,
  WorkerOptions,
} from "./protocol.ts";
import { DROPPABLE_TABLES } from "./protocol.ts";
import { build, page } from "./queries.ts";
import { alertRow, auditRow, RECORDED_TYPES, strategyRow, toRow, userRow } from "./rows.ts";
import { Settler } from "./settle.ts";
import { Writer } from "./writer.ts";

declare const self: Worker;
const post = (m: FromWorker) => self.postMessage(m);
const log = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) =>
  post({ t: "log", level, msg, ...(fields ? { fields } : {}) });

let opts: WorkerOptions;
let reader: RingReader;
let buffer: RowBuffer;
let settler: Settler;
let client: ClickHouseClient | undefined;
let writer: Writer | undefined;
let ready = false;
let stopping = false;
let lastError: string | null = null;
let cursor = 0;
let overrunEvents = 0;
let overruns = 0;
let malformed = 0;
let fault = false;
const timers: ReturnType<typeof setInterval>[] = [];
const refusedLogged = new Set<string>();

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.t) {
    case "init":
      return void init(m.ring.sab, m.opts);
    case "query":
      return void answer(m.id, async () => {
        if (reachesNow(m.q)) await catchUp();
        const b = build(m.q);
        const rows = await (await need().query({ query: b.query, query_params: b.params, format: "JSONEachRow" })).json<
          Record<string, unknown>
        >();
        return page(m.q, b, rows);
      });
    case "audit":
      return push("audit", auditRow(m.rowId ?? randomUUID(), m.row));
    case "settle-audit":
      return void answer(m.id, () => settler.audit(m.rows));
    case "reconcile-plan":
      return void answer(m.id, () => settler.plan());
    case "reconcile":
      return void answer(m.id, () => settler.reconcile(m.records));
    case "user":
      return void answer(m.id, () => keep("users", userRow(m.row)));
    case "users":
      return void answer(m.id, loadUsers);
    case "strategy":
      return void answer(m.id, () => keep("strategies", strategyRow(m.row)));
    case "strategies":
      return void answer(m.id, loadStrategies);
    case "alert":
      return void answer(m.id, () => keep("alerts", alertRow(m.row)));
    case "alerts":
      return void answer(m.id, loadAlerts);
    case "flush":
      return void answer(m.id, async () => {
        drainRing();
        const empty = ready && writer ? await writer.flush(true) : false;
        postStats();
        return { empty, buffered: buffer.total() };
      });
    case "fault":
      fault = m.on;
      if (writer) writer.fault = m.on;
      return void answer(m.id, () => undefined);
    case "stop":
      return void answer(m.id, () => stop(m.graceMs));
  }
};

/**
 * A page that reaches the present (no cursor, no end in the past): it must hold every event put
 * on the bus before the query, or a client that subscribes and then loads its history misses
 * what fell between the recorder's last write and its subscription.
 */
function reachesNow(q: HistoryQuery): boolean {
  return q.before === undefined && (q.to === undefined || q.to > Date.now() - 2 * opts.flushMs);
}

/** Takes in what the ring holds and writes what is waiting, unless ClickHouse is known to be down. */
async function catchUp(): Promise<void> {
  if (!ready || !writer) return;
  drainRing();
  if (writer.waitMs() === 0 && buffer.total() > 0) await writer.flush(true);
}

/** chDB's threads (every one that is not the runtime's) to `opts.nice`. */
const chdbSeen = new Set<number>();
const reniceChdb = () => reniceThreads(opts.nice, chdbSeen, (comm) => !RUNTIME_THREAD.test(comm));

async function init(sab: SharedArrayBuffer, o: WorkerOptions): Promise<void> {
  opts = o;
  // On Linux this renices this thread only; chDB's own threads are reniced as they appear
  // (every thread that is not the runtime's), so on a busy core the thread that serves streams is scheduled first.
  try {
    if (o.nice > 0) setPriority(0, o.nice);
  } catch (err) {
    log("warn", "could not lower the recorder's priority", { error: (err as Error).message });
  }
  if (o.nice > 0 && !o.url) {
    timers.push(setInterval(reniceChdb, 5_000));
  }
  reader = new RingReader({ sab });
  buffer = new RowBuffer({
    marketRows: o.marketBufferRows,
    keptRows: o.keptBufferRows,
    tokenPrefix: randomBytes(6).toString("hex"),
  });
  settler = new Settler({ client: () => (stopping ? stoppingError() : need()), buffer, fault: () => fault });
  void recordLoop();
  timers.push(setInterval(() => void flushIfReady(), o.flushMs));
  timers.push(setInterval(postStats, 1000));
  await connect();
}

/** Opens and migrates; on failure says so and tries again (ClickHouse may come up later). */
async function connect(): Promise<void> {
  let attempt = 0;
  while (!stopping && !ready) {
    try {
      const opened = await openClickHouse({ url: opts.url, chdbPath: opts.chdbPath, chdbLibDir: opts.chdbLibDir });
      client = opened.client;
      const applied = await migrate(client);
      writer = new Writer({ client, buffer, batchRows: opts.batchRows, onError: writeFailed });
      writer.fault = fault;
      if (opts.nice > 0 && opened.mode === "chdb") reniceChdb();
      ready = true;
      lastError = null;
      log("info", "clickhouse ready", { mode: opened.mode, where: opened.where, migrationsApplied: applied });
      post({ t: "ready" });
      postStats();
      return;
    } catch (err) {
      // First line, capped: room for two paths and what to do (chDB's load error in the binary).
      lastError = (err as Error).message.split("\n")[0]!.slice(0, 600);
      await client?.close().catch(() => {});
      client = undefined;
      post({ t: "unavailable", error: lastError });
      await Bun.sleep(backoffDelay(attempt++, 500, 10_000));
    }
  }
}

function stoppingError(): never {
  throw new Error("ClickHouse is not available: the recorder is stopping");
}

function need(): ClickHouseClient {
  if (!ready || !client) throw new Error(`ClickHouse is not available: ${lastError ?? "starting"}`);
  return client;
}

/** Requests being answered now (queries, loads, writes): stop waits for them before it closes chDB. */
let answering = 0;

async function answer(id: number, f: () => unknown): Promise<void> {
  answering++;
  try {
    post({ t: "reply", id, ok: true, value: await f() });
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0]!.slice(0, 500);
    post({ t: "reply", id, ok: false, error: msg, unavailable: !ready || isUnavailableError(err) });
  } finally {
    answering--;
  }
}

/**
 * A row someone changed (a user, a strategy, an alert): written now unless ClickHouse is known to be
 * down (then it waits in the buffer for the retry); `written` says whether it is in ClickHouse.
 */
async function keep(table: "users" | "strategies" | "alerts", row: Row): Promise<{ written: boolean }> {
  push(table, row);
  if (ready && writer && writer.waitMs() === 0) await writer.flush(true);
  return { written: (buffer.sizes()[table] ?? 0) === 0 };
}

function push(table: "audit" | "users" | "strategies" | "alerts", row: Row): void {
  if (buffer.push(table, row) || refusedLogged.has(table)) return;
  refusedLogged.add(table); // once per table; the counter in /metrics keeps the total
  log("error", "recorder buffer at its hard cap: refusing rows (counted in recorder_dropped_rows_total)", { table });
}

async function loadUsers(): Promise<UserRow[]> {
  const rows = await (
    await need().query({
      query: `SELECT name, role, hash, toUnixTimestamp64Milli(created_at) AS createdAt,
        toUnixTimestamp64Milli(updated_at) AS updatedAt, deleted, version FROM users FINAL WHERE deleted = 0`,
      format: "JSONEachRow",
    })
  ).json<Record<string, unknown>>();
  return rows.map((r) => ({
    name: String(r.name),
    role: String(r.role),
    hash: String(r.hash),
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
    deleted: false,
    version: Number(r.version),
  }));
}

async function loadStrategies(): Promise<StrategyRow[]> {
  const rows = await (
    await need().query({
      query: `SELECT id, name, kind, owner, state, reason, config, figures, toUnixTimestamp64Milli(created_at) AS createdAt,
        toUnixTimestamp64Milli(updated_at) AS updatedAt, version FROM strategies FINAL WHERE deleted = 0 ORDER BY created_at`,
      format: "JSONEachRow",
    })
  ).json<Record<string, unknown>>();
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    kind: String(r.kind),
    owner: String(r.owner),
    state: String(r.state),
    reason: String(r.reason),
    config: String(r.config),
    figures: String(r.figures),
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
    deleted: false,
    version: Number(r.version),
  }));
}

/** How often the recorder looks at the ring: rows wait for a batch anyway, so waking on every
 * event (1,000 wake-ups a second at 1,000 events/s) would only take the core from the serving thread. */
const POLL_MS = 50;

async function recordLoop(): Promise<void> {
  while (!stopping) {
    // Sooner when the ring is filling up: a reader more than a ring behind loses events.
    if (reader.head() - cursor < reader.capacity / 4) await Bun.sleep(Math.min(POLL_MS, opts.flushMs));
    drainRing();
    if (buffer.total() >= opts.batchRows) void flushIfReady();
  }
}

/** Copies every new event out of the ring into the buffer; counts and logs what an overrun lost. */
function drainRing(): void {
  for (let rounds = 0; rounds < 64 && cursor < reader.head(); rounds++) {
    const r = reader.read(cursor, 4096);
    if (r.overrun) {
      const firstKept = r.events[0]?.seq ?? r.last + 1;
      const lost = Math.max(0, firstKept - cursor - 1);
      overruns++;
      overrunEvents += lost;
      log("error", "recorder overrun: events lost before they were recorded", {
        from: cursor + 1,
        to: firstKept - 1,
        lost,
      });
    }
    for (const ev of r.events) {
      // History is the exchange's truth: an engine's or an HTTP publisher's orders, fills, trades
      // and tickers are not recorded (they were on the stream, marked with their src).
      if (!RECORDED_TYPES.has(ev.type) || !fromTruth(ev.source)) continue;
      const m = toRow(ev.type, eventJson(ev));
      if (m === undefined) continue;
      if (m instanceof Error) {
        if (malformed++ < 10)
          log("warn", "recorder skipped a malformed event", { id: ev.id, type: ev.type, error: m.message });
        continue;
      }
      if (settler.repeats(m.table, m.row)) continue; // reconciliation wrote this one already
      if (
        !buffer.push(m.table, m.row) &&
        !refusedLogged.has(m.table) &&
        !(DROPPABLE_TABLES as readonly string[]).includes(m.table)
      ) {
        refusedLogged.add(m.table);
        log("error", "recorder buffer at its hard cap: refusing rows (counted in recorder_dropped_rows_total)", {
          table: m.table,
        });
      }
    }
    cursor = r.last;
  }
}

async function flushIfReady(): Promise<void> {
  if (!ready || !writer || buffer.total() === 0) return;
  await writer.flush();
}

function writeFailed(table: string, err: Error, attempts: number): void {
  // Log the first failure and then every 10th, not every retry.
  if (attempts === 1 || attempts % 10 === 0)
    log("warn", "clickhouse insert failed; rows stay buffered and are retried", {
      table,
      attempts,
      error: err.message.split("\n")[0],
      buffered: buffer.total(),
    });
}

function stats(): RecorderStats {
  return {
    connected: ready && (writer?.connected ?? true),
    ready,
    lastError: writer?.lastError ?? lastError,
    written: writer?.written ?? {},
    batches: writer?.batches ?? {},
    retries: writer?.retries ?? {},
    buffered: buffer.sizes(),
    dropped: buffer.dropped,
    overrunEvents,
    overruns,
    malformed,
    cursor,
  };
}

function postStats(): void {
  if (buffer) post({ t: "stats", stats: stats() });
}

async function stop(graceMs: number): Promise<{ unwritten: number }> {
  drainRing();
  stopping = true;
  for (const t of timers) clearInterval(t);
  const deadline = performance.now() + graceMs;
  // A settle or reconcile still talking to the engine finishes first: closing under it breaks chDB.
  await Promise.race([settler.idle(), Bun.sleep(graceMs)]);
  while (ready && writer && buffer.total() > 0 && performance.now() < deadline) {
    if (await writer.flush(true)) break;
    await Bun.sleep(Math.min(200, Math.max(10, deadline - performance.now())));
  }
  // A query still running (a page's history) finishes first too: chDB aborts the process when
  // closed under one. The stop request itself is one of those being answered.
  while (answering > 1 && performance.now() < deadline) await Bun.sleep(10);
  const unwritten = buffer.total();
  if (unwritten > 0)
    log("error", "clickhouse: rows not written at shutdown", {
      rows: unwritten,
      buffered: buffer.sizes(),
      lastError: writer?.lastError ?? lastError,
    });
  postStats();
  await client?.close().catch(() => {});
  client = undefined;
  ready = false;
  return { unwritten };
}

async function loadAlerts(): Promise<AlertRow[]> {
  const rows = await (
    await need().query({
      query: `SELECT id, owner, inst_id, price, up, note, toUnixTimestamp64Milli(created_at) AS createdAt,
        toUnixTimestamp64Milli(fired_at) AS firedAt, fired_px, version FROM alerts FINAL WHERE deleted = 0 ORDER BY created_at`,
      format: "JSONEachRow",
    })
  ).json<Record<string, unknown>>();
  return rows.map((r) => ({
    id: String(r.id),
    owner: String(r.owner),
    instId: String(r.inst_id),
    price: Number(r.price),
    up: Number(r.up) === 1,
    note: String(r.note),
    createdAt: Number(r.createdAt),
    firedAt: Number(r.firedAt),
    firedPx: Number(r.fired_px),
    deleted: false,
    version: Number(r.version),
  }));
}
