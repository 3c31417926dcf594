// Public pushes: after each market step, the books chains (snapshot, then updates whose prevSeqId
// is the previous seqId, with the configurable checksum), books5, bbo-tbt, tickers, mark-price,
// trades and candles go to their subscribers.
import type { BookLevel } from "../../okx/types.ts";
import { bookChecksum } from "../checksum.ts";
import type { Engine } from "../engine.ts";
import type { Faults } from "../faults.ts";
import type { InstrumentMarket, Market } from "../market.ts";
import { fmt } from "../num.ts";
import type { ResolvedOptions } from "../options.ts";
import { createRng, deriveSeed, type Rng } from "../rng.ts";
import { displayBook, fmtLevels, ticker, tradeRow } from "../view.ts";
import type { Hub } from "./hub.ts";
import type { ChannelSpec } from "./channels.ts";
import type { Sub } from "./session.ts";

/** The last published state of one depth of one instrument's book. */
interface Chain {
  depth: number;
  seqId: number;
  bids: BookLevel[];
  asks: BookLevel[];
  ts: number;
}

interface InstFeed {
  chains: Map<number, Chain>;
  books5?: { key: string; json: string };
  bbo?: { key: string; json: string };
  ticker?: { key: string; json: string };
  mark?: { key: string; json: string };
}

const DEPTH: Record<string, number> = { books: 400, "books-l2-tbt": 400, "books50-l2-tbt": 50 };

export class Feed {
  private feeds = new Map<string, InstFeed>();
  private candlesSent = new Map<string, { ts: string; json: string }>();
  private rng: Rng;

  constructor(
    private readonly hub: Hub,
    private readonly market: Market,
    private readonly engine: Engine,
    private readonly faults: Faults,
    private readonly opts: ResolvedOptions,
  ) {
    this.rng = createRng(deriveSeed(opts.seed, "seq"));
    for (const m of market.byId.values()) {
      const chains = new Map<number, Chain>();
      for (const depth of [400, 50]) chains.set(depth, { depth, seqId: 1_000_000 + this.rng.int(0, 999_999) * 10, bids: [], asks: [], ts: Date.now() });
      this.feeds.set(m.inst.instId, { chains });
      this.refresh(m, Date.now(), false);
    }
  }

  /** Computes every public view of `m` and pushes what changed. */
  publish(m: InstrumentMarket, now: number): void {
    this.refresh(m, now, true);
    if (m.pending.length > 0) {
      const key = `trades:${m.inst.instId}`;
      if (this.hub.has(key)) this.hub.push(key, JSON.stringify(m.pending.map((t) => tradeRow(m, t))));
      m.pending = [];
    }
  }

  private refresh(m: InstrumentMarket, now: number, push: boolean): void {
    const id = m.inst.instId;
    const f = this.feeds.get(id)!;
    const book = displayBook(m, this.engine, 400);
    const gap = push && this.faults.takeGap(id);
    for (const chain of f.chains.values()) {
      const bids = fmtLevels(m, book.bids.slice(0, chain.depth));
      const asks = fmtLevels(m, book.asks.slice(0, chain.depth));
      const dBids = diff(chain.bids, bids, true);
      const dAsks = diff(chain.asks, asks, false);
      if (dBids.length === 0 && dAsks.length === 0) continue;
      const prevSeqId = chain.seqId;
      chain.seqId += 1 + this.rng.int(0, 4);
      chain.bids = bids;
      chain.asks = asks;
      chain.ts = now;
      if (!push || gap) continue;
      const data = JSON.stringify([{ asks: dAsks, bids: dBids, ts: String(now), checksum: this.checksum(bids, asks), prevSeqId, seqId: chain.seqId }]);
      for (const [channel, depth] of Object.entries(DEPTH)) if (depth === chain.depth) this.hub.push(`${channel}:${id}`, data, `"action":"update",`);
    }
    const seqId = f.chains.get(400)!.seqId;
    const top = (n: number) => ({ asks: fmtLevels(m, book.asks.slice(0, n)), bids: fmtLevels(m, book.bids.slice(0, n)) });
    const t5 = top(5);
    this.emit(f, "books5", `books5:${id}`, JSON.stringify(t5), () => JSON.stringify([{ ...t5, instId: id, ts: String(now), seqId }]), push);
    const t1 = top(1);
    this.emit(f, "bbo", `bbo-tbt:${id}`, JSON.stringify(t1), () => JSON.stringify([{ ...t1, instId: id, ts: String(now), seqId }]), push);
    const tk = ticker(m, book, now);
    this.emit(f, "ticker", `tickers:${id}`, JSON.stringify({ ...tk, ts: "" }), () => JSON.stringify([tk]), push);
    const markPx = fmt(m.midPx(), m.inst.pxDec + 1);
    this.emit(f, "mark", `mark-price:${id}`, markPx, () => JSON.stringify([{ instType: m.inst.instType, instId: id, markPx, ts: String(now) }]), push);
  }

