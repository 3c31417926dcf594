import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../log.ts";
import { openAuditLog } from "./audit-log.ts";
import type { AuditInput, History, JournaledAudit, SettleResult } from "./clickhouse/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A History that records what it is handed; settleAudit answers from `answer`. */
function fakeHistory(answer: (rows: JournaledAudit[]) => SettleResult) {
  const handed: Array<{ a: AuditInput; id?: string }> = [];
  const settledRows: JournaledAudit[][] = [];
  const h = {
    status: () => ({ mode: "chdb" as const, ready: true, error: null }),
    audit: (a: AuditInput, id?: string) => void handed.push({ a, id }),
    settleAudit: async (rows: JournaledAudit[]) => {
      settledRows.push(rows);
      return answer(rows);
    },
  } as unknown as History;
  return { h, handed, settledRows };
}
const entry = (user: string): AuditInput => ({
  ts: Date.now(),
  user,
  action: "order.place",
  target: "BTC-USDT",
  status: 201,
  code: "ok",
  ms: 1,
});
const log = createLogger("silent");

test("an entry is on disk before record() resolves, then handed to the recorder under the journaled id", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-auditlog-"));
  dirs.push(dir);
  const f = fakeHistory(() => ({ inserted: 0, waiting: 0 }));
  const a = openAuditLog({ dir, history: f.h, log, tickMs: 60_000 });
  await a.record(entry("ana"));
  expect(f.handed).toHaveLength(1);
  a.roll();
  await a.settle();
  expect(f.settledRows).toEqual([[{ ...entry("ana"), ts: f.settledRows[0]![0]!.ts, id: f.handed[0]!.id! }]]);
  await a.close();
});

test("a segment whose entries still wait in the recorder is tried again; a settled one is removed after retainMs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-auditlog-"));
  dirs.push(dir);
  let waiting = 1;
  const f = fakeHistory((rows) => ({ inserted: 0, waiting: waiting-- > 0 ? rows.length : 0 }));
  const a = openAuditLog({ dir, history: f.h, log, tickMs: 60_000, retainMs: 50 });
  await a.record(entry("bo"));
  a.roll();
  expect(await a.settle()).toBe(1); // waiting: kept
  expect(await a.settle()).toBe(1); // settled now, kept for retainMs
  expect(f.settledRows).toHaveLength(2);
  await Bun.sleep(60);
  expect(await a.settle()).toBe(0);
  expect(f.settledRows).toHaveLength(2); // not asked again
  await a.close();
  expect(readdirSync(dir)).toEqual([]);
});

test("segments left by an earlier process are settled by the next one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tw-auditlog-"));
  dirs.push(dir);
  const first = openAuditLog({ dir, history: fakeHistory(() => ({ inserted: 0, waiting: 0 })).h, log, tickMs: 60_000 });
  await first.record(entry("cy"));
  await first.record(entry("di"));
  // The process dies here: no stop().
  const f = fakeHistory((rows) => ({ inserted: rows.length, waiting: 0 }));
  const second = openAuditLog({ dir, history: f.h, log, tickMs: 60_000, retainMs: 0 });
  expect(await second.settle()).toBe(0);
  expect(f.settledRows.flat().map((r) => r.user)).toEqual(["cy", "di"]);
  await second.close();
  await first.close();
});
