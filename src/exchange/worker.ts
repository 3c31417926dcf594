// The ingest thread: a Worker that runs the OKX client (engine.ts) and publishes into the ring
// it was handed. Started by startIngest() (ingest.ts); speaks the messages of protocol.ts.
import { IngestEngine } from "./engine.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

declare const self: Worker;
let engine: IngestEngine | null = null;
const post = (m: FromWorker) => self.postMessage(m);

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.t === "init") {
    engine = new IngestEngine(msg.ring, msg.config, post, msg.producerId, msg.role);
    engine.start();
  } else if (engine) {
    engine.onMessage(msg);
  } else if (msg.t === "stop") {
    post({ t: "stopped" });
  }
};
