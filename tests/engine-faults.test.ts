// Engine faults: an engine that goes silent (commands refused at once, a `system` event, /ready
// says so, and all of it undone when it heartbeats again), a clean stop, and a Redis restart
// during engine traffic (no command lost or run twice; the bridge reconnects). Redis of the
// test's own (killed and restarted).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { type CommandRecord, EngineUnavailable } from "../src/services/commands.ts";
import { engineState, type RefEngine, runToEnd, startRefEngine } from "./engine-helpers.ts";
import { openSse, type SseReader, startTestServer } from "./helpers.ts";
import { inspect, NO_REDIS, noteSkip, type OwnRedis, startOwnRedis } from "./redis-helpers.ts";

noteSkip("engine-faults");
let own: OwnRedis;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  if (!NO_REDIS) own = await startOwnRedis();
});
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
afterAll(async () => {
  await own?.stop();
});

async function setup(env: Record<string, string> = {}) {
  const s = await startTestServer({ REDIS_URL: own.url, ...env });
  cleanup.push(() => s.close());
  const admin = await s.token();
  return { s, admin };
}
function engineUp(args: string[] = []): RefEngine {
  const e = startRefEngine(own.url, args);
  cleanup.push(() => e.kill());
  return e;
}
/** The next engine state event `state` at or after `since` (a loaded machine may add earlier ones). */
async function systemEvent(sse: SseReader, state: string, since = 0): Promise<any> {
  for (;;) {
    const ev = await sse.nextEvent(5000);
    const d = ev.json().data;
    if (ev.event === "system" && d.kind === "engine" && d.state === state && d.ts >= since) return d;
  }
}

