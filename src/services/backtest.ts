// Backtests: a strategy kind's logic over an instrument's past bars (the candles a chart shows:
// tradewire's recording, the exchange's bars where it has none), against a paper exchange
// (src/strategies/backtest/), in a thread of its own, one at a time, for at most BACKTEST_MS.
// Nothing reaches the exchange; nothing is kept.

import { Busy, ExchangeUnavailable, ValidationFailed } from "../domain/errors.ts";
import type { Candle } from "../domain/events.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import type { BacktestResult } from "../strategies/backtest/replay.ts";
import type { BacktestAnswer, BacktestJob } from "../strategies/backtest/worker.ts";
import { StrategyInvalid } from "../strategies/errors.ts";
import type { StrategyLimits } from "../strategies/model.ts";
import { checkInstruments, checkLimitsInput, checkParams } from "../strategies/validate.ts";
import type { CandleHistory } from "./candles.ts";
import type { LoadedKind } from "./strategy-kinds.ts";

const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./strategies/backtest/worker.ts"
  : new URL("../strategies/backtest/worker.ts", import.meta.url).href;

export const BARS = { "1m": 60, "5m": 300, "15m": 900, "1H": 3600 } as const;
export type BarName = keyof typeof BARS;
/** The most bars one backtest walks (two weeks of minutes). */
export const MAX_BARS = 20_160;
const PAGE = 1000;

export interface BacktestInput {
  kind: string;
  instruments: string[];
  params?: Record<string, unknown>;
  limits?: Partial<StrategyLimits>;
  bar?: BarName;
  /** ms since 1970; default: a day before `to`. */
  from?: number;
  /** ms since 1970; default: now. */
  to?: number;
  /** Percent of the value traded. */
  makerFeePct?: number;
  takerFeePct?: number;
  /** Held at the start (signed), at the first bar's open: a stop's position. */
  startPosition?: number;
}

export type BacktestOutput = BacktestResult & { bar: BarName; elapsedMs: number };

const walkable = (c: Candle) =>
  [c.o, c.h, c.l, c.c].every((v) => Number(v) > 0 && Number.isFinite(Number(v))) && Number(c.h) >= Number(c.l);

export class BacktestService {
  private running = false;

  constructor(
    private readonly d: {
      kind(name: string): LoadedKind | undefined;
      kindNames(): string[];
      /** The instruments this service trades. */
      tradable: ReadonlySet<string>;
      instrument(instId: string): InstrumentSpec | undefined;
      candles: Pick<CandleHistory, "query">;
      /** The longest a backtest may run (ms). */
      timeoutMs?: number;
      now?: () => number;
    },
  ) {}

  async run(input: BacktestInput): Promise<BacktestOutput> {
    const kind = this.d.kind(input.kind);
    if (!kind)
      throw new StrategyInvalid(`unknown kind ${input.kind}`, [
        { field: "kind", message: `one of ${this.d.kindNames().join(", ")}` },
      ]);
    const [instId] = checkInstruments(kind, input.instruments);
    if (input.instruments.length !== 1 || !instId)
      throw new StrategyInvalid("a backtest runs one instrument", [
        { field: "instruments", message: "one instrument" },
      ]);
    if (!this.d.tradable.has(instId))
      throw new StrategyInvalid(`${instId} is not traded here`, [
        { field: "instruments", message: `${instId} is not an instrument this service trades` },
      ]);
    const params = checkParams(kind, input.params ?? {});
    const limits = checkLimitsInput(input.limits ?? {});
    const rules = this.d.instrument(instId);
    if (!rules) throw new ExchangeUnavailable(`${instId}: its rules are not loaded from the exchange yet`);
    const bar = input.bar ?? "1m";
    const barMs = BARS[bar] * 1000;
    const to = input.to ?? (this.d.now ?? Date.now)();
    const from = input.from ?? to - 86_400_000;
    if (!(from < to))
      throw new ValidationFailed("from must be before to", { details: [{ field: "from", message: "before to" }] });
    if ((to - from) / barMs > MAX_BARS)
      throw new ValidationFailed(`at most ${MAX_BARS} bars`, {
        details: [{ field: "from", message: `at most ${MAX_BARS} bars of ${bar}: a shorter period or a longer bar` }],
      });
    if (this.running) throw new Busy("a backtest is running: one at a time, try again shortly", { retryAfterS: 1 });
    this.running = true;
    try {
      const bars = await this.bars(instId, BARS[bar], from, to);
      if (bars.length === 0)
        throw new ValidationFailed("no bars in that period", {
          details: [{ field: "from", message: `no ${bar} bars of ${instId} between from and to` }],
        });
      const t0 = performance.now();
      const result = await this.inThread({
        kind: kind.name,
        ...(kind.url ? { kindUrl: kind.url } : {}),
        params,
        rules,
        bars,
        barMs,
        fees: { maker: (input.makerFeePct ?? 0.08) / 100, taker: (input.takerFeePct ?? 0.1) / 100 },
        limits,
        ...(input.startPosition ? { startPosition: input.startPosition } : {}),
      });
      return { ...result, bar, elapsedMs: Math.round(performance.now() - t0) };
    } finally {
      this.running = false;
    }
  }

  /** The bars in [from, to), oldest first (the candle history answers newest first, a page at a time). */
  private async bars(instId: string, barSeconds: number, from: number, to: number): Promise<Candle[]> {
    const out: Candle[] = [];
    let before: { ts: number; id: string } | undefined;
    for (;;) {
      const page = await this.d.candles.query({
        kind: "candles",
        instId,
        barSeconds,
        from,
        to,
        limit: PAGE,
        ...(before ? { before } : {}),
      });
      for (const row of page.data) {
        const c = row as unknown as Candle;
        // A bar still open is not walked, nor one without four prices above 0.
        if (c.ts >= from && c.ts < to && c.confirmed !== false && walkable(c)) out.push(c);
      }
      if (!page.next || page.data.length === 0 || out.length > MAX_BARS) break;
      before = page.next;
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  private inThread(job: BacktestJob): Promise<BacktestResult> {
    const timeoutMs = this.d.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const w = new Worker(WORKER_URL);
      const timer = setTimeout(() => {
        w.terminate();
        reject(
          new ValidationFailed(`the backtest took longer than ${timeoutMs / 1000} s`, {
            code: "backtest_too_long",
            details: [
              { field: "from", message: `longer than ${timeoutMs / 1000} s to run: a shorter period or a longer bar` },
            ],
          }),
        );
      }, timeoutMs);
      w.onmessage = (e: MessageEvent<BacktestAnswer>) => {
        clearTimeout(timer);
        w.terminate();
        if (e.data.ok) resolve(e.data.result);
        else
          reject(
            new StrategyInvalid(`the strategy could not run: ${e.data.message}`, [
              { field: "kind", message: e.data.message },
            ]),
          );
      };
      w.onerror = (e) => {
        clearTimeout(timer);
        w.terminate();
        reject(new Error(`the backtest thread failed: ${e.message}`));
      };
      w.postMessage(job);
    });
  }
}
