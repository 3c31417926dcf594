// Runs one strategy's logic inside its Worker: reads its instruments' tickers (and books) and its
// own orders and fills off the bus, calls the kind's callbacks, and turns the context's calls
// into messages to the main thread. Any throw of the kind's code ends the run as `failed`.
import { ChannelReader } from "../bus/channel-reader.ts";
import { type BusEvent, type RingHandle, textOf } from "../bus/ring.ts";
import type { Book, Fill, Order, Position, Ticker } from "../domain/events.ts";
import { fromTruth } from "../domain/source.ts";
import type { CancelAnswer, Kind, PlaceAnswer, StrategyContext, StrategyLogic } from "./kind.ts";
import { OrderPacer } from "./pacer.ts";
import type { FromStrategyWorker, WorkerInit } from "./protocol.ts";

type Post = (m: FromStrategyWorker) => void;
/** The channels of order and fill events (exchange/okx/parse-private.ts). */
const ORDER_CHANNELS = ["orders", "fills"];
const describe = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 500);

export class StrategyHost {
  private readonly reader: ChannelReader;
  private cursor: number;
  private readonly logic: StrategyLogic;
  private readonly tickers = new Map<string, Ticker>();
  private readonly tickerChannels = new Map<string, string>();
  private readonly bookChannels = new Map<string, string>();
  /** Follows the account's positions on its instruments (the kind asked). */
  private readonly positions: boolean;
  /** `"clOrdId":"s<id>`: an order or fill event of this strategy holds this text. */
  private readonly mine: string;
  private readonly pendingPlace = new Map<number, (a: PlaceAnswer) => void>();
  private readonly pendingCancel = new Map<number, (a: CancelAnswer) => void>();
  private readonly timers = new Set<ReturnType<typeof setInterval>>();
  private req = 0;
  private seq = 0;
  private running = true;
  /** Its orders within its orders-per-second limit: the ones over it wait their turn. */
  private readonly pacer: OrderPacer;
  private toldPacing = false;
  /** Params messages received: an adjust says how many it was made after. */
  private paramsSeen = 0;

  constructor(
    private readonly init: WorkerInit,
    kind: Kind,
    private readonly post: Post,
    ring: RingHandle = init.ring,
  ) {
    for (const i of init.instruments) {
      this.tickerChannels.set(`tickers:${i}`, i);
      if (kind.books) this.bookChannels.set(`books:${i}`, i);
    }
    // Only what it follows is copied out of the bus: its instruments' market data and the order
    // and fill events (its own among them).
    this.reader = new ChannelReader(ring, [
      ...this.tickerChannels.keys(),
      ...this.bookChannels.keys(),
      ...ORDER_CHANNELS,
      ...(kind.positions ? ["positions"] : []),
    ]);
    this.positions = kind.positions === true;
    this.cursor = init.positions?.after ?? this.reader.head();
    this.mine = `"clOrdId":"s${init.id}`;
    this.pacer = new OrderPacer(init.ordersPerSecond);
    this.logic = kind.create(this.context(), init.params);
  }

  /** Gives it the positions it starts with, calls onStart, says ready, then follows the bus until stopped. */
  async start(): Promise<void> {
    for (const p of this.init.positions?.list ?? []) await this.call(() => this.logic.onPosition?.(p));
    await this.call(() => this.logic.onStart?.());
    if (!this.running) return;
    this.post({ t: "ready" });
    void this.follow();
  }

  params(p: Record<string, unknown>): void {
    this.paramsSeen++;
    void this.call(() => this.logic.onParams?.(p));
  }

  rate(ordersPerSecond: number): void {
    this.init.ordersPerSecond = ordersPerSecond;
    this.pacer.setMax(ordersPerSecond);
  }

  placed(req: number, a: PlaceAnswer): void {
    this.pendingPlace.get(req)?.(a);
    this.pendingPlace.delete(req);
  }

  canceled(req: number, a: CancelAnswer): void {
    this.pendingCancel.get(req)?.(a);
    this.pendingCancel.delete(req);
  }

  async stop(): Promise<void> {
    if (this.running) await this.call(() => this.logic.onStop?.());
    this.halt();
    this.post({ t: "stopped" });
  }

  /** Stops everything without calling the logic again. */
  private halt(): void {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.pacer.clear(); // never sent: their answers never come, and the logic is not called again
  }

  /** Runs a callback of the kind; a throw or a rejection ends the run. */
  private async call(f: () => void | Promise<void>): Promise<void> {
    if (!this.running) return;
    try {
      await f();
    } catch (err) {
      this.fail(err);
    }
  }

  fail(err: unknown): void {
    if (!this.running) return;
    this.halt();
    this.post({ t: "failed", message: describe(err) });
  }

