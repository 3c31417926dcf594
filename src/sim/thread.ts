// The embedded simulator in a Worker of its own (sim/worker.ts), for the service's default start:
// its URLs and credentials, and the few controls the service and its tests use, as messages.
import type { OkxCredentials } from "../okx/sign.ts";
import type { FaultPatch, FaultState } from "./faults.ts";
import type { SimOptions } from "./options.ts";
import type { FromSimWorker, ToSimWorker } from "./worker.ts";

// Inside a `bun build --compile` binary modules live under /$bunfs/root/ (see exchange/ingest.ts).
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./sim/worker.ts"
  : new URL("./worker.ts", import.meta.url).href;

export interface SimulatorThread {
  /** REST base, e.g. "http://127.0.0.1:40123". */
  url: string;
  /** WebSocket base ending in /ws/v5. */
  wsUrl: string;
  port: number;
  credentials: OkxCredentials;
  /** Moves the market of an instrument's pair to `px`; false for an unknown instrument. */
  setPrice(instId: string, px: number): Promise<boolean>;
  /** Pins a swap's funding rate, or with null lets it walk again; false for a non-swap or a rate beyond the cap. */
  setFundingRate(instId: string, rate: number | null): Promise<boolean>;
  /** Applies a fault patch (sim/faults.ts); resolves with the new fault state. */
  setFaults(patch: FaultPatch): Promise<FaultState>;
  stop(): Promise<void>;
}

/**
 * Starts the simulator in its own Worker; rejects when it cannot start (e.g. the port is taken).
 * `onEnd` hears of a thread that ends other than by stop() (an uncaught error in the simulator).
 * @example const sim = await startSimulatorThread({ instruments: ["BTC-USDT"], dataDir: "data/sim" })
 */
export function startSimulatorThread(
  options: SimOptions,
  onEnd: (why: string) => void = () => {},
): Promise<SimulatorThread> {
  const worker = new Worker(WORKER_URL);
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let gone: Error | undefined;
  const call = <T>(m: (id: number) => ToSimWorker): Promise<T> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage(m(id));
    });
  };
  return new Promise<SimulatorThread>((started, failed) => {
    const die = (why: string) => {
      if (gone) return;
      gone = new Error(`the simulator thread ended: ${why}`);
      onEnd(why);
      for (const w of waiting.values()) w.reject(gone);
      waiting.clear();
      failed(gone);
    };
    worker.onerror = (e) => die(e.message);
    worker.addEventListener("close", () => die("it exited"));
    worker.onmessage = (e: MessageEvent<FromSimWorker>) => {
      const m = e.data;
      if (m.t === "failed") {
        gone = new Error(m.error);
        worker.terminate();
        failed(gone);
        return;
      }
      if (m.t === "ready") {
        const { url, wsUrl, port, credentials } = m;
        started({
          url,
          wsUrl,
          port,
          credentials,
          setPrice: (instId, px) => call<boolean>((id) => ({ t: "setPrice", id, instId, px })),
          setFundingRate: (instId, rate) => call<boolean>((id) => ({ t: "setFundingRate", id, instId, rate })),
          setFaults: (patch) => call<FaultState>((id) => ({ t: "faults", id, patch })),
          stop: async () => {
            if (gone) return;
            await call((id) => ({ t: "stop", id }));
            gone = new Error("the simulator is stopped");
            worker.terminate();
          },
        });
        return;
      }
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m.value);
    };
    worker.postMessage({ t: "start", options } satisfies ToSimWorker);
  });
}
