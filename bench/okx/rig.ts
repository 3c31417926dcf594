// Parts 2 and 3 run against one rig: the simulator (a process of its own under SCHED_IDLE by
// default, on core 1 with the clients; or a Worker thread of this process) and tradewire in its
// own process pinned to core 0, pointed at the simulator through OKX_REST_URL / OKX_WS_URL /
// OKX_API_KEY / OKX_SECRET_KEY / OKX_PASSPHRASE.
//
// Why a process under SCHED_IDLE: the simulator stands in for a remote exchange and must not
// take the clients' core from them. As a thread of this process at nice 19, its own GC and
// JIT helper threads still ran at nice 0 next to the clients, and a nice-19 thread still ends
// its slice before a woken client runs; the clients' thread was then off the CPU for 2-10 ms
// about 8 times a second. Under SCHED_IDLE every thread of the simulator yields at once, and
// its pushes stay on time (it is idle ~90% of the time). Its time stamp is taken before the
// write, so a push held up between the two counts against tradewire, never for it.

import { nowMs } from "../../src/domain/time.ts";
import type { Endpoint, Server } from "../lib/endpoint.ts";
import { sleep } from "../lib/proc.ts";
import { onExitStop } from "../lib/servers.ts";
import { startTradewire } from "../lib/tradewire.ts";
import type { FromSim, ToSim } from "./simthread.ts";

export type Rig = {
  server: Server;
  ep: Endpoint;
  base: string;
  simPid: number;
  simTid: number;
  /** Simulator-thread clock minus this thread's clock (ms), from the best of 50 round trips. */
  clockOffsetMs: number;
  clockRttMs: number;
  market(on: boolean): void;
  flush(): Promise<Extract<FromSim, { t: "stamps" }>>;
  stop(): Promise<void>;
};

/** The simulator as a Worker thread of this process or as a process of its own (IPC), one interface. */
type SimLink = { send(m: ToSim): void; onMessage(f: (m: FromSim) => void): void; kill(): void };

function simLink(asProcess: boolean, nice: number, idle: boolean): SimLink {
  const file = new URL("./simthread.ts", import.meta.url).pathname;
  if (asProcess) {
    let on: (m: FromSim) => void = () => {};
    // Set before exec, so every thread of the process (JS, GC helpers, JIT, I/O) starts with it.
    // SCHED_IDLE: the simulator runs only when the clients' core has nothing else to run, and a
    // woken client thread takes the core from it at once (nice 19 still lets it finish a slice).
    const sched = idle ? ["chrt", "--idle", "0"] : ["nice", "-n", String(nice)];
    const proc = Bun.spawn([...sched, process.execPath, file], {
      ipc: (m: FromSim) => on(m),
      serialization: "advanced",
      stdin: "ignore",
      stdout: "inherit",
      stderr: "inherit",
    });
    const stop = onExitStop("simulator process", () => proc.kill("SIGKILL"));
    return {
      send: (m) => proc.send(m),
      onMessage: (f) => (on = f),
      kill: () => {
        stop();
        proc.kill();
      },
    };
  }
  const worker = new Worker(file);
  return {
    send: (m) => worker.postMessage(m),
    onMessage: (f) => (worker.onmessage = (e: MessageEvent<FromSim>) => f(e.data)),
    kill: () => worker.terminate(),
  };
}

export type RigOptions = {
  instruments: string[];
  tickMs: number;
  checksum: boolean;
  /** The simulator in a process of its own (else a Worker thread of this process). */
  simProcess: boolean;
  /** Its scheduling: SCHED_IDLE (process only) or this nice value. */
  simIdle: boolean;
  simNice: number;
  env: Record<string, string>;
};

export async function startRig(o: RigOptions, log: (s: string) => void): Promise<Rig> {
  const worker = simLink(o.simProcess, o.simNice, o.simIdle && o.simProcess);
  const waiting = new Map<FromSim["t"], (m: FromSim) => void>();
  worker.onMessage((m) => {
    const w = waiting.get(m.t);
    waiting.delete(m.t);
    w?.(m);
  });
  const ask = <T extends FromSim["t"]>(msg: ToSim, answer: T): Promise<Extract<FromSim, { t: T }>> =>
    new Promise((resolve) => {
      waiting.set(answer, resolve as (m: FromSim) => void);
      worker.send(msg);
    });

  const ready = await ask({ t: "start", instruments: o.instruments, tickMs: o.tickMs, checksum: o.checksum }, "ready");
  // The simulator stands in for a remote exchange: its market steps (several ms each) must not
  // hold up the clients' reads on the core they share. Linux keeps nice per thread; a process of
  // its own was started under nice (all its threads).
  if (o.simNice > 0 && !o.simProcess) {
    const r = Bun.spawnSync(["renice", "-n", String(o.simNice), "-p", String(ready.tid)], {
      stdout: "ignore",
      stderr: "pipe",
    });
    if (r.exitCode !== 0) log(`could not renice the simulator thread: ${r.stderr.toString().trim()}`);
  }
  // Clock: both threads use nowMs() (domain/time.ts); measure how far apart they are.
  let best = { rtt: Number.POSITIVE_INFINITY, off: 0 };
  for (let i = 0; i < 50; i++) {
    const t1 = nowMs();
    const { tw } = await ask({ t: "clock" }, "clock");
    const t2 = nowMs();
    if (t2 - t1 < best.rtt) best = { rtt: t2 - t1, off: tw - (t1 + t2) / 2 };
  }
  log(
    `simulator ${o.simProcess ? `process (pid ${ready.pid})` : `thread (tid ${ready.tid})`} up at ${ready.url}, ${o.simIdle && o.simProcess ? "SCHED_IDLE" : `nice ${o.simNice}`}; its clock is ${(best.off * 1000).toFixed(0)} µs from this thread's (round trip ${(best.rtt * 1000).toFixed(0)} µs)`,
  );

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
    worker.kill();
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
    simPid: ready.pid,
    simTid: ready.tid,
    clockOffsetMs: best.off,
    clockRttMs: best.rtt,
    market: (on) => worker.send({ t: "market", on }),
    flush: () => ask({ t: "flush" }, "stamps"),
    async stop() {
      await server.stop();
      await Promise.race([ask({ t: "stop" }, "stopped"), sleep(3000)]);
      worker.kill();
    },
  };
}
