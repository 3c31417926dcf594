// The embedded simulator's own thread (started by sim/thread.ts): the paper exchange's market
// steps, matching and sockets run here, so they never hold up the main thread's stream fan-out.
import type { FaultPatch } from "./faults.ts";
import { type SimOptions, type Simulator, startSimulator } from "./index.ts";

declare const self: Worker;

export type ToSimWorker =
  | { t: "start"; options: SimOptions }
  | { t: "setPrice"; id: number; instId: string; px: number }
  | { t: "setFundingRate"; id: number; instId: string; rate: number | null }
  | { t: "faults"; id: number; patch: FaultPatch }
  | { t: "stop"; id: number };

export type FromSimWorker =
  | { t: "ready"; url: string; wsUrl: string; port: number; credentials: Simulator["credentials"] }
  | { t: "failed"; error: string }
  | { t: "reply"; id: number; value?: unknown; error?: string };

const post = (m: FromSimWorker) => self.postMessage(m);
let sim: Simulator | undefined;

self.onmessage = async (e: MessageEvent<ToSimWorker>) => {
  const m = e.data;
  if (m.t === "start") {
    try {
      sim = await startSimulator(m.options);
      post({ t: "ready", url: sim.url, wsUrl: sim.wsUrl, port: sim.port, credentials: sim.credentials });
    } catch (err) {
      post({ t: "failed", error: (err as Error).message });
    }
    return;
  }
  try {
    if (!sim) throw new Error("the simulator is not started");
    if (m.t === "setPrice") post({ t: "reply", id: m.id, value: sim.setPrice(m.instId, m.px) });
    else if (m.t === "setFundingRate") post({ t: "reply", id: m.id, value: sim.setFundingRate(m.instId, m.rate) });
    else if (m.t === "faults") post({ t: "reply", id: m.id, value: sim.faults.set(m.patch) });
    else if (m.t === "stop") {
      await sim.stop();
      post({ t: "reply", id: m.id });
    }
  } catch (err) {
    post({ t: "reply", id: m.id, error: (err as Error).message });
  }
};
