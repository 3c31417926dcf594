// Public pushes: after each market step, the books chains (snapshot, then updates whose prevSeqId
// is the previous seqId, with the configurable checksum), books5, bbo-tbt, tickers, mark-price,
// trades and candles go to their subscribers; funding-rate on its own cadence and after each
// settlement. Views nobody subscribes to are not computed.
import type { BookLevel } from "../../okx/types.ts";
import type { Level } from "../book.ts";
import { bookChecksum } from "../checksum.ts";
import type { Faults } from "../faults.ts";
import type { Funding } from "../funding.ts";
import type { InstrumentMarket, Market } from "../market.ts";
import type { Matcher } from "../matching.ts";
import { fmt, unitsToStr } from "../num.ts";
import type { ResolvedOptions } from "../options.ts";
import { createRng, deriveSeed, type Rng } from "../rng.ts";
import { type DisplayBook, displayBook, fmtLevels, ticker, tradeRow } from "../view.ts";
import type { ChannelSpec } from "./channels.ts";
import type { Hub } from "./hub.ts";
import type { Sub } from "./session.ts";

/** The last published state of one depth of one instrument's book. */
interface Chain {
  depth: number;
  channels: string[];
  seqId: number;
  bids: Level[];
  asks: Level[];
  ts: number;
}

type Slot = "books5" | "bbo-tbt" | "tickers" | "mark-price";
const SLOTS: Slot[] = ["books5", "bbo-tbt", "tickers", "mark-price"];

interface InstFeed {
  chains: Chain[];
  /** Per view: what was last pushed (a change key and the data JSON). */
  last: Partial<Record<Slot, { key: string; json: string }>>;
}

export class Feed {
  private feeds = new Map<string, InstFeed>();
  private candlesSent = new Map<string, { ts: string; json: string }>();
  private rng: Rng;

  constructor(
    private readonly hub: Hub,
    private readonly market: Market,
    private readonly matcher: Matcher,
    private readonly faults: Faults,
    private readonly funding: Funding,
    private readonly opts: ResolvedOptions,
  ) {
    this.rng = createRng(deriveSeed(opts.seed, "seq"));
    for (const m of market.byId.values()) {
      const chain = (depth: number, channels: string[]): Chain => ({
        depth,
        channels,
        seqId: 1_000_000 + this.rng.int(0, 999_999) * 10,
        bids: [],
        asks: [],
        ts: 0,
      });
      this.feeds.set(m.inst.instId, {
        chains: [chain(400, ["books", "books-l2-tbt"]), chain(50, ["books50-l2-tbt"])],
        last: {},
      });
    }
  }

  private subscribers(channels: string[], instId: string): number {
    let n = 0;
    for (const c of channels) for (const _ of this.hub.subscribers(`${c}:${instId}`)) n++;
    return n;
  }

  /** Pushes what changed in the public views of `m` that have subscribers. */
  publish(m: InstrumentMarket, now: number): void {
    const id = m.inst.instId;
    const f = this.feeds.get(id)!;
    let book: DisplayBook | undefined;
    const view = () => (book ??= displayBook(m, this.matcher, 400));
    const gap = this.faults.takeGap(id);
    for (const chain of f.chains) {
      if (this.subscribers(chain.channels, id) === 0) continue;
      const update = this.advance(chain, view(), now);
      if (!update || gap) continue;
      const data = JSON.stringify([
        {
          asks: this.fmtDiff(m, update.asks),
          bids: this.fmtDiff(m, update.bids),
          ts: String(now),
          checksum: this.checksum(m, chain),
          prevSeqId: update.prevSeqId,
          seqId: chain.seqId,
        },
      ]);
      for (const c of chain.channels) this.hub.push(`${c}:${id}`, data, `"action":"update",`);
    }
    for (const slot of SLOTS) {
      if (!this.hub.has(`${slot}:${id}`)) continue;
      const next = this.view(slot, m, f, view(), now);
      if (f.last[slot]?.key === next.key) continue;
      f.last[slot] = next;
      this.hub.push(`${slot}:${id}`, next.json);
    }
    if (m.pending.length > 0) {
      const key = `trades:${id}`;
      if (this.hub.has(key)) this.hub.push(key, JSON.stringify(m.pending.map((t) => tradeRow(m, t))));
      m.pending = [];
    }
  }

  /** Moves a chain to the current book; returns the changed levels, or undefined if none changed. */
  private advance(
    chain: Chain,
    book: DisplayBook,
    now: number,
  ): { bids: Level[]; asks: Level[]; prevSeqId: number } | undefined {
    const bids = book.bids.slice(0, chain.depth);
    const asks = book.asks.slice(0, chain.depth);
    const dBids = diff(chain.bids, bids, true);
    const dAsks = diff(chain.asks, asks, false);
    if (dBids.length === 0 && dAsks.length === 0 && chain.ts > 0) return undefined;
    const prevSeqId = chain.seqId;
    chain.seqId += 1 + this.rng.int(0, 4);
    chain.bids = bids;
    chain.asks = asks;
    chain.ts = now;
    return { bids: dBids, asks: dAsks, prevSeqId };
  }

