// Where a strategy's Worker thread runs (Linux): under SCHED_IDLE by default, at a nice value with
// STRATEGY_THREADS=nice (a host shared with other busy work, where SCHED_IDLE threads stall); a
// stop's always at the nice value.
import { afterEach, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { startTestServer, type TestServer } from "./helpers.ts";
import { client, marketReady, until } from "./strategies-helpers.ts";

const INST = "BTC-USDT";
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** This process's threads: scheduling policy and nice value, by thread id. */
function threads(): Map<number, { policy: number; nice: number }> {
  const out = new Map<number, { policy: number; nice: number }>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "latin1");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
      out.set(Number(tid), { nice: Number(f[16]), policy: Number(f[38]) });
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** The threads a running grid strategy (or a stop) added to this process. */
async function strategyThreads(
  s: TestServer,
  kind: "grid" | "stop" = "grid",
): Promise<Array<{ policy: number; nice: number }>> {
  const tina = client(s, await s.userToken("tina", "trader"));
  await marketReady(s, INST);
  const before = threads();
  const { body } =
    kind === "grid"
      ? await tina.create({
          name: "grid",
          kind,
          instruments: [INST],
          params: { levels: 1, spacingPct: 5, size: 0.001 },
        })
      : await tina.create({
          name: "stop",
          kind,
          instruments: [INST],
          params: { side: "sell", size: 0.001, stopPx: 1000 },
          limits: { maxPosition: 0.001 },
        });
  expect((await tina.start(body.id)).body.state).toBe("running");
  if (kind === "grid") await until(tina, body.id, (v) => v.figures.openOrders.length === 2);
  else await until(tina, body.id, (v) => v.logs.some((l: any) => l.msg.startsWith("armed")));
  const added = [...threads()].filter(([tid]) => !before.has(tid)).map(([, t]) => t);
  await tina.stop(body.id);
  return added;
}

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe.if(process.platform === "linux")("strategy Worker threads", () => {
  test("by default under SCHED_IDLE", async () => {
    s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: INST });
    const added = await strategyThreads(s);
    // The Worker's thread (and any thread it starts, which inherits its policy).
    expect(added.filter((t) => t.policy === SCHED_IDLE).length).toBeGreaterThan(0);
  }, 60_000);

  test("a stop (protection) never under SCHED_IDLE: at STRATEGY_NICE, so a busy host cannot hold its trigger", async () => {
    s = await startTestServer({ OKX_ENABLED: "true", OKX_INSTRUMENTS: INST, STRATEGY_NICE: "12" });
    const added = await strategyThreads(s, "stop");
    expect(added.filter((t) => t.policy === SCHED_IDLE)).toEqual([]);
    expect(added.filter((t) => t.policy === SCHED_OTHER && t.nice === 12).length).toBeGreaterThan(0);
  }, 60_000);

  test("STRATEGY_THREADS=nice: at STRATEGY_NICE under the normal policy, none under SCHED_IDLE", async () => {
    s = await startTestServer({
      OKX_ENABLED: "true",
      OKX_INSTRUMENTS: INST,
      STRATEGY_THREADS: "nice",
      STRATEGY_NICE: "13",
    });
    const added = await strategyThreads(s);
    expect(added.filter((t) => t.policy === SCHED_IDLE)).toEqual([]);
    expect(added.filter((t) => t.policy === SCHED_OTHER && t.nice === 13).length).toBeGreaterThan(0);
  }, 60_000);
});
