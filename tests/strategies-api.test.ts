// The strategy routes over real HTTP (simulator behind): kinds as JSON Schema, bad input named
// field by field, the start/stop/delete rules (409s), params live or only when stopped, filters,
// who may do what (viewers read, traders change their own: another's is 403, admins all).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestServer, type TestServer } from "./helpers.ts";
import { type Client, client, marketReady } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
let s: TestServer;
let tina: Client;
let bob: Client;
let vic: Client;
let admin: Client;
const grid = (over: Record<string, unknown> = {}) => ({
  name: "g",
  kind: "grid",
  instruments: [INST],
  params: { levels: 2, spacingPct: 5, size: 0.001 },
  ...over,
});
beforeAll(async () => {
  // A PnL curve point every 200 ms instead of 10 s, so a test sees a run's curve span buckets.
  s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: INST }, { strategyTuning: { pnlEveryMs: 200 } });
  [tina, bob, vic, admin] = [
    client(s, await s.userToken("tina", "trader")),
    client(s, await s.userToken("bob", "trader")),
    client(s, await s.userToken("vic", "viewer")),
    client(s, await s.token()),
  ];
  await marketReady(s, INST);
}, 60_000);
afterAll(() => s.close());

const fields = (a: { body: any }) => (a.body.error.details ?? []).map((d: any) => d.field);

describe("kinds", () => {
  test("each kind with its params as JSON Schema: defaults, descriptions, required fields, live params", async () => {
    const r = await vic.call("GET", "/api/strategies/kinds");
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.body.data.map((k: any) => [k.name, k]));
    expect(Object.keys(byName).sort()).toEqual(["grid", "stop", "twap"]);
    const g = byName.grid;
    expect(g.instruments).toEqual({ min: 1, max: 1 });
    expect(g.liveParams).toEqual(["size"]);
    expect(g.params.type).toBe("object");
    expect(g.params.required).toEqual(["size"]);
    expect(g.params.properties.levels).toMatchObject({ type: "integer", default: 5, minimum: 1, maximum: 50 });
    expect(g.params.properties.levels.description).toBe("orders on each side of the centre");
    expect(g.params.additionalProperties).toBe(false);
    expect(byName.twap.params.properties.side).toMatchObject({ enum: ["buy", "sell"] });
    expect(byName.twap.liveParams).toEqual(["maxSlippagePct", "priceLimit"]);
    expect(byName.stop.params.required).toEqual(["side", "size"]);
    expect(byName.stop.params.properties.reduceOnly).toMatchObject({ type: "boolean", default: true });
    expect(byName.stop.liveParams).toEqual([
      "stopPx",
      "takeProfitPx",
      "trailPct",
      "maxSlippagePct",
      "size",
      "entirePosition",
    ]);
  });
});