  private emit(f: InstFeed, slot: "books5" | "bbo" | "ticker" | "mark", topic: string, key: string, json: () => string, push: boolean): void {
    const prev = f[slot];
    if (prev && prev.key === key) return;
    const data = json();
    f[slot] = { key, json: data };
    if (push && this.hub.has(topic)) this.hub.push(topic, data);
  }

  private checksum(bids: BookLevel[], asks: BookLevel[]): number {
    return this.opts.checksum ? bookChecksum(bids, asks) : 0;
  }

  /** What a new subscriber gets at once: the book snapshot or the current state; nothing for trades. */
  onSubscribe(sub: Sub, spec: ChannelSpec, now: number): void {
    const id = spec.instId;
    if (!id) return;
    const m = this.market.get(id)!;
    const f = this.feeds.get(id)!;
    const send = (data: string | undefined, head = "") => data && sub.session.sendData(`{"arg":${sub.argJson},${head}"data":${data}}`);
    const depth = DEPTH[spec.channel];
    if (depth !== undefined) {
      const c = f.chains.get(depth)!;
      const data = JSON.stringify([{ asks: c.asks, bids: c.bids, ts: String(c.ts), checksum: this.checksum(c.bids, c.asks), prevSeqId: -1, seqId: c.seqId }]);
      return void send(data, `"action":"snapshot",`);
    }
    if (spec.channel === "books5") return void send(f.books5?.json);
    if (spec.channel === "bbo-tbt") return void send(f.bbo?.json);
    if (spec.channel === "tickers") return void send(f.ticker?.json);
    if (spec.channel === "mark-price") return void send(f.mark?.json);
    if (spec.channel.startsWith("candle")) {
      const rows = m.candles.rows(spec.channel.slice(6), now, { limit: 1, ctVal: m.inst.ctVal, pxDec: m.inst.pxDec });
      send(JSON.stringify(rows));
    }
  }

  /** Candle pushes for every subscribed (bar, instrument): the open bar, and a closing row when a bar ends. */
  publishCandles(now: number): void {
    for (const key of [...this.hub.keys()]) {
      if (!key.startsWith("candle")) continue;
      const [channel = "", instId = ""] = key.split(":");
      const m = this.market.get(instId);
      if (!m) continue;
      const rows = m.candles.rows(channel.slice(6), now, { limit: 2, ctVal: m.inst.ctVal, pxDec: m.inst.pxDec });
      const newest = rows[0];
      if (!newest) continue;
      const prev = this.candlesSent.get(key);
      const json = JSON.stringify([newest]);
      if (prev && prev.ts !== newest[0] && rows[1]) this.hub.push(key, JSON.stringify([rows[1]]));
      if (!prev || prev.json !== json) this.hub.push(key, json);
      this.candlesSent.set(key, { ts: newest[0], json });
    }
  }
}

/** Levels of `next` that are new or changed, plus `"0"` for prices that left; best first. */
function diff(prev: BookLevel[], next: BookLevel[], desc: boolean): BookLevel[] {
  const old = new Map(prev.map((l) => [l[0], l]));
  const out: BookLevel[] = [];
  const seen = new Set<string>();
  for (const l of next) {
    seen.add(l[0]);
    const o = old.get(l[0]);
    if (!o || o[1] !== l[1] || o[3] !== l[3]) out.push(l);
  }
  for (const l of prev) if (!seen.has(l[0])) out.push([l[0], "0", "0", "0"]);
  out.sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  return out;
}
