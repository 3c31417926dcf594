// Price alerts held by the service, against the simulator over real sockets: set (any role, its
// own), refused on the field it concerns, on the stream (snapshot first, then when one fires and
// when one goes) and to the desk's webhook when one fires (a strategy that ends by itself too),
// removed by its owner only, and kept through a restart (chDB under DATA_DIR).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, openSse, type SseReader, startTestServer, type TestServer } from "./helpers.ts";
import { marketReady } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
const dataDir = mkdtempSync(join(tmpdir(), "tw-alerts-"));
/** The desk's webhook receiver: what the service POSTs when an alert fires. */
const hooked: any[] = [];
const hook = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (req) => {
    hooked.push(await req.json());
    return new Response(null, { status: 204 });
  },
});
const overrides = {
  OKX_ENABLED: "true",
  OKX_INSTRUMENTS: INST,
  DATA_DIR: dataDir,
  NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${hook.port}/hook`,
};
let s: TestServer;
let tina: string;
let vic: string;

beforeAll(async () => {
  s = await startTestServer(overrides);
  tina = await s.userToken("tina", "trader");
  vic = await s.userToken("vic", "viewer");
}, 60_000);
afterAll(async () => {
  await s.close();
  hook.stop(true);
  rmSync(dataDir, { recursive: true, force: true });
});

const H = (token: string) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });
const call = async (token: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${s.url}/api/alerts${path}`, {
    method,
    headers: H(token),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.status, body: r.status === 204 ? null : ((await r.json()) as any) };
};
/** The next `alert` event on the stream (snapshots included). */
async function nextAlert(sse: SseReader): Promise<any> {
  for (;;) {
    const ev = await sse.next(10_000);
    if (ev.data && ev.json().type === "alert") return ev.json().data;
  }
}

test("refusals: the one error shape, on the field concerned", async () => {
  const last = await marketReady(s, INST);
  const cases: Array<[unknown, string]> = [
    [{ instId: "XRP-USDT", price: 1 }, "instId"],
    [{ instId: INST, price: "45000" }, "price"],
    [{ instId: INST, price: 0 }, "price"],
    [{ instId: INST, price: last * 1.1, extra: 1 }, ""],
    [{ instId: INST, price: last * 1.1, note: "x".repeat(121) }, "note"],
  ];
  for (const [body, field] of cases) {
    const r = await call(tina, "POST", "", body);
    expect(`${JSON.stringify(body).slice(0, 60)} ${r.status} ${r.body.error.code}`).toBe(
      `${JSON.stringify(body).slice(0, 60)} 400 validation_failed`,
    );
    if (field) expect(r.body.error.details.map((d: any) => d.field)).toContain(field);
  }
  expect((await call(tina, "DELETE", "/nosuchalert")).status).toBe(404);
  expect((await call(tina, "GET", "/Not-An-Id")).status).toBe(400);
});

test("set by a trader and a viewer; on the stream; fires once when the market gets there; removed by its owner only", async () => {
  const last = await marketReady(s, INST);
  const sse = await openSse(`${s.url}/api/events/stream?channels=alerts`, { Authorization: `Bearer ${vic}` });
  const up = await call(tina, "POST", "", { instId: INST, price: Math.round(last * 1.05), note: "breakout" });
  expect(up.status).toBe(201);
  expect(up.body).toMatchObject({ owner: "tina", instId: INST, up: true, note: "breakout", firedAt: null });
  const down = await call(vic, "POST", "", { instId: INST, price: Math.round(last * 0.5) });
  expect([down.status, down.body.up]).toEqual([201, false]);
  expect((await call(tina, "POST", "", { instId: INST, price: Math.round(last * 1.05) })).body.error.code).toBe(
    "alert_exists",
  );
  expect((await nextAlert(sse)).id).toBe(up.body.id);
  expect((await nextAlert(sse)).id).toBe(down.body.id);

  expect(await s.sim!.setPrice(INST, last * 1.06)).toBe(true);
  const fired = await nextAlert(sse);
  expect(fired).toMatchObject({ id: up.body.id, owner: "tina" });
  expect(fired.firedPx).toBeGreaterThanOrEqual(up.body.price);
  // The desk's webhook is told, once.
  await eventually(() => hooked.length > 0, 5_000);
  expect(hooked).toEqual([
    {
      type: "alert.fired",
      text: `${INST} rose to ${up.body.price} (last ${fired.firedPx}): tina's alert, breakout`,
      alert: fired,
    },
  ]);
  const listed = await call(vic, "GET", "?state=fired");
  expect(listed.body.data).toEqual([fired]);
  expect((await call(vic, "GET", `?owner=vic`)).body.data.map((a: any) => a.id)).toEqual([down.body.id]);

  // A waiting one moves (its owner only); a fired one does not.
  const moved = await call(vic, "PATCH", `/${down.body.id}`, { price: Math.round(last * 0.4), note: "deep" });
  expect([moved.status, moved.body.price, moved.body.note]).toEqual([200, Math.round(last * 0.4), "deep"]);
  expect(await nextAlert(sse)).toEqual(moved.body);
  expect((await call(tina, "PATCH", `/${down.body.id}`, { price: 1 })).body.error.code).toBe("forbidden");
  expect((await call(tina, "PATCH", `/${up.body.id}`, { price: 1 })).body.error.code).toBe("alert_fired");
  expect((await call(vic, "PATCH", `/${down.body.id}`, { price: -1 })).status).toBe(400);
  // Someone else's alert: not theirs to remove.
  expect((await call(vic, "DELETE", `/${up.body.id}`)).body.error.code).toBe("forbidden");
  expect((await call(tina, "DELETE", `/${up.body.id}`)).status).toBe(204);
  expect(await nextAlert(sse)).toEqual({ id: up.body.id, deleted: true });
  expect((await call(tina, "GET", `/${up.body.id}`)).status).toBe(404);
  sse.close();
}, 30_000);

