// Commands to the external engine, end to end: the command service -> Redis Streams -> the Python
// reference engine -> its answers, visible in get()/list(), as events on `commands` over a real SSE
// connection and as audit rows. Test Redis DB 10.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EngineUnavailable, InvalidCommand, UnknownStrategy } from "../src/services/commands.ts";
import { engineState, type RefEngine, runToEnd, startRefEngine } from "./engine-helpers.ts";
import { openSse, type SseEvent, startTestServer, type TestServer } from "./helpers.ts";
import { inspect, NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";

noteSkip("engine-commands");
let s: TestServer;
let engine: RefEngine;
let admin: string;
let url: string;

beforeAll(async () => {
  if (NO_REDIS) return;
  url = await testRedisUrl(10);
  s = await startTestServer({ REDIS_URL: url });
  engine = startRefEngine(url);
  admin = await s.token();
  await engineState(s, "ref-1", "up");
}, 30_000);
afterAll(async () => {
  await engine?.stop();
  await s?.close();
});

const commandEvents = async (sse: Awaited<ReturnType<typeof openSse>>, id: string, n: number): Promise<SseEvent[]> => {
  const out: SseEvent[] = [];
  while (out.length < n) {
    const ev = await sse.nextEvent(5000);
    if (ev.event === "command" && ev.json().data.id === id) out.push(ev);
  }
  return out;
};

describe.skipIf(NO_REDIS)("commands to the reference engine", () => {
  test("the engine's strategy is listed as external, owned by the engine", async () => {
    const list = s.engines!.strategies();
    expect(list.map((x) => [x.id, x.kind, x.engineId, x.owner, x.engineState])).toEqual([
      ["ref-mm", "external", "ref-1", "engine:ref-1", "up"],
    ]);
    expect(list[0]).toMatchObject({ instruments: ["BTC-USDT"], params: { spreadBps: 10 }, state: "stopped" });
    expect(list[0]!.paramsSchema).toMatchObject({ type: "object" });
    expect(s.engines!.engines()).toMatchObject([
      {
        engineId: "ref-1",
        state: "up",
        heartbeatMs: 100,
        commands: expect.arrayContaining(["strategy.start", "ping"]),
      },
    ]);
  });

  test("strategy start: pending -> accepted -> done, in get(), list(), on `commands` over SSE, and in the audit log", async () => {
    const sse = await openSse(`${s.url}/api/events/stream?channels=commands`, { Authorization: `Bearer ${admin}` });
    expect((await sse.next()).event).toBe("connected");
    const rec = await s.commands.run("admin", { type: "strategy_start", strategyId: "ref-mm" });
    expect(rec).toMatchObject({
      type: "strategy_start",
      by: "admin",
      status: "pending",
      engineId: "ref-1",
      name: "strategy.start",
      params: { strategyId: "ref-mm" },
    });
    const done = await s.commands.settled(rec.id);
    expect(done).toMatchObject({ status: "done", result: { state: "running" } });
    expect(done!.acceptedAt).toBeGreaterThanOrEqual(done!.createdAt);
    expect(done!.finishedAt).toBeGreaterThanOrEqual(done!.acceptedAt!);
    expect(s.commands.get(rec.id)).toEqual(done!);
    const seen = await commandEvents(sse, rec.id, 3);
    expect(seen.map((e) => e.json().data.status)).toEqual(["pending", "accepted", "done"]);
    sse.close();
    expect(s.commands.list({ engineId: "ref-1", type: "strategy_start" }).map((r) => r.id)).toContain(rec.id);
    expect(s.commands.list({ status: "pending" }).map((r) => r.id)).not.toContain(rec.id);
    // The engine said at once that its strategy runs (a heartbeat right after the change).
    expect(s.engines!.strategy("ref-mm")?.state).toBe("running");

    await s.history.flush();
    const audit = (await (
      await fetch(`${s.url}/api/audit?user=admin`, { headers: { Authorization: `Bearer ${admin}` } })
    ).json()) as any;
    const rows = audit.data
      .filter((a: any) => a.detail?.id === rec.id)
      .map((a: any) => [a.action, a.target, a.status, a.code]);
    expect(rows.sort()).toEqual([
      ["command.strategy_start", "ref-mm", 200, "ok"],
      ["command.strategy_start", "ref-mm", 202, "accepted"],
      ["command.strategy_start", "ref-mm", 202, "pending"],
    ]);
  });

  test("a second start of a running strategy fails with the engine's code; bad params fail with theirs", async () => {
    const again = await runToEnd(s, "admin", { type: "strategy_start", strategyId: "ref-mm" });
    expect(again).toMatchObject({ status: "failed", error: { code: "conflict" } });
    const bad = await runToEnd(s, "admin", {
      type: "strategy_update",
      strategyId: "ref-mm",
      params: { spreadBps: -3 },
    });
    expect(bad).toMatchObject({
      status: "failed",
      error: { code: "invalid_params", message: expect.stringContaining("spreadBps") },
    });
    const good = await runToEnd(s, "admin", {
      type: "strategy_update",
      strategyId: "ref-mm",
      params: { spreadBps: 25 },
    });
    expect(good).toMatchObject({ status: "done", result: { params: { spreadBps: 25 } } });
    const stop = await runToEnd(s, "alice", { type: "strategy_stop", strategyId: "ref-mm" });
    expect(stop).toMatchObject({
      status: "done",
      by: "alice",
      params: { strategyId: "ref-mm" },
      result: { state: "stopped" },
    });
    await Bun.sleep(50);
    expect(s.engines!.strategy("ref-mm")).toMatchObject({
      state: "stopped",
      reason: "stopped by alice",
      params: { spreadBps: 25 },
    });
  });

  test("engine commands pass through (engineId may be left out with one engine); unknown ones fail", async () => {
    const ping = await runToEnd(s, "admin", { type: "engine", name: "ping", args: { n: 1 } });
    expect(ping).toMatchObject({
      status: "done",
      engineId: "ref-1",
      name: "ping",
      result: { pong: true, args: { n: 1 } },
    });
    const cancel = await runToEnd(s, "admin", { type: "strategy_cancel_all", strategyId: "ref-mm" });
    expect(cancel).toMatchObject({ status: "done", result: { canceled: 0 } });
    const nope = await runToEnd(s, "admin", { type: "engine", engineId: "ref-1", name: "teleport" });
    expect(nope).toMatchObject({ status: "failed", error: { code: "unknown_command" } });
  });

  test("refused before sending: unknown strategy, absent engine, too-large args; nothing recorded", async () => {
    const before = s.commands.list({ limit: 1000 }).length;
    await expect(s.commands.run("admin", { type: "strategy_start", strategyId: "nope" })).rejects.toBeInstanceOf(
      UnknownStrategy,
    );
    await expect(s.commands.run("admin", { type: "engine", engineId: "ghost", name: "ping" })).rejects.toBeInstanceOf(
      EngineUnavailable,
    );
    await expect(
      s.commands.run("admin", { type: "engine", name: "ping", args: { x: "y".repeat(20_000) } }),
    ).rejects.toBeInstanceOf(InvalidCommand);
    expect(s.commands.list({ limit: 1000 }).length).toBe(before);
  });

  test("no answer within the timeout: timed_out; the late answer is kept beside it", async () => {
    const rec = await s.commands.run("admin", { type: "engine", name: "sleep", args: { ms: 400 }, timeoutMs: 150 });
    const end = await s.commands.settled(rec.id);
    expect(end).toMatchObject({ status: "timed_out", error: { code: "timed_out" } });
    await (async () => {
      for (let i = 0; i < 100 && !s.commands.get(rec.id)?.late; i++) await Bun.sleep(20);
    })();
    expect(s.commands.get(rec.id)).toMatchObject({
      status: "timed_out",
      late: { status: "done", result: { slept: 400 } },
    });
  });

  test("the reference engine answers a repeated command id from its record and runs it once", async () => {
    const r = await inspect(url);
    const id = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
    const cmd = JSON.stringify({
      v: 1,
      type: "command",
      id,
      name: "ping",
      args: {},
      by: "test",
      ts: Date.now(),
      deadline: Date.now() + 10_000,
    });
    const from =
      ((await r.xrevrange("tw:engine:control", "+", "-", "COUNT", 1)) as [string, string[]][])[0]?.[0] ?? "0-0";
    await r.xadd("tw:engine:ref-1:commands", "*", "m", cmd);
    await r.xadd("tw:engine:ref-1:commands", "*", "m", cmd);
    let answers: string[] = [];
    for (let i = 0; i < 100 && answers.filter((a) => a === "result").length < 2; i++) {
      await Bun.sleep(20);
      const entries = (await r.xrange("tw:engine:control", `(${from}`, "+")) as [string, string[]][];
      answers = entries
        .map(([, f]) => JSON.parse(f[1]!))
        .filter((m) => m.id === id)
        .map((m) => m.type);
    }
    expect(answers).toEqual(["accepted", "result", "result"]);
    expect(await r.get(`tw:engine:ref-1:done:${id}`)).toContain('"status": "done"');
    expect(await r.xpending("tw:engine:ref-1:commands", "engine")).toEqual([0, null, null, null]);
    r.disconnect();
    const stats = await runToEnd(s, "admin", { type: "engine", name: "stats" });
    expect((stats.result.ids as string[]).filter((x) => x === id)).toEqual([id]);
    expect(stats.result.duplicates).toEqual([]);
  });

  test("the kill switch also goes to every live engine, as a child command", async () => {
    await runToEnd(s, "admin", { type: "strategy_start", strategyId: "ref-mm" });
    const ks = await runToEnd(s, "admin", { type: "kill_switch", on: true });
    const childId = (ks.result.engines as Record<string, string>)["ref-1"]!; // (read before toMatchObject: bun writes matchers into it)
    expect(ks).toMatchObject({
      status: "done",
      result: { killSwitch: true, engines: { "ref-1": expect.any(String) } },
    });
    const child = await s.commands.settled(childId);
    expect(child).toMatchObject({
      type: "engine",
      name: "kill_switch",
      parent: ks.id,
      status: "done",
      result: { killSwitch: true, stopped: ["ref-mm"] },
    });
    expect((await runToEnd(s, "admin", { type: "strategy_start", strategyId: "ref-mm" })).error?.code).toBe(
      "kill_switch_on",
    );
    await runToEnd(s, "admin", { type: "kill_switch", on: false });
    expect(s.orders.killSwitch).toBe(false);
  });

  test("over REST: POST /api/commands answers 202 then the record, ?wait gives the end; GET lists and reads them; roles", async () => {
    const trader = await s.userToken("rest-trader", "trader");
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${s.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const sent = await call(admin, "POST", "/api/commands", { type: "engine", name: "ping", args: { via: "rest" } });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ type: "engine", status: "pending", engineId: "ref-1", by: "admin" });
    await s.commands.settled(sent.body.id);
    const read = await call(admin, "GET", `/api/commands/${sent.body.id}`);
    expect(read).toMatchObject({
      status: 200,
      body: { id: sent.body.id, status: "done", result: { pong: true, args: { via: "rest" } } },
    });
    const waited = await call(admin, "POST", "/api/commands?wait=5000", { type: "engine", name: "ping" });
    expect(waited).toMatchObject({ status: 201, body: { status: "done", result: { pong: true } } });
    const listed = await call(trader, "GET", "/api/commands?type=engine&by=admin&limit=2");
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: any) => r.id)).toEqual([waited.body.id, sent.body.id]);
    // Engine commands and the kill switch are for admins; bad input names its field; an absent engine is 503 at once.
    expect((await call(trader, "POST", "/api/commands", { type: "engine", name: "ping" })).status).toBe(403);
    expect((await call(trader, "POST", "/api/commands", { type: "kill_switch", on: true })).status).toBe(403);
    const bad = await call(admin, "POST", "/api/commands", { type: "strategy_start" });
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { code: "validation_failed", details: [{ field: "strategyId" }] } },
    });
    const absent = await call(admin, "POST", "/api/commands", { type: "engine", engineId: "ghost", name: "ping" });
    expect(absent).toMatchObject({ status: 503, body: { error: { code: "engine_unavailable" } } });
    expect((await call(admin, "POST", "/api/commands", { type: "strategy_stop", strategyId: "nope" })).status).toBe(
      404,
    );
    expect((await call(admin, "GET", "/api/commands/6f1c2d3e-4b5a-4c6d-8e7f-000000000000")).status).toBe(404);
    const engines = await call(trader, "GET", "/api/engines");
    expect(engines).toMatchObject({ status: 200, body: { data: [{ engineId: "ref-1", state: "up" }] } });
  });

  test("the engine's strategies in /api/strategies as kind external; start and stop there go to the engine as commands", async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${s.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as any };
    };
    const listed = await call("GET", "/api/strategies?kind=external");
    expect(listed.body.data.map((x: any) => [x.id, x.owner])).toEqual([["ref-mm", "engine:ref-1"]]);
    // the engine's JSON Schema of the params comes along, so a UI can render the form
    expect(listed.body.data[0].paramsSchema).toMatchObject({ type: "object", properties: { spreadBps: {} } });
    const before = s.commands.list({ type: "strategy_start" }).length;
    const started = await call("POST", "/api/strategies/ref-mm/start");
    expect(started.status).toBe(200);
    expect(s.commands.list({ type: "strategy_start" }).length).toBe(before + 1);
    await (async () => {
      for (let i = 0; i < 100 && s.engines!.strategy("ref-mm")?.state !== "running"; i++) await Bun.sleep(20);
    })();
    expect((await call("GET", "/api/strategies/ref-mm")).body).toMatchObject({ kind: "external", state: "running" });
    const stopped = await call("POST", "/api/strategies/ref-mm/stop", {});
    expect(stopped.status).toBe(200);
    expect((await call("DELETE", "/api/strategies/ref-mm")).status).toBe(409);
  });
});