describe("bad input", () => {
  test("params failing the kind's schema: 400 naming each field params.<field>", async () => {
    const r = await tina.create(grid({ params: { levels: 0, size: -1, colour: "red" } }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("validation_failed");
    expect(fields(r).sort()).toEqual(["params.colour", "params.levels", "params.size"]);
    const missing = await tina.create(grid({ params: {} }));
    expect(fields(missing)).toEqual(["params.size"]);
    const wrongType = await tina.create(grid({ params: { size: "lots" } }));
    expect(fields(wrongType)).toEqual(["params.size"]);
    // A rule across fields names the field to mend: a stop with no trigger, a sell's stop over its take profit.
    const untriggered = await tina.create(grid({ kind: "stop", params: { side: "sell", size: 0.001 } }));
    expect([untriggered.status, fields(untriggered)]).toEqual([400, ["params.stopPx"]]);
    const crossed = { side: "sell", size: 0.001, stopPx: 50000, takeProfitPx: 40000 };
    expect(fields(await tina.create(grid({ kind: "stop", params: crossed })))).toEqual(["params.takeProfitPx"]);
  });

  test("unknown kind, external kind, instrument count, limits, unknown fields, bad ids: 400 naming the field", async () => {
    const unknown = await tina.create(grid({ kind: "martingale" }));
    expect([unknown.status, fields(unknown)]).toEqual([400, ["kind"]]);
    expect(unknown.body.error.details[0].message).toBe("one of grid, twap, stop");
    expect(fields(await tina.create(grid({ kind: "external" })))).toEqual(["kind"]);
    expect(fields(await tina.create(grid({ instruments: [INST, "ETH-USDT"] })))).toEqual(["instruments"]);
    expect(fields(await tina.create(grid({ instruments: ["btc usdt"] })))).toEqual(["instruments.0"]);
    expect(fields(await tina.create(grid({ limits: { maxOrdersPerSecond: 0 } })))).toEqual([
      "limits.maxOrdersPerSecond",
    ]);
    const extra = await tina.create(grid({ owner: "bob" }));
    expect([extra.status, JSON.stringify(extra.body.error.details)]).toEqual([400, expect.stringContaining("owner")]);
    expect(fields(await tina.create(grid({ name: "" })))).toEqual(["name"]);
    expect((await tina.call("POST", "/api/strategies", "not an object")).status).toBe(400);
    expect((await tina.get("no!such")).status).toBe(400);
    expect((await tina.get("abcdefghij")).status).toBe(404);
    expect((await tina.list("?state=sleeping")).status).toBe(400);
  });
});

describe("rules", () => {
  test("start, start again (409), delete while running (409), live and not-live params, stop, stop again (409), delete", async () => {
    const { body } = await tina.create(grid());
    const id = body.id;
    const started = await tina.start(id);
    expect([started.status, started.body.state]).toEqual([200, "running"]);
    const again = await tina.start(id);
    expect([again.status, again.body.error.code]).toEqual([409, "already_running"]);
    const del = await tina.remove(id);
    expect([del.status, del.body.error.code]).toEqual([409, "running"]);

    const notLive = await tina.patch(id, { params: { levels: 3 } });
    expect([notLive.status, notLive.body.error.code, fields(notLive)]).toEqual([409, "not_live", ["params.levels"]]);
    const moved = await tina.patch(id, { instruments: ["ETH-USDT"] });
    expect(moved.status).toBe(409);
    const live = await tina.patch(id, { params: { size: 0.002 }, limits: { maxPosition: 0.5 }, name: "renamed" });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      state: "running",
      name: "renamed",
      params: { levels: 2, spacingPct: 5, size: 0.002 },
      limits: { maxPosition: 0.5 },
    });
    const badLive = await tina.patch(id, { params: { size: -1 } });
    expect([badLive.status, fields(badLive)]).toEqual([400, ["params.size"]]);

    const stopped = await tina.stop(id);
    expect([stopped.status, stopped.body.state]).toEqual([200, "stopped"]);
    const stopAgain = await tina.stop(id);
    expect([stopAgain.status, stopAgain.body.error.code]).toEqual([409, "not_running"]);

    const changed = await tina.patch(id, { params: { levels: 3, center: 50000 } });
    expect(changed.body.params).toEqual({ levels: 3, spacingPct: 5, size: 0.002, center: 50000 });
    const unset = await tina.patch(id, { params: { center: null } });
    expect(unset.body.params).toEqual({ levels: 3, spacingPct: 5, size: 0.002 });

    expect(s.state.get(`strategy:${id}`)).toMatchObject({ id, state: "stopped" }); // a new stream client's snapshot has it
    expect((await tina.remove(id)).status).toBe(204);
    expect((await tina.get(id)).status).toBe(404);
    expect(s.state.get(`strategy:${id}`)).toBeUndefined(); // and no longer once it is deleted
    expect((await tina.remove(id)).status).toBe(404);
    expect((await tina.start(id)).status).toBe(404);
  }, 20_000);

  test("a strategy on an instrument the exchange does not serve cannot start (409 instrument_unavailable)", async () => {
    const { body } = await tina.create(grid({ instruments: ["SOL-USDT"] }));
    const r = await tina.start(body.id);
    expect([r.status, r.body.error.code, fields(r)]).toEqual([409, "instrument_unavailable", ["instruments"]]);
    expect((await tina.get(body.id)).body.state).toBe("stopped");
  });
});

