// The tick bench's light SSE client (`--client native`, the default): C subscribers on one
// epoll loop (bench/okx/native/sse-clients.c, compiled at run time by Bun's built-in TinyCC)
// in a Worker thread, so the clients' own per-read cost does not queue the 100th read of a
// fan-out behind 99 JavaScript socket callbacks. It reads the same bytes as the JS client
// (`--client js`): the same request, the same ticker events, stamped when the read returns.
//
// The Worker blocks in tw_run() until the main thread sets the stop word; records and counters
// live in SharedArrayBuffers the main thread reads afterwards. Read times are converted from
// CLOCK_MONOTONIC to the bench's clock (timeOrigin + performance.now()) with an offset taken
// in the Worker from the best of 200 back-to-back pairs.

import { sseRequest } from "../lib/clients.ts";
import type { Endpoint } from "../lib/endpoint.ts";
import { sleep } from "../lib/proc.ts";

/** Per ticker delivery: instrument index, OKX ts, tradewire rx and pub stamps, read time (bench clock). */
export type NativeRecords = {
  count: number;
  get(i: number): { inst: number; ex: number; rx: number; pub: number; at: number };
};

const STATS = ["ready", "reads", "bytes", "events", "tickers", "unknownInst", "closed", "badHead", "dropped"] as const;
export type NativeStats = Record<(typeof STATS)[number], number>;

type ToWorker = {
  port: number;
  request: string;
  clients: number;
  ids: string;
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  out: SharedArrayBuffer;
};
type FromWorker =
  | { t: "open"; offsetMs: number; tid: number }
  | { t: "done"; count: number }
  | { t: "error"; message: string };

export class NativeClients {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly statBuf = new Int32Array(new SharedArrayBuffer(4 * 16));
  private readonly out: Float64Array;
  private offsetMs = 0;
  /** The Worker's thread id (for its CPU time). */
  tid = 0;
  private readonly opened: Promise<void>;
  private done: Promise<number> | null = null;
  private onDone: (n: number) => void = () => {};
  private failed = "";

  /** capacity: ticker deliveries kept (5 doubles each). */
  constructor(
    ep: Endpoint,
    path: string,
    readonly clients: number,
    instruments: string[],
    capacity: number,
  ) {
    this.out = new Float64Array(new SharedArrayBuffer(capacity * 5 * 8));
    this.worker = new Worker(new URL("./native-worker.ts", import.meta.url).pathname);
    const req = sseRequest(ep.host, ep.port, path, ep.headers).toString("latin1");
    this.opened = new Promise((resolve, reject) => {
      this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const m = e.data;
        if (m.t === "open") {
          this.offsetMs = m.offsetMs;
          this.tid = m.tid;
          resolve();
        } else if (m.t === "done") this.onDone(m.count);
        else {
          this.failed = m.message;
          reject(new Error(m.message));
          this.onDone(0); // a stop() waiting for the loop learns of it
        }
      };
    });
    this.opened.catch(() => {});
    const msg: ToWorker = {
      port: ep.port,
      request: req,
      clients,
      ids: instruments.map((s) => `${s}\n`).join(""),
      control: this.control.buffer as SharedArrayBuffer,
      stats: this.statBuf.buffer as SharedArrayBuffer,
      out: this.out.buffer as SharedArrayBuffer,
    };
    this.worker.postMessage(msg);
  }

  stats(): NativeStats {
    const s = {} as NativeStats;
    for (const [i, k] of STATS.entries()) s[k] = Atomics.load(this.statBuf, i);
    return s;
  }

  /** Resolves once every client has its 200 head (or after timeoutMs); returns how many have. */
  async ready(timeoutMs: number): Promise<number> {
    await this.opened;
    const until = Date.now() + timeoutMs;
    while (this.stats().ready < this.clients && Date.now() < until) await sleep(20);
    return this.stats().ready;
  }

  /** Stops the loop, closes the sockets; the records read so far. */
  async stop(): Promise<NativeRecords> {
    if (this.failed) throw new Error(this.failed);
    this.done ??= new Promise<number>((r) => (this.onDone = r));
    Atomics.store(this.control, 0, 1);
    const count = await this.done;
    this.worker.terminate();
    if (this.failed) throw new Error(this.failed);
    const out = this.out;
    const off = this.offsetMs;
    return {
      count,
      get: (i) => ({
        inst: out[i * 5]!,
        ex: out[i * 5 + 1]!,
        rx: out[i * 5 + 2]!,
        pub: out[i * 5 + 3]!,
        at: out[i * 5 + 4]! + off,
      }),
    };
  }
}

export type { FromWorker, ToWorker };
