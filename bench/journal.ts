// What the audit journal adds to an acknowledged request: the time from append() to "on disk"
// (write + fdatasync) on this machine's disk, one request at a time and with requests arriving
// together (group commit: they share one fdatasync), and without fdatasync (AUDIT_JOURNAL_FSYNC=false).
// `bun bench/journal.ts [--n 2000] [--dir D]`
// (D on the disk DATA_DIR will use; default: a temp dir).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../src/store/journal.ts";
import { Histogram } from "./lib/hist.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const n = Number(arg("n", "2000"));
const base = mkdtempSync(join(arg("dir", tmpdir()), "tw-bench-journal-"));
const entry = {
  ts: Date.now(),
  user: "trader1",
  action: "order.place",
  target: "BTC-USDT",
  status: 201,
  code: "ok",
  ms: 0.41,
  detail: {
    side: "buy",
    ordType: "limit",
    sz: "0.01",
    px: "39000",
    ordId: "680800001000000046",
    clOrdId: "tw0123456789abcdef0123456789abcd",
  },
  id: crypto.randomUUID(),
};

async function run(concurrent: number, sync = true): Promise<void> {
  const j = new Journal<typeof entry>(join(base, `c${concurrent}${sync}`), { sync });
  const h = new Histogram();
  for (let i = 0; i < n; i += concurrent) {
    await Promise.all(
      Array.from({ length: concurrent }, async () => {
        const t0 = performance.now();
        await j.append(entry);
        h.recordMs(performance.now() - t0);
      }),
    );
    await Bun.sleep(2); // requests arrive spread out, not back to back
  }
  const s = h.summary();
  console.log(
    `${sync ? "fdatasync" : "write only"} ${String(concurrent).padStart(3)} at once: p50 ${s.p50.toFixed(3)} ms  p90 ${s.p90.toFixed(3)}  p99 ${s.p99.toFixed(3)}  max ${s.max.toFixed(3)}  (${h.count} appends, ${j.syncs} fdatasyncs)`,
  );
  await j.close();
}

console.log(`journal append -> on disk, ${n} appends per row, in ${base}`);
for (const c of [1, 10, 50]) await run(c);
await run(1, false); // AUDIT_JOURNAL_FSYNC=false
rmSync(base, { recursive: true, force: true });