describe.skipIf(NO_REDIS)("engine faults", () => {
  test("an engine that goes silent: system event, /ready 503, commands refused at once; back: all clear", async () => {
    const { s, admin } = await setup({ ENGINE_IDS: "ref-1" });
    const ready = async () => {
      const r = await fetch(`${s.url}/ready`);
      return { status: r.status, engine: ((await r.json()) as any).checks.find((c: any) => c.name === "engine") };
    };
    expect(await ready()).toEqual({
      status: 503,
      engine: { name: "engine", ok: false, detail: "ref-1 never registered" },
    });
    const sse = await openSse(`${s.url}/api/events/stream?channels=system`, { Authorization: `Bearer ${admin}` });
    cleanup.push(() => sse.close());
    const first = engineUp();
    expect(await systemEvent(sse, "up")).toMatchObject({ engineId: "ref-1" });
    expect(await ready()).toEqual({ status: 200, engine: { name: "engine", ok: true, detail: "1 engine" } });

    const killedAt = Date.now();
    await first.kill(); // no bye: it just stops heartbeating
    const silent = await systemEvent(sse, "silent", killedAt);
    expect(silent).toMatchObject({ engineId: "ref-1", reason: "no heartbeat" });
    expect(silent.ts - silent.lastSeen).toBeGreaterThan(300); // 3 x 100 ms heartbeats
    expect(await ready()).toEqual({ status: 503, engine: { name: "engine", ok: false, detail: "ref-1 silent" } });
    const refused = s.commands.run("admin", { type: "engine", engineId: "ref-1", name: "ping" });
    await expect(refused).rejects.toBeInstanceOf(EngineUnavailable);
    await expect(refused).rejects.toThrow("engine ref-1 is silent");
    await expect(s.commands.run("admin", { type: "strategy_start", strategyId: "ref-mm" })).rejects.toBeInstanceOf(
      EngineUnavailable,
    );
    expect(s.engines!.strategy("ref-mm")?.engineState).toBe("silent");

    const backAt = Date.now();
    const second = engineUp();
    expect(await systemEvent(sse, "up", backAt)).toMatchObject({ engineId: "ref-1" });
    expect(await ready()).toMatchObject({ status: 200 });
    expect((await runToEnd(s, "admin", { type: "engine", name: "ping" })).status).toBe("done");

    const stoppedAt = Date.now();
    await second.stop(); // a clean stop: bye, stopped at once
    expect(await systemEvent(sse, "stopped", stoppedAt)).toMatchObject({ engineId: "ref-1", reason: "shutdown" });
    await expect(s.commands.run("admin", { type: "engine", name: "ping" })).rejects.toThrow("engine ref-1 is stopped");
  }, 30_000);

  test("commands waiting in a Redis that restarts empty are written again and run once", async () => {
    const { s } = await setup();
    const first = engineUp();
    await engineState(s, "ref-1", "up");
    // Killed, not stopped: a stopped engine's socket may already hold the commands Redis pushed to
    // its blocked read, and it would run them from there. Its registration stays up for 3 heartbeats.
    await first.kill();
    const waiting = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => s.commands.run("admin", { type: "engine", name: "ping", args: { i } })),
    );
    await own.kill(); // the commands in its stream are gone with it
    await own.start();
    engineUp(); // the same engine id again: it can only run what tradewire writes again
    const ends = await Promise.all(waiting.map((r) => s.commands.settled(r.id, 15_000)));
    expect(ends.map((r) => [r?.status, (r?.result.args as { i: number } | undefined)?.i])).toEqual(
      [1, 2, 3, 4, 5].map((i) => ["done", i]),
    );
    const stats = await runToEnd(s, "admin", { type: "engine", name: "stats" });
    expect(stats.result.duplicates).toEqual([]);
    // The Redis that came back empty holds them: tradewire wrote them again.
    const r = await inspect(own.url);
    const again = ((await r.xrange("tw:engine:ref-1:commands", "-", "+")) as [string, string[]][]).map(
      ([, f]) => JSON.parse(f[1]!).id as string,
    );
    r.disconnect();
    expect(waiting.filter((w) => !again.includes(w.id))).toEqual([]);
  }, 30_000);

  test("Redis restarts (empty) during engine traffic: every command that was taken runs once and finishes; events flow again", async () => {
    const { s } = await setup();
    engineUp(["--autostart"]);
    await engineState(s, "ref-1", "up");
    // Commands every few ms: before the kill, while Redis is away (refused at once, or taken and
    // left pending), and after it is back, until 10 were taken after the restart.
    const taken: CommandRecord[] = [];
    let refused = 0;
    let restarted = 0;
    let after = 0;
    const deadline = Date.now() + 20_000;
    for (let i = 0; Date.now() < deadline && after < 10; i++) {
      if (i === 25) {
        await own.kill();
        void Bun.sleep(300)
          .then(() => own.start())
          .then(() => (restarted = Date.now()));
      }
      try {
        const rec = await s.commands.run("admin", { type: "engine", engineId: "ref-1", name: "ping", args: { i } });
        taken.push(rec);
        if (restarted && rec.createdAt > restarted) after++;
      } catch (err) {
        refused++;
        expect((err as Error).name).toMatch(/EngineUnavailable|RedisUnavailable/);
      }
      await Bun.sleep(i < 25 ? 5 : 25);
    }
    expect(restarted).toBeGreaterThan(0);
    expect(after).toBe(10);
    expect(taken.filter((r) => r.createdAt < restarted).length).toBeGreaterThanOrEqual(20);
    const ends = await Promise.all(taken.map((r) => s.commands.settled(r.id, 15_000)));
    expect(ends.filter((e) => e?.status !== "done").map((e) => [e?.id, e?.status, e?.error])).toEqual([]);
    expect(new Set(ends.map((e) => (e!.result.args as { i: number }).i)).size).toBe(taken.length);

    // The engine ran each once (it keeps a count per command id).
    const stats = await runToEnd(s, "admin", { type: "engine", name: "stats" });
    const ran = new Set(stats.result.ids as string[]);
    expect(stats.result.duplicates).toEqual([]);
    expect(taken.filter((r) => !ran.has(r.id)).map((r) => r.id)).toEqual([]);

    // The bridge reads again: new engine events reach a client after the restart (a new login:
    // the sessions were in the Redis that lost its data).
    const sse = await openSse(`${s.url}/api/events/stream?channels=strategy:ref-mm`, {
      Authorization: `Bearer ${await s.token()}`,
    });
    cleanup.push(() => sse.close());
    let ev: Awaited<ReturnType<typeof sse.nextEvent>>;
    do ev = await sse.nextEvent(5000);
    while (ev.event === "connected");
    expect(ev.json().ts.rx).toBeGreaterThan(restarted);
    expect(ev.json().data).toMatchObject({ src: "engine", engineId: "ref-1" });
    console.log(`[engine-faults] ${taken.length} commands taken, ${refused} refused during the restart`);
  }, 60_000);
});
