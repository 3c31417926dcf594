// The ingest thread: a Worker that runs the OKX client (okx-client.ts) and publishes into the ring
// it was handed. Started by startIngest() (ingest.ts); speaks the messages of protocol.ts.
import { OkxClient } from "./okx-client.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

declare const self: Worker;
let client: OkxClient | null = null;
const post = (m: FromWorker) => self.postMessage(m);

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.t === "init") {
    client = new OkxClient(msg.ring, msg.config, post, msg.producerId, msg.role);
    client.start();
  } else if (client) {
    client.onMessage(msg);
  } else if (msg.t === "stop") {
    post({ t: "stopped" });
  }
};
