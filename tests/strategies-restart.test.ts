// Strategies are durable (chDB under DATA_DIR): after a restart every one is listed again with
// its params, limits and position; one that was running comes back `stopped` with the reason
// "service restarted while it was running" (its orders were cancelled at shutdown) and can be
// started again, except a stop, which starts again by itself; a deleted one stays deleted.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "./helpers.ts";
import { client, marketReady, openOf, until } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
const dataDir = mkdtempSync(join(tmpdir(), "tw-strategies-restart-"));
const overrides = { OKX_ENABLED: "true", OKX_INSTRUMENTS: INST, DATA_DIR: dataDir };
let live: TestServer | undefined;
afterAll(async () => {
  await live?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = async (s: TestServer, username: string, password: string) =>
  (
    (await (
      await fetch(`${s.url}/api/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password }),
      })
    ).json()) as { accessToken: string }
  ).accessToken;

test("every strategy is listed again after a restart; a running one comes back stopped, saying why", async () => {
  let s = (live = await startTestServer(overrides));
  const tina = client(s, await s.userToken("tina", "trader"));
  await marketReady(s, INST);
  const running = (
    await tina.create({
      name: "running grid",
      kind: "grid",
      instruments: [INST],
      params: { levels: 1, spacingPct: 3, size: 0.001 },
      limits: { maxPosition: 0.5 },
    })
  ).body.id;
  const idle = (
    await tina.create({
      name: "idle twap",
      kind: "twap",
      instruments: [INST],
      params: { side: "sell", quantity: 0.01, durationSec: 60 },
    })
  ).body.id;
  const done = (
    await tina.create({
      name: "done twap",
      kind: "twap",
      instruments: [INST],
      params: { side: "buy", quantity: 0.002, durationSec: 1, intervalMs: 100, maxSlippagePct: 1 },
    })
  ).body.id;
  const stop = (
    await tina.create({
      name: "stop",
      kind: "stop",
      instruments: [INST],
      params: { side: "sell", size: 0.001, stopPx: 1000 },
      limits: { maxPosition: 0.001 },
    })
  ).body.id;
  expect((await tina.start(stop)).body.state).toBe("running");
  const deleted = (await tina.create({ name: "deleted", kind: "grid", instruments: [INST], params: { size: 0.001 } }))
    .body.id;
  expect((await tina.remove(deleted)).status).toBe(204);
  await tina.start(done);
  const finished = await until(tina, done, (v) => v.state === "stopped");
  await tina.start(running);
  await until(tina, running, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 2);
  const before = (await tina.list()).body.data;
  await s.close(); // its orders are cancelled on the way down
  expect(openOf(s, running)).toEqual([]);

  s = live = await startTestServer(overrides);
  const t2 = client(s, await login(s, "tina", "tina-password-1"));
  const after = (await t2.list()).body.data;
  expect(after.map((v: any) => v.id)).toEqual([running, idle, done, stop]);
  const byId = Object.fromEntries(after.map((v: any) => [v.id, v]));
  const strip = (v: any) => ({
    ...v,
    state: undefined,
    reason: undefined,
    updatedAt: undefined,
    figures: undefined,
    logs: undefined,
  });
  for (const v of before) expect(strip(byId[v.id])).toEqual(strip(v));
  expect(byId[running]).toMatchObject({
    state: "stopped",
    reason: "service restarted while it was running",
    limits: { maxPosition: 0.5 },
  });
  expect(byId[idle]).toMatchObject({ state: "stopped", reason: "created" });
  expect(byId[done]).toMatchObject({ state: "stopped", reason: finished.reason });
  expect(byId[done].figures.positions[0].pos).toBeCloseTo(0.002, 9); // the position is kept
  expect(byId[done].figures.pnl.fees).toBeCloseTo(finished.figures.pnl.fees, 9);
  expect((await t2.get(deleted)).status).toBe(404);

  // A stop is protection: it starts again by itself once the exchange has sent its instrument's
  // rules (until then it waits, saying so), started by "system" in the audit log.
  if (byId[stop].state === "stopped")
    expect(byId[stop].reason).toBe(
      "service restarted: starts again once its instruments' rules (and, for a stop, the account's positions) are in",
    );
  const rearmed = await until(t2, stop, (v) => v.state === "running", 20_000);
  expect(rearmed.logs.map((l: any) => l.msg)).toContain(`armed: sell 0.001 ${INST} at stop <= 1000`);
  await s.history.flush();
  const audit = (await client(s, await s.token()).call("GET", "/api/audit?user=system&limit=10")).body.data;
  expect(audit.map((a: any) => `${a.action} ${a.target} ${a.status}`)).toContain(`strategy.start ${stop} 200`);

  await marketReady(s, INST);
  expect((await t2.start(running)).body.state).toBe("running");
  await until(t2, running, (v) => v.figures.openOrders.filter((o: any) => o.state === "live").length === 2);
  await t2.stop(running);
  await t2.stop(stop);
}, 90_000);
