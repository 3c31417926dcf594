// The ingest Worker as tradewire runs it (src/exchange/worker.ts), plus one message at start that
// tells the bench this thread's id, so it can pin the thread and read its CPU from /proc.
import "../../src/exchange/worker.ts";
import type { FromWorker } from "../../src/exchange/protocol.ts";
import { selfTid } from "./common.ts";

declare const self: Worker;
self.postMessage({ t: "log", level: "info", msg: "bench:tid", fields: { tid: selfTid() } } satisfies FromWorker);