  private view(
    slot: Slot,
    m: InstrumentMarket,
    f: InstFeed,
    book: DisplayBook,
    now: number,
  ): { key: string; json: string } {
    const id = m.inst.instId;
    if (slot === "books5" || slot === "bbo-tbt") {
      const n = slot === "books5" ? 5 : 1;
      const top = { asks: fmtLevels(m, book.asks.slice(0, n)), bids: fmtLevels(m, book.bids.slice(0, n)) };
      const key = JSON.stringify(top);
      return { key, json: JSON.stringify([{ ...top, instId: id, ts: String(now), seqId: f.chains[0]!.seqId }]) };
    }
    if (slot === "tickers") {
      const tk = ticker(m, book, now);
      return { key: JSON.stringify({ ...tk, ts: "" }), json: JSON.stringify([tk]) };
    }
    const markPx = fmt(m.midPx(), m.inst.pxDec + 1);
    return { key: markPx, json: JSON.stringify([{ instType: m.inst.instType, instId: id, markPx, ts: String(now) }]) };
  }

  private fmtDiff(m: InstrumentMarket, levels: Level[]): BookLevel[] {
    return levels.map((l) =>
      l[1] === 0
        ? [unitsToStr(l[0], m.inst.pxDec), "0", "0", "0"]
        : [unitsToStr(l[0], m.inst.pxDec), unitsToStr(l[1], m.inst.szDec), "0", String(l[2])],
    );
  }

  private checksum(m: InstrumentMarket, c: Chain): number {
    return this.opts.checksum ? bookChecksum(fmtLevels(m, c.bids.slice(0, 25)), fmtLevels(m, c.asks.slice(0, 25))) : 0;
  }

  /** What a new subscriber gets at once: the book snapshot or the current state; nothing for trades. */
  onSubscribe(sub: Sub, spec: ChannelSpec, now: number): void {
    const id = spec.instId;
    if (!id) return;
    const m = this.market.get(id)!;
    const f = this.feeds.get(id)!;
    const send = (data: string, head = "") => sub.session.sendData(`{"arg":${sub.argJson},${head}"data":${data}}`);
    // The only subscriber: the view was not kept up to date, so bring it up to date silently.
    const alone = (channels: string[]) => this.subscribers(channels, id) <= 1;
    const chain = f.chains.find((c) => c.channels.includes(spec.channel));
    if (chain) {
      if (alone(chain.channels)) this.advance(chain, displayBook(m, this.matcher, 400), now);
      const data = JSON.stringify([
        {
          asks: fmtLevels(m, chain.asks),
          bids: fmtLevels(m, chain.bids),
          ts: String(chain.ts),
          checksum: this.checksum(m, chain),
          prevSeqId: -1,
          seqId: chain.seqId,
        },
      ]);
      return send(data, `"action":"snapshot",`);
    }
    const slot = SLOTS.find((s) => s === spec.channel);
    if (slot) {
      if (alone([slot]) || !f.last[slot]) f.last[slot] = this.view(slot, m, f, displayBook(m, this.matcher, 5), now);
      return send(f.last[slot]!.json);
    }
    if (spec.channel === "funding-rate") return send(JSON.stringify([this.funding.view(id, now)]));
    if (spec.channel.startsWith("candle")) {
      send(
        JSON.stringify(
          m.candles.rows(spec.channel.slice(6), now, { limit: 1, ctVal: m.inst.ctVal, pxDec: m.inst.pxDec }),
        ),
      );
    }
  }

  /** `funding-rate` pushes: the current state of each subscribed swap (of `instIds` only, if given). */
  publishFunding(now: number, instIds?: string[]): void {
    for (const id of instIds ?? this.market.byId.keys()) {
      const key = `funding-rate:${id}`;
      if (!this.hub.has(key)) continue;
      const view = this.funding.view(id, now);
      if (view) this.hub.push(key, JSON.stringify([view]));
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

/**
 * Levels of `next` that are new or changed, plus size 0 for prices that left, best first.
 * Both inputs are sorted best first, so one merge pass keeps the output sorted.
 */
export function diff(prev: Level[], next: Level[], desc: boolean): Level[] {
  const out: Level[] = [];
  const better = (a: number, b: number) => (desc ? a > b : a < b);
  let i = 0;
  let j = 0;
  while (i < prev.length || j < next.length) {
    const p = prev[i];
    const n = next[j];
    if (p && n && p[0] === n[0]) {
      if (p[1] !== n[1] || p[2] !== n[2]) out.push(n);
      i++;
      j++;
    } else if (n && (!p || better(n[0], p[0]))) {
      out.push(n);
      j++;
    } else {
      out.push([p![0], 0, 0]);
      i++;
    }
  }
  return out;
}