test("a strategy that ends without its user (finished, failed) is told to the desk's webhook too", async () => {
  await marketReady(s, INST);
  const create = await fetch(`${s.url}/api/strategies`, {
    method: "POST",
    headers: H(tina),
    body: JSON.stringify({
      name: "quick twap",
      kind: "twap",
      instruments: [INST],
      params: { side: "buy", quantity: 0.002, durationSec: 1, intervalMs: 200, maxSlippagePct: 1 },
    }),
  });
  const { id } = (await create.json()) as { id: string };
  expect((await fetch(`${s.url}/api/strategies/${id}/start`, { method: "POST", headers: H(tina) })).status).toBe(200);
  await eventually(() => hooked.some((n) => n.type === "strategy.finished"), 15_000);
  const told = hooked.find((n) => n.type === "strategy.finished");
  expect(told.text).toMatch(/^quick twap \(twap, tina\) finished: /);
  expect(told.strategy).toMatchObject({ id, owner: "tina", state: "stopped" });
});

test("a deleted user's alerts go with them", async () => {
  const last = await marketReady(s, INST);
  const val = await s.userToken("val", "viewer");
  const { id } = (await call(val, "POST", "", { instId: INST, price: Math.round(last * 4) })).body;
  const admin = await s.token();
  const r = await fetch(`${s.url}/api/users/val`, { method: "DELETE", headers: H(admin) });
  expect(r.status).toBe(204);
  await eventually(async () => (await call(admin, "GET", `/${id}`)).status === 404, 5_000);
  expect((await call(admin, "GET", "?owner=val")).body.data).toEqual([]);
});

test("kept through a restart: a waiting alert waits on, a fired one stays fired", async () => {
  const last = await marketReady(s, INST);
  const waiting = (await call(tina, "POST", "", { instId: INST, price: Math.round(last * 3) })).body;
  const fired = (await call(tina, "POST", "", { instId: INST, price: Math.round(last * 1.01) })).body;
  expect(await s.sim!.setPrice(INST, last * 1.02)).toBe(true);
  await eventually(async () => (await call(tina, "GET", `/${fired.id}`)).body.firedAt !== null, 10_000);
  const before = (await call(tina, "GET", "?owner=tina")).body.data;
  await s.close();
  s = await startTestServer(overrides);
  tina = await s.token("tina", "tina-password-1");
  const after = (await call(tina, "GET", "?owner=tina")).body.data;
  expect(after).toEqual(before);
  expect(after.find((a: any) => a.id === waiting.id).firedAt).toBeNull();
  // The stream's snapshot has them too.
  const sse = await openSse(`${s.url}/api/events/stream?channels=alerts`, { Authorization: `Bearer ${tina}` });
  const seen = new Set<string>();
  while (!seen.has(waiting.id) || !seen.has(fired.id)) seen.add((await nextAlert(sse)).id);
  sse.close();
}, 90_000);
