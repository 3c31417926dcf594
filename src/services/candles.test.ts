// CandleHistory: recorded bars first, the exchange's before the recording began (its oldest bar
// replaced) and in its holes, ranges and cursors kept, the exchange's ended bars asked for once,
// and either side failing.
import { expect, test } from "bun:test";
import type { Candle } from "../domain/events.ts";
import { HistoryUnavailable } from "../store/clickhouse/index.ts";
import type { HistoryPage, HistoryQuery } from "../store/clickhouse/protocol.ts";
import { CandleHistory } from "./candles.ts";

const M = 60_000;
const NOW = 1_000 * M;

/** Bars of one minute ending at NOW, newest first: the exchange's, all of them. */
function exchange(opts: { fail?: boolean } = {}) {
  const asked: Array<{ before?: number; limit: number }> = [];
  return {
    asked,
    async candles(q: { instId: string; barSeconds: number; before?: number; limit: number }): Promise<Candle[]> {
      asked.push({ ...(q.before !== undefined ? { before: q.before } : {}), limit: q.limit });
      if (opts.fail) throw new Error("okx: no answer");
      const out: Candle[] = [];
      for (let ts = NOW; ts >= 0 && out.length < q.limit; ts -= M) {
        if (q.before !== undefined && ts >= q.before) continue;
        const px = String(ts / M);
        out.push({
          instId: q.instId,
          bar: "1m",
          ts,
          o: px,
          h: px,
          l: px,
          c: px,
          vol: "1",
          volCcy: px,
          confirmed: ts < NOW,
        });
      }
      return out;
    },
  };
}

/** Recorded bars at these minutes (newest first), paged as ClickHouse pages them. */
function recorded(minutes: number[] | "down") {
  return {
    async query(q: HistoryQuery): Promise<HistoryPage> {
      if (minutes === "down") throw new HistoryUnavailable("clickhouse is off");
      const rows = minutes
        .map((m) => m * M)
        .filter((ts) => (q.before === undefined || ts < q.before.ts) && (q.from === undefined || ts >= q.from))
        .filter((ts) => q.to === undefined || ts < q.to)
        .map((ts) => ({
          instId: q.instId,
          ts,
          o: "r",
          h: "r",
          l: "r",
          c: "r",
          vol: "1",
          volCcy: "1",
          trades: 3,
          confirmed: true,
        }));
      const data = rows.slice(0, q.limit);
      return { data, next: rows.length > q.limit ? { ts: data.at(-1)!.ts, id: "" } : null };
    },
  };
}

const q = (over: Partial<HistoryQuery> = {}): HistoryQuery => ({
  kind: "candles",
  instId: "BTC-USDT",
  barSeconds: 60,
  limit: 10,
  ...over,
});
/** Half a minute into bar 1000, the open one. */
const clock = () => NOW + 30_000;
const minutes = (p: HistoryPage) => p.data.map((r) => (r.ts as number) / M);

test("a full page of recorded bars does not ask the exchange", async () => {
  const ex = exchange();
  const s = new CandleHistory({
    now: clock,
    history: recorded([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991, 990]),
    exchange: ex,
  });
  const p = await s.query(q());
  expect(minutes(p)).toEqual([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991]);
  expect(p.next).toEqual({ ts: 991 * M, id: "" });
  expect(ex.asked).toEqual([]);
});

test("before the recording began: the exchange's bars, the recording's oldest bar replaced by the exchange's", async () => {
  const ex = exchange();
  const s = new CandleHistory({ now: clock, history: recorded([1000, 999, 998]), exchange: ex });
  const p = await s.query(q());
  expect(minutes(p)).toEqual([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991]);
  expect(p.data.map((r) => r.trades)).toEqual([3, 3, null, null, null, null, null, null, null, null]);
  expect(p.data[2]!.c).toBe("998"); // the exchange's whole bar, not the recording's part of it
  expect(ex.asked).toEqual([{ limit: 10 }]); // up to the present
  // The next page goes on in the exchange's bars.
  const next = await s.query(q({ before: p.next! }));
  expect(minutes(next)).toEqual([990, 989, 988, 987, 986, 985, 984, 983, 982, 981]);
});

