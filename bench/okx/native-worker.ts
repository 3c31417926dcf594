// Worker of bench/okx/native.ts: compiles the C clients, opens them, measures the clock offset,
// then blocks in tw_run() until the main thread sets the stop word.

import { cc, ptr } from "bun:ffi";
import { nowMs } from "../../src/domain/time.ts";
import { selfTid } from "./common.ts";
import type { FromWorker, ToWorker } from "./native.ts";

declare const self: Worker;
const post = (m: FromWorker) => self.postMessage(m);

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    const { symbols: c } = cc({
      source: new URL("./native/sse-clients.c", import.meta.url).pathname,
      symbols: {
        tw_now: { returns: "double", args: [] },
        tw_open: { returns: "int", args: ["int", "ptr", "int"] },
        tw_run: { returns: "int", args: ["ptr", "ptr", "int", "ptr", "int", "ptr"] },
        tw_close_all: { returns: "void", args: [] },
      },
    });
    const req = Buffer.from(m.request, "latin1");
    for (let i = 0; i < m.clients; i++) {
      const r = c.tw_open(m.port, ptr(req), req.length);
      if (r < 0) throw new Error(`client ${i}: connect/send failed, errno ${-r}`);
    }
    // CLOCK_MONOTONIC -> nowMs(): the tightest of 200 bracketed pairs.
    let best = { gap: Number.POSITIVE_INFINITY, off: 0 };
    for (let i = 0; i < 200; i++) {
      const a = nowMs();
      const mono = c.tw_now();
      const b = nowMs();
      if (b - a < best.gap) best = { gap: b - a, off: (a + b) / 2 - mono };
    }
    post({ t: "open", offsetMs: best.off, tid: selfTid() });
    const ids = Buffer.from(m.ids, "latin1");
    const control = new Int32Array(m.control);
    const out = new Float64Array(m.out);
    const stats = new Int32Array(m.stats);
    const n = c.tw_run(ptr(control), ptr(out), out.length / 5, ptr(ids), ids.length, ptr(stats));
    c.tw_close_all();
    if (n < 0) throw new Error(`epoll: errno ${-n}`);
    post({ t: "done", count: n });
  } catch (err) {
    post({ t: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
