// Strategies trading during the tick-to-client part (`--strategies N`): N TWAP strategies, each
// on an instrument of its own (not the order part's), placing IOC child orders so that together
// they send `--strategy-rate` orders a second through tradewire's order service to the
// simulator, buying and selling in turn; they run through every latency run and are stopped
// (and deleted) after, with what they did. The target: the tick-to-client p99 moves by no more
// than 0.5 ms against the same part without them.

import { sleep } from "../lib/proc.ts";
import type { Rig } from "./rig.ts";

export type StrategyLoadReport = {
  strategies: number;
  /** Orders a second asked for, and sent (placed + refused) over the time they ran. */
  targetOrdersPerS: number;
  ordersPerS: number;
  seconds: number;
  ordersPlaced: number;
  ordersRejected: number;
  fills: number;
  /** Final state -> how many (all "stopped" unless one failed). */
  states: Record<string, number>;
  errors: string[];
};

export type StrategyLoad = { ids: string[]; stop(): Promise<StrategyLoadReport> };

/** Size of each child order (every simulator spot pair takes it: minimum 0.0001, lot 0.000001). */
const SLICE = 0.01;
const DURATION_S = 86_400;

export async function startStrategyLoad(
  rig: Rig,
  o: { count: number; ordersPerS: number; instruments: string[] },
  log: (s: string) => void,
): Promise<StrategyLoad> {
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${rig.base}${path}`, {
      method,
      headers: { ...rig.ep.headers, ...(body ? { "Content-Type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  // Each strategy sends one order every intervalMs; together `ordersPerS`.
  const intervalMs = Math.max(50, Math.round((o.count * 1000) / o.ordersPerS));
  const pool = o.instruments.length > 1 ? o.instruments.slice(1) : o.instruments;
  const ids: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const instId = pool[i % pool.length]!;
    const quantity = (SLICE * DURATION_S * 1000) / intervalMs;
    const s = await call("POST", "/api/strategies", {
      name: `bench twap ${i + 1}`,
      kind: "twap",
      instruments: [instId],
      params: { side: i % 2 === 0 ? "buy" : "sell", quantity, durationSec: DURATION_S, intervalMs, maxSlippagePct: 1 },
      limits: { maxPosition: quantity, maxOrderNotional: 1e9, maxOrdersPerSecond: 1000 },
    });
    ids.push(s.id);
  }
  for (const id of ids) {
    const s = await call("POST", `/api/strategies/${id}/start`);
    if (s.state !== "running") throw new Error(`strategy ${id} did not start: ${s.state} ${s.reason}`);
  }
  const started = performance.now();
  log(
    `   strategies: ${o.count} TWAPs on ${Math.min(o.count, pool.length)} instruments, one IOC order each every ${intervalMs} ms (${((o.count * 1000) / intervalMs).toFixed(0)} orders/s in total), running from now until the end of the part`,
  );
  return {
    ids,
    async stop() {
      const seconds = (performance.now() - started) / 1000;
      const rep: StrategyLoadReport = {
        strategies: o.count,
        targetOrdersPerS: (o.count * 1000) / intervalMs,
        ordersPerS: 0,
        seconds,
        ordersPlaced: 0,
        ordersRejected: 0,
        fills: 0,
        states: {},
        errors: [],
      };
      for (const id of ids) {
        // Read before stopping: counters are the run's.
        const v = await call("GET", `/api/strategies/${id}`);
        rep.ordersPlaced += v.figures.counters.ordersPlaced;
        rep.ordersRejected += v.figures.counters.ordersRejected;
        rep.fills += v.figures.counters.fills;
        if (v.state === "error") rep.errors.push(`${id}: ${v.reason}`);
        const refusals = v.logs.filter((l: { level: string }) => l.level !== "info").slice(-1);
        if (refusals.length > 0 && v.figures.counters.ordersRejected > 0) rep.errors.push(`${id}: ${refusals[0].msg}`);
        const stopped = v.state === "running" ? await call("POST", `/api/strategies/${id}/stop`) : v;
        rep.states[stopped.state] = (rep.states[stopped.state] ?? 0) + 1;
      }
      rep.ordersPerS = (rep.ordersPlaced + rep.ordersRejected) / seconds;
      await sleep(200);
      for (const id of ids) await call("DELETE", `/api/strategies/${id}`).catch(() => {});
      return rep;
    },
  };
}
