// A backtest's thread: the replay runs here, so a long one holds no request or event of the
// service; the service ends the thread when it takes too long. Speaks BacktestJob / BacktestAnswer.
import type { Kind } from "../kind.ts";
import { BUILT_IN_KINDS } from "../kinds/index.ts";
import { type BacktestResult, type BacktestRun, replay } from "./replay.ts";

/** A run as the thread is given it: the kind by name (and a custom kind's module), the rest as the replay takes it. */
export type BacktestJob = Omit<BacktestRun, "kind"> & { kind: string; kindUrl?: string };

export type BacktestAnswer = { ok: true; result: BacktestResult } | { ok: false; message: string };

declare const self: Worker;

self.onmessage = async (e: MessageEvent<BacktestJob>) => {
  const job = e.data;
  try {
    const kind =
      BUILT_IN_KINDS.get(job.kind) ??
      (job.kindUrl ? ((await import(job.kindUrl)) as { default: Kind }).default : undefined);
    if (!kind) throw new Error(`unknown strategy kind ${job.kind}`);
    const result = await replay({ ...job, kind });
    self.postMessage({ ok: true, result } satisfies BacktestAnswer);
  } catch (err) {
    self.postMessage({ ok: false, message: (err as Error)?.message ?? String(err) } satisfies BacktestAnswer);
  }
};