  private async follow(): Promise<void> {
    let last = 0;
    while (this.running) {
      await this.reader.wait(1000);
      const wait = this.init.pollMs - (performance.now() - last);
      if (wait > 0) await Bun.sleep(wait);
      last = performance.now();
      if (!this.running) return;
      const r = this.reader.readChannels(this.cursor);
      if (r.overrun)
        this.post({
          t: "log",
          level: "warn",
          msg: "fell a whole bus behind: some market data and order updates were missed",
        });
      this.cursor = r.last;
      await this.deliver(r.events);
    }
  }

  /**
   * Own orders and fills in order; positions (the latest per instrument and side), tickers and
   * books conflated to the latest per instrument.
   */
  private async deliver(events: BusEvent[]): Promise<void> {
    const latest = new Map<string, BusEvent>();
    const positions = new Map<string, Position>();
    for (const ev of events) {
      // Only the exchange's and tradewire's own events: an engine's or an HTTP publisher's
      // orders, fills and positions reach stream clients, never a strategy.
      if (!fromTruth(ev.source)) continue;
      if (
        ev.type === "ticker"
          ? this.tickerChannels.has(ev.channel)
          : ev.type === "book" && this.bookChannels.has(ev.channel)
      ) {
        latest.set(ev.channel, ev);
        continue;
      }
      if (ev.type === "position") {
        const p = this.positions ? (dataOf(ev) as unknown as Position) : undefined;
        if (p && this.tickerChannels.has(`tickers:${p.instId}`)) positions.set(`${p.instId}:${p.posSide}`, p);
        continue;
      }
      if ((ev.type !== "order" && ev.type !== "fill") || !textOf(ev).includes(this.mine)) continue;
      const data = dataOf(ev);
      if (typeof data.clOrdId !== "string" || !data.clOrdId.startsWith(`s${this.init.id}`)) continue;
      if (ev.type === "order") await this.call(() => this.logic.onOrder?.(data as unknown as Order));
      else await this.call(() => this.logic.onFill?.(data as unknown as Fill));
    }
    for (const p of positions.values()) await this.call(() => this.logic.onPosition?.(p));
    for (const [channel, ev] of latest) {
      const data = dataOf(ev);
      if (ev.type === "ticker") {
        this.tickers.set(this.tickerChannels.get(channel)!, data as unknown as Ticker);
        await this.call(() => this.logic.onTicker?.(data as unknown as Ticker));
      } else await this.call(() => this.logic.onBook?.(data as unknown as Book));
    }
  }

  private context(): StrategyContext {
    const { init, post } = this;
    return {
      id: init.id,
      instruments: init.instruments,
      rules: (instId) => init.rules[instId],
      ticker: (instId) => this.tickers.get(instId),
      place: (o) => {
        const clOrdId = `${init.clOrdIdPrefix}${(++this.seq).toString(36)}`;
        const req = ++this.req;
        const answer = new Promise<PlaceAnswer>((resolve) => this.pendingPlace.set(req, resolve));
        const order = { ...o, clOrdId };
        if (!this.pacer.submit(() => post({ t: "place", req, order })))
          this.placed(req, {
            ok: false,
            clOrdId,
            code: "strategy_order_rate",
            message: `${this.pacer.capacity} orders already wait for the strategy's limit of ${init.ordersPerSecond} a second`,
          });
        else if (this.pacer.waiting > 0 && !this.toldPacing) {
          this.toldPacing = true; // once a run: it is how the limit works, not a fault
          post({
            t: "log",
            level: "info",
            msg: `more than ${init.ordersPerSecond} orders at once: the rest go out as the limit of ${init.ordersPerSecond} a second allows`,
          });
        }
        return { clOrdId, answer };
      },
      cancel: (instId, clOrdId) => {
        const req = ++this.req;
        const answer = new Promise<CancelAnswer>((resolve) => this.pendingCancel.set(req, resolve));
        post({ t: "cancel", req, instId, clOrdId });
        return answer;
      },
      log: (msg, level = "info") => post({ t: "log", level, msg: String(msg).slice(0, 500) }),
      every: (ms, fn) => {
        const timer = setInterval(() => void this.call(fn), Math.max(10, ms));
        this.timers.add(timer);
        return () => {
          clearInterval(timer);
          this.timers.delete(timer);
        };
      },
      finish: (reason) => {
        if (!this.running) return;
        this.halt();
        post({ t: "finish", reason: String(reason).slice(0, 500) });
      },
      adjust: (params) => {
        if (this.running) post({ t: "adjust", params: { ...params }, seen: this.paramsSeen });
      },
      now: () => Date.now(),
    };
  }
}

function dataOf(ev: BusEvent): Record<string, unknown> {
  return (JSON.parse(textOf(ev)) as { data?: Record<string, unknown> }).data ?? {};
}
