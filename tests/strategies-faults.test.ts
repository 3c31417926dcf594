// Faults of strategies, each in its own Worker: code that throws or rejects, a Worker that exits
// or hangs. Each goes to `error` with the reason and its resting order is cancelled, while a grid
// beside it keeps running and stream clients keep getting events. The kill switch stops every
// strategy (their orders cancelled) and none starts until it is off.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openSse, startTestServer, type TestServer } from "./helpers.ts";
import { type Client, client, marketReady, openOf, until } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
let s: TestServer;
let tina: Client;
let admin: Client;
let mid: number;
let gridId: string;
beforeAll(async () => {
  s = await startTestServer(
    { OKX_ENABLED: "true", OKX_INSTRUMENTS: INST, RISK_ORDERS_PER_S: "1000" },
    {
      strategyKinds: [
        new URL("./fixtures/strategies/faulty.ts", import.meta.url).href,
        new URL("./fixtures/strategies/adjusting.ts", import.meta.url).href,
      ],
      strategyTuning: { stallMs: 1500 },
    },
  );
  tina = client(s, await s.userToken("tina", "trader"));
  admin = client(s, await s.token());
  mid = await marketReady(s, INST);
  gridId = (
    await tina.create({
      name: "bystander",
      kind: "grid",
      instruments: [INST],
      params: { levels: 1, spacingPct: 5, size: 0.001 },
    })
  ).body.id;
  expect((await tina.start(gridId)).body.state).toBe("running");
  await until(tina, gridId, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 2);
}, 60_000);
afterAll(() => s.close());

/** Starts a faulty strategy; waits until it failed; returns it. */
async function failing(mode: string): Promise<any> {
  const { body } = await tina.create({
    name: mode,
    kind: "faulty",
    instruments: [INST],
    params: { mode, px: Math.round(mid * 0.5) },
  });
  const started = await tina.start(body.id);
  expect(started.status).toBe(200);
  expect(["running", "error"]).toContain(started.body.state); // it may fail before the answer is written
  return until(tina, body.id, (v) => v.state === "error", 15_000);
}

describe("a failing strategy goes to error; the others go on", () => {
  const cases: Array<[string, RegExp]> = [
    ["throw", /^the strategy's code threw: faulty strategy: boom$/],
    ["reject", /^the strategy's code threw: faulty strategy: rejected$/],
    ["exit", /^the strategy's worker exited \(code 7\)$/],
    ["spin", /^the strategy's worker did not answer for \d+ ms \(stuck\?\)$/],
  ];
  for (const [mode, reason] of cases) {
    test(`${mode}: error with the reason, its resting order cancelled, the grid still running`, async () => {
      // Ending a spinning Worker needs polling traps, or chDB in this process takes the trap's
      // SIGSEGV for a crash (src/ops/runtime-env.ts); `npm test` sets them as the service does.
      if (mode === "spin") expect(process.env.BUN_JSC_usePollingTraps).toBe("true");
      const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:${INST}`, {
        Authorization: `Bearer ${await s.token()}`,
      });
      expect((await sse.next()).event).toBe("connected");
      const v = await failing(mode);
      expect(v.reason).toMatch(reason);
      expect(v.figures.lastError.message).toBe(v.reason);
      expect(v.logs.map((l: any) => l.msg)).toContain(v.reason);
      const after = await until(tina, v.id, (x) => x.figures.openOrders.length === 0);
      expect(after.logs.map((l: any) => l.msg)).toContain("after the error: 1 of 1 open orders cancelled");
      expect(openOf(s, v.id)).toEqual([]);
      // Meanwhile: the stream still flows and the grid is untouched.
      expect((await sse.nextEvent(3000)).event).toBe("ticker");
      sse.close();
      const g = (await tina.get(gridId)).body;
      expect(g.state).toBe("running");
      expect(openOf(s, gridId)).toHaveLength(2);
      // The embedded ClickHouse in this process is still answering (ending a busy Worker must not take it down).
      expect((await admin.call("GET", "/api/audit?limit=1")).status).toBe(200);
      // It may be started again (and fails again the same way), or deleted.
      expect((await tina.remove(v.id)).status).toBe(204);
    }, 30_000);
  }

  test("the grid's Worker still answers: a live param reaches it", async () => {
    const r = await tina.patch(gridId, { params: { size: 0.002 } });
    expect(r.status).toBe(200);
    const v = await until(tina, gridId, (x) => x.logs.some((l: any) => l.msg === "size is now 0.002 for new orders"));
    expect(v.state).toBe("running");
  });
});

describe("kill switch", () => {
  test("stops every strategy and cancels their orders; nothing starts and no order goes until it is off", async () => {
    const bob = client(s, await s.userToken("bob", "trader"));
    const other = (
      await bob.create({
        name: "bob grid",
        kind: "grid",
        instruments: [INST],
        params: { levels: 1, spacingPct: 4, size: 0.001 },
      })
    ).body.id;
    await bob.start(other);
    await until(bob, other, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 2);

    const on = await admin.call("POST", "/api/commands", { type: "kill_switch", on: true });
    expect(on.status).toBe(201);
    for (const [c, id] of [
      [tina, gridId],
      [bob, other],
    ] as const) {
      const v = await until(c, id, (x) => x.state === "stopped" && x.figures.openOrders.length === 0);
      expect(v.reason).toBe("kill switch; 2 of 2 open orders cancelled");
      expect(openOf(s, id)).toEqual([]);
    }
    const refused = await tina.start(gridId);
    expect([refused.status, refused.body.error.code]).toEqual([409, "kill_switch"]);
    const manual = await tina.call("POST", "/api/orders", {
      instId: INST,
      side: "buy",
      ordType: "limit",
      sz: "0.001",
      px: String(Math.round(mid * 0.5)),
    });
    expect(manual.status).toBe(422);

    expect((await admin.call("POST", "/api/commands", { type: "kill_switch", on: false })).status).toBe(201);
    expect((await tina.start(gridId)).body.state).toBe("running");
    await until(tina, gridId, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 2);
    await s.history.flush();
    const rows = await admin.call("GET", `/api/audit?user=${encodeURIComponent("kill switch")}`);
    expect([rows.status, rows.body]).toEqual([200, expect.anything()]);
    const audit = rows.body.data.map((a: any) => `${a.action} ${a.target}`);
    expect(audit.sort()).toEqual([`strategy.stop ${gridId}`, `strategy.stop ${other}`].sort());
    await tina.stop(gridId);
  }, 30_000);
});

test("a strategy changing its own params: a live one is kept and published; one not live, or one its schema refuses, is logged and dropped", async () => {
  const { body } = await tina.create({ name: "adjusting", kind: "adjusting", instruments: [INST] });
  expect((await tina.start(body.id)).body.state).toBe("running");
  const v = await until(tina, body.id, (x) => x.params.level === 5);
  expect(v.params).toEqual({ fixed: 1, level: 5 });
  expect(v.updatedAt).toBeGreaterThan(body.updatedAt);
  const said = (await until(tina, body.id, (x) => x.logs.length >= 3)).logs.map((l: any) => `${l.level} ${l.msg}`);
  expect(said).toContain("warn the strategy may not change fixed while it runs: ignored");
  expect(
    said.some((m: string) => /^warn its own change of params was refused \(params\.level: .+\): ignored$/.test(m)),
  ).toBe(true);
  await tina.stop(body.id);
});