describe("who may do what", () => {
  test("viewers read only; another trader's strategy is 403 to change but readable; admins change any", async () => {
    const { body } = await tina.create(grid({ name: "tina's" }));
    const id = body.id;
    expect((await vic.create(grid())).status).toBe(403);
    expect((await vic.get(id)).status).toBe(200);
    expect((await vic.list()).body.data.some((v: any) => v.id === id)).toBe(true);
    for (const r of [await vic.start(id), await vic.patch(id, { name: "x" }), await vic.remove(id), await vic.stop(id)])
      expect(r.status).toBe(403);

    expect((await bob.get(id)).body.owner).toBe("tina");
    for (const r of [await bob.start(id), await bob.patch(id, { name: "mine" }), await bob.remove(id)]) {
      expect(r.status).toBe(403);
      expect(r.body.error.message).toBe(`strategy ${id} belongs to tina: only its owner or an admin may change it`);
    }
    expect((await tina.start(id)).body.state).toBe("running");
    expect((await bob.stop(id)).status).toBe(403);
    const byAdmin = await admin.stop(id);
    expect([byAdmin.status, byAdmin.body.state]).toEqual([200, "stopped"]);
    expect(byAdmin.body.reason).toStartWith("stopped by admin");
    expect((await admin.remove(id)).status).toBe(204);
  }, 20_000);

  test("list filters by state, kind and owner", async () => {
    const a = (await bob.create(grid({ name: "bob grid" }))).body.id;
    const t = (
      await bob.create({
        name: "bob twap",
        kind: "twap",
        instruments: [INST],
        params: { side: "sell", quantity: 0.001, durationSec: 3600 },
      })
    ).body.id;
    await bob.start(a);
    const ids = async (q: string) => (await vic.list(q)).body.data.map((v: any) => v.id);
    expect(await ids("?owner=bob")).toEqual([a, t]);
    expect(await ids("?owner=bob&kind=twap")).toEqual([t]);
    expect(await ids("?owner=bob&state=running")).toEqual([a]);
    expect(await ids("?owner=nobody")).toEqual([]);
    await bob.stop(a);
  }, 20_000);
});

describe("audit", () => {
  test("every strategy action is an audit row: who, what, params, the status and code the caller got, how long", async () => {
    await s.history.flush();
    const rows = async (user: string) =>
      (await admin.call("GET", `/api/audit?user=${user}&limit=500`)).body.data.filter((a: any) =>
        a.action.startsWith("strategy."),
      ) as any[];
    const bobs = (await rows("bob")).map((a) => `${a.action} ${a.status} ${a.code}`);
    for (const r of [
      "strategy.start 403 forbidden",
      "strategy.update 403 forbidden",
      "strategy.delete 403 forbidden",
      "strategy.stop 403 forbidden",
      "strategy.create 201 ok",
    ])
      expect(bobs).toContain(r);
    const tinas = await rows("tina");
    const line = (a: any) => `${a.action} ${a.status} ${a.code}`;
    for (const r of [
      "strategy.start 409 already_running",
      "strategy.delete 409 running",
      "strategy.update 409 not_live",
      "strategy.stop 409 not_running",
      "strategy.create 400 validation_failed",
      "strategy.start 409 instrument_unavailable",
      "strategy.delete 204 ok",
    ])
      expect(tinas.map(line)).toContain(r);
    const created = tinas.find((a) => a.action === "strategy.create" && a.code === "ok")!;
    expect(created.detail).toMatchObject({
      kind: "grid",
      instruments: [INST],
      params: { levels: 2, spacingPct: 5, size: 0.001 },
    });
    expect(created.detail.id).toMatch(/^[a-z0-9]{10}$/);
    expect(created.ms).toBeGreaterThanOrEqual(0);
    const refused = tinas.find((a) => a.code === "validation_failed")!;
    expect(refused.detail.message).toContain("params.");
  });
});