test("a hole in the recording (tradewire was down): the exchange's bars in it and on either side", async () => {
  const ex = exchange();
  // Recorded: 1000..997, then nothing until 993..985 (a full page of 10 asked: 13 rows exist).
  const s = new CandleHistory({
    now: clock,
    history: recorded([1000, 999, 998, 997, 993, 992, 991, 990, 989, 988, 987, 986, 985]),
    exchange: ex,
  });
  const p = await s.query(q());
  expect(minutes(p)).toEqual([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991]);
  // 997 (stopped during it) and 993 (started during it) are the exchange's, as are 996..994.
  expect(p.data.map((r) => (r.trades === null ? "x" : "r")).join("")).toBe("rrrxxxxxrr");
  expect(p.next).toEqual({ ts: 991 * M, id: "" });
  // A whole page without a hole asks nothing.
  const asked = ex.asked.length;
  await s.query(q({ limit: 3 }));
  expect(ex.asked.length).toBe(asked);
});

test("the bar this run started in is the exchange's: a restart within a bar leaves no hole to see", async () => {
  const s = new CandleHistory({
    now: clock,
    history: recorded([1000, 999, 998, 997, 996, 995, 994, 993, 992, 991, 990]),
    exchange: exchange(),
    since: 995 * M + 30_000,
  });
  const p = await s.query(q());
  expect(p.data.map((r) => (r.trades === null ? "x" : "r")).join("")).toBe("rrrrrxrrrr");
});

test("nothing recorded (or ClickHouse off): the exchange's bars, the open one included", async () => {
  for (const history of [recorded([]), recorded("down")]) {
    const s = new CandleHistory({ now: clock, history, exchange: exchange() });
    const p = await s.query(q({ limit: 3 }));
    expect(minutes(p)).toEqual([1000, 999, 998]);
    expect(p.data.map((r) => r.confirmed)).toEqual([false, true, true]);
  }
});

test("a range: the exchange fills only inside it", async () => {
  const s = new CandleHistory({ now: clock, history: recorded([1000, 999]), exchange: exchange() });
  const p = await s.query(q({ from: 996 * M + 1, to: 1000 * M }));
  expect(minutes(p)).toEqual([999, 998, 997]); // buckets that start in [from, to)
  const inside = new CandleHistory({ now: clock, history: recorded([1000, 999]), exchange: exchange() });
  expect(minutes(await inside.query(q({ from: 999 * M })))).toEqual([1000, 999]);
});

test("the exchange failing leaves the recorded bars; both failing is HistoryUnavailable", async () => {
  const s = new CandleHistory({ now: clock, history: recorded([1000, 999]), exchange: exchange({ fail: true }) });
  expect(minutes(await s.query(q()))).toEqual([1000, 999]);
  const none = new CandleHistory({ now: clock, history: recorded("down"), exchange: exchange({ fail: true }) });
  await expect(none.query(q())).rejects.toBeInstanceOf(HistoryUnavailable);
  const noExchange = new CandleHistory({ now: clock, history: recorded("down") });
  await expect(noExchange.query(q())).rejects.toBeInstanceOf(HistoryUnavailable);
});

test("the exchange's bars of a page in the past are asked for once; the present's again after a moment", async () => {
  let now = clock();
  const ex = exchange();
  const s = new CandleHistory({ history: recorded([1000, 999]), exchange: ex, now: () => now });
  const past = q({ before: { ts: 999 * M, id: "" } });
  await s.query(past);
  now += 60_000;
  await s.query(past);
  expect(ex.asked).toEqual([{ before: 999 * M, limit: 10 }]); // ended bars do not change
  await s.query(q());
  await s.query(q());
  expect(ex.asked.length).toBe(2);
  now += 5_000;
  await s.query(q());
  expect(ex.asked.length).toBe(3); // the open bar moves: asked again once the short cache ends
});

test("a recording that stopped before the present: the exchange's bars up to now", async () => {
  const s = new CandleHistory({ now: () => NOW + 3 * M, history: recorded([1000, 999, 998]), exchange: exchange() });
  const p = await s.query(q({ limit: 5 }));
  expect(minutes(p)).toEqual([1000, 999, 998, 997, 996]); // the fake exchange's newest is 1000
  expect(p.data.map((r) => r.trades)).toEqual([null, 3, null, null, null]); // 1000 in doubt: it may have stopped during it
});
