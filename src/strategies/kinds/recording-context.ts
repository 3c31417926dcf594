// A StrategyContext that records what a kind's logic asks for and answers as told: the unit
// tests of the kinds drive their logic with it, with no Worker, bus or exchange.
import type { Ticker } from "../../domain/events.ts";
import type {
  CancelAnswer,
  InstrumentSpec,
  OrderRequest,
  PendingOrder,
  PlaceAnswer,
  StrategyContext,
} from "../kind.ts";

export class RecordingContext implements StrategyContext {
  readonly placed: Array<OrderRequest & { clOrdId: string }> = [];
  readonly canceled: string[] = [];
  readonly logs: string[] = [];
  /** What the logic changed of its own params (adjust), in order. */
  readonly adjusted: Array<Record<string, unknown>> = [];
  readonly timers: Array<{ ms: number; fn: () => void | Promise<void> }> = [];
  finished: string | null = null;
  clock = 1_000_000;
  /** What place() answers; default: accepted. */
  answer: (o: OrderRequest, clOrdId: string) => PlaceAnswer = (_o, clOrdId) => ({
    ok: true,
    clOrdId,
    ordId: String(this.placed.length),
  });
  private readonly tickers = new Map<string, Ticker>();
  private n = 0;

  constructor(
    readonly instruments: readonly string[],
    private readonly rulesOf: Record<string, InstrumentSpec>,
    readonly id = "abcdefghij",
  ) {}

  setTicker(instId: string, bid: number, ask: number): Ticker {
    const t = {
      instId,
      last: String((bid + ask) / 2),
      lastSz: "1",
      bidPx: String(bid),
      bidSz: "1",
      askPx: String(ask),
      askSz: "1",
      open24h: "",
      high24h: "",
      low24h: "",
      vol24h: "",
      volCcy24h: "",
      ts: this.clock,
    };
    this.tickers.set(instId, t);
    return t;
  }

  rules(instId: string): InstrumentSpec | undefined {
    return this.rulesOf[instId];
  }
  ticker(instId: string): Ticker | undefined {
    return this.tickers.get(instId);
  }
  place(o: OrderRequest): PendingOrder {
    const clOrdId = `s${this.id}t${++this.n}`;
    this.placed.push({ ...o, clOrdId });
    return { clOrdId, answer: Promise.resolve(this.answer(o, clOrdId)) };
  }
  cancel(_instId: string, clOrdId: string): Promise<CancelAnswer> {
    this.canceled.push(clOrdId);
    return Promise.resolve({ ok: true });
  }
  log(msg: string): void {
    this.logs.push(msg);
  }
  every(ms: number, fn: () => void | Promise<void>): () => void {
    const t = { ms, fn };
    this.timers.push(t);
    return () => this.timers.splice(this.timers.indexOf(t), 1);
  }
  finish(reason: string): void {
    this.finished = reason;
  }
  adjust(params: Record<string, unknown>): void {
    this.adjusted.push({ ...params });
  }
  now(): number {
    return this.clock;
  }
}
