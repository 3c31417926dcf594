// The writer's passes: forced flushes asked for during a pass share the one pass after it.
import { expect, test } from "bun:test";
import type { ClickHouseClient } from "@clickhouse/client";
import { RowBuffer } from "./buffer.ts";
import { Writer } from "./writer.ts";

/** A client whose inserts finish when the test says so; it records each insert's rows. */
function slowClient() {
  const inserts: unknown[][] = [];
  const waiting: (() => void)[] = [];
  const client = {
    insert: ({ values }: { values: unknown[] }) => {
      inserts.push(values);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
  } as unknown as ClickHouseClient;
  /** Lets every insert begun so far finish, until none is left waiting. */
  const drain = async () => {
    for (let i = 0; i < 100; i++) {
      await Bun.sleep(0);
      if (!waiting.length) return;
      while (waiting.length) waiting.shift()!();
    }
  };
  return { client, inserts, drain };
}

test("forced flushes asked for during a pass share one pass after it, which writes every row buffered by then", async () => {
  const buffer = new RowBuffer({ marketRows: 100, keptRows: 100, tokenPrefix: "t" });
  const c = slowClient();
  const w = new Writer({ client: c.client, buffer, batchRows: 1000, onError: () => {} });
  let passes = 0;
  const inner = w as unknown as { pass(drain: boolean): Promise<boolean> };
  const pass = inner.pass.bind(w);
  inner.pass = (drain) => {
    passes++;
    return pass(drain);
  };
  buffer.push("trades", { n: 1 });
  const first = w.flush(true);
  await Bun.sleep(0); // the first pass is inserting row 1
  const waiters = Array.from({ length: 5 }, (_, i) => {
    buffer.push("trades", { n: 2 + i });
    return w.flush(true);
  });
  await c.drain();
  await first;
  expect(await Promise.all(waiters)).toEqual([true, true, true, true, true]);
  expect(passes).toBe(2);
  expect(c.inserts.flat()).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
});
