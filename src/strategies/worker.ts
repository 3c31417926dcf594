// A strategy's thread: one Worker per running strategy, so a strategy that is busy, stuck or
// crashing delays nobody's events but its own. Started by runner.ts; speaks protocol.ts.
import { StrategyHost } from "./host.ts";
import type { Kind } from "./kind.ts";
import { BUILT_IN_KINDS } from "./kinds/index.ts";
import type { FromStrategyWorker, ToStrategyWorker, WorkerInit } from "./protocol.ts";
import { lowerThisThread, thisThreadId } from "./thread-priority.ts";

declare const self: Worker;
const post = (m: FromStrategyWorker) => self.postMessage(m);
let host: StrategyHost | undefined;

async function kindOf(init: WorkerInit): Promise<Kind> {
  const k =
    BUILT_IN_KINDS.get(init.kind) ??
    (init.kindUrl ? ((await import(init.kindUrl)) as { default: Kind }).default : undefined);
  if (!k || k.name !== init.kind) throw new Error(`unknown strategy kind ${init.kind}`);
  return k;
}

async function start(init: WorkerInit): Promise<void> {
  lowerThisThread({ idle: init.idle, nice: init.nice });
  const tid = thisThreadId();
  if (tid !== null) post({ t: "thread", tid });
  try {
    host = new StrategyHost(init, await kindOf(init), post);
  } catch (err) {
    return post({ t: "failed", message: (err as Error).message });
  }
  setInterval(() => post({ t: "alive" }), 1000);
  await host.start();
}

self.onmessage = (e: MessageEvent<ToStrategyWorker>) => {
  const m = e.data;
  switch (m.t) {
    case "init":
      return void start(m);
    case "params":
      return host?.params(m.params);
    case "rate":
      return host?.rate(m.ordersPerSecond);
    case "placed":
      return host?.placed(m.req, m.answer);
    case "canceled":
      return host?.canceled(m.req, m.answer);
    case "stop":
      return void (host ? host.stop() : post({ t: "stopped" }));
  }
};

// A rejection nobody awaited (a kind's fire-and-forget promise) fails the strategy, not silently.
process.on("unhandledRejection", (reason) =>
  host ? host.fail(reason) : post({ t: "failed", message: String(reason) }),
);