describe("strategy commands", () => {
  test("POST /api/commands runs strategy_start / strategy_stop on a built-in strategy for its owner; another trader's is 403", async () => {
    const made = await tina.create(grid({ name: "by-command" }));
    expect(made.status).toBe(201);
    const id = made.body.id as string;
    const theirs = await bob.call("POST", "/api/commands", { type: "strategy_start", strategyId: id });
    expect(theirs.status).toBe(403);
    const started = await tina.call("POST", "/api/commands", { type: "strategy_start", strategyId: id });
    expect(started).toMatchObject({
      status: 201,
      body: { type: "strategy_start", by: "tina", status: "done", result: { state: "running" } },
    });
    expect((await tina.call("GET", `/api/strategies/${id}`)).body.state).toBe("running");
    const again = await tina.call("POST", "/api/commands", { type: "strategy_start", strategyId: id });
    expect(again.status).toBe(409);
    const stopped = await tina.call("POST", "/api/commands", { type: "strategy_stop", strategyId: id });
    expect(stopped).toMatchObject({ status: 201, body: { status: "done", result: { state: "stopped" } } });
    const listed = await tina.call("GET", "/api/commands?type=strategy_start&by=tina");
    expect(listed.body.data.map((r: any) => r.params.strategyId)).toContain(id);
    expect((await tina.call("POST", "/api/commands", { type: "strategy_stop", strategyId: "nope" })).status).toBe(404);
  });
});

describe("PnL over the run", () => {
  test("GET /api/strategies/:id/pnl: a point per bucket while it runs, readable by viewers; a new run begins a new curve", async () => {
    const id = (await tina.create(grid({ name: "curve" }))).body.id as string;
    expect((await tina.call("GET", `/api/strategies/${id}/pnl`)).body).toEqual({ everyMs: 200, data: [] });
    expect((await tina.start(id)).body.state).toBe("running");
    let curve: any;
    await eventually(async () => {
      curve = (await vic.call("GET", `/api/strategies/${id}/pnl`)).body;
      return curve.data.length >= 3;
    });
    const ts = curve.data.map((p: any) => p.ts);
    for (const t of ts) expect(t % 200).toBe(0);
    expect(ts.every((t: number, i: number) => i === 0 || t > ts[i - 1])).toBe(true);
    const last = curve.data.at(-1);
    expect(last.total).toBe((await tina.get(id)).body.figures.pnl.total); // a grid 5% out: nothing filled, 0
    const later = (await tina.call("GET", `/api/strategies/${id}/pnl?from=${ts[1]}`)).body.data;
    expect(later[0].ts).toBe(ts[1]);
    expect((await tina.call("GET", `/api/strategies/${id}/pnl?from=-1`)).status).toBe(400);
    expect((await tina.call("GET", "/api/strategies/nope000000/pnl")).status).toBe(404);
    // Stopped, the curve stays to be read; started again, it begins anew.
    expect((await tina.stop(id)).body.state).toBe("stopped");
    expect((await tina.call("GET", `/api/strategies/${id}/pnl`)).body.data.length).toBeGreaterThan(0);
    const restartAt = Date.now();
    await s.strategies.start({ user: "tina", role: "trader" }, id);
    const restarted = (await tina.call("GET", `/api/strategies/${id}/pnl`)).body.data;
    for (const p of restarted) expect(p.ts).toBeGreaterThanOrEqual(Math.floor(restartAt / 200) * 200);
    await tina.stop(id);
  });
});
