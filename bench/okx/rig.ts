// Parts 2 and 3 run against one rig: the simulator in a Worker thread of this process (core 1,
// with the clients) and tradewire in its own process pinned to core 0, pointed at the simulator
// through OKX_REST_URL / OKX_WS_URL / OKX_API_KEY / OKX_SECRET_KEY / OKX_PASSPHRASE.

import type { Endpoint, Server } from "../lib/endpoint.ts";
import { nowMs } from "../lib/conn.ts";
import { sleep } from "../lib/proc.ts";
import { startTradewire } from "../lib/tradewire.ts";
import type { FromSim, ToSim } from "./simthread.ts";

export type Rig = {
  server: Server;
  ep: Endpoint;
  base: string;
  simTid: number;
  /** Simulator-thread clock minus this thread's clock (ms), from the best of 50 round trips. */
  clockOffsetMs: number;
  clockRttMs: number;
  market(on: boolean): void;
  flush(): Promise<Extract<FromSim, { t: "stamps" }>>;
  stop(): Promise<void>;
};

export async function startRig(o: { instruments: string[]; tickMs: number; checksum: boolean; simNice: number; env: Record<string, string> }, log: (s: string) => void): Promise<Rig> {
  const worker = new Worker(new URL("./simthread.ts", import.meta.url).href);
  const waiting = new Map<FromSim["t"], (m: FromSim) => void>();
  worker.onmessage = (e: MessageEvent<FromSim>) => {
    const w = waiting.get(e.data.t);
    waiting.delete(e.data.t);
    w?.(e.data);
  };
  const ask = <T extends FromSim["t"]>(msg: ToSim, answer: T): Promise<Extract<FromSim, { t: T }>> =>
    new Promise((resolve) => {
      waiting.set(answer, resolve as (m: FromSim) => void);
      worker.postMessage(msg);
    });

  const ready = await ask({ t: "start", instruments: o.instruments, tickMs: o.tickMs, checksum: o.checksum }, "ready");
  // The simulator stands in for a remote exchange: its market steps (several ms each) must not
  // hold up the clients' reads on the core they share. Linux keeps nice per thread.
  if (o.simNice > 0) {
    const r = Bun.spawnSync(["renice", "-n", String(o.simNice), "-p", String(ready.tid)], { stdout: "ignore", stderr: "pipe" });
    if (r.exitCode !== 0) log(`could not renice the simulator thread: ${r.stderr.toString().trim()}`);
  }
  // Clock: both threads use performance.timeOrigin + now(); measure how far apart they are.
  let best = { rtt: Number.POSITIVE_INFINITY, off: 0 };
  for (let i = 0; i < 50; i++) {
    const t1 = nowMs();
    const { tw } = await ask({ t: "clock" }, "clock");
    const t2 = nowMs();
    if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, off: tw - (t1 + t2) / 2 };
  }
  log(`simulator thread up at ${ready.url} (tid ${ready.tid}, nice ${o.simNice}); its clock is ${(best.off * 1000).toFixed(0)} µs from this thread's (round trip ${(best.rtt * 1000).toFixed(0)} µs)`);

  const c = ready.credentials;
  const env = {
    OKX_ENABLED: "true",
    OKX_REST_URL: ready.url,
    OKX_WS_URL: ready.wsUrl,
    OKX_API_KEY: c.apiKey,
    OKX_SECRET_KEY: c.secretKey,
    OKX_PASSPHRASE: c.passphrase,
    OKX_INSTRUMENTS: o.instruments.join(","),
    CLICKHOUSE_ENABLED: "false",
    RISK_ORDERS_PER_S: "100000",
    RISK_MAX_OPEN_ORDERS: "100000",
    ...o.env,
  };
  let server: Server;
  try {
    server = await startTradewire(env);
  } catch (e) {
    worker.terminate();
    throw e;
  }
  const ep = server.endpoint;
  const base = `http://${ep.host}:${ep.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await fetch(`${base}/ready`).catch(() => null);
    if (r?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`tradewire not ready after 30 s: ${await r?.text()}`);
    await sleep(200);
  }
  return {
    server,
    ep,
    base,
    simTid: ready.tid,
    clockOffsetMs: best.off,
    clockRttMs: best.rtt,
    market: (on) => worker.postMessage({ t: "market", on } satisfies ToSim),
    flush: () => ask({ t: "flush" }, "stamps"),
    async stop() {
      await server.stop();
      await Promise.race([ask({ t: "stop" }, "stopped"), sleep(3000)]);
      worker.terminate();
    },
  };
}
