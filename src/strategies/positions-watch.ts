// The exchange's open positions as the bus told them (the exchange's and tradewire's own events
// only), and whether they are all known: the exchange connection's first positions snapshot since
// its private connection opened has been taken in (exchange/okx/private-feed.ts says so with a
// `system` event after the flat positions it implied). Fed every batch from before the exchange
// connection starts, so it misses nothing; the supervisor gives a strategy that follows positions
// what it holds when it starts.
import { type BusEvent, textOf } from "../bus/ring.ts";
import type { Position } from "../domain/events.ts";
import { flatPosition, POSITIONS_KNOWN } from "../domain/positions.ts";
import { fromTruth } from "../domain/source.ts";

export class PositionsWatch {
  /** instId:posSide -> the latest event data of each open position. */
  private readonly held = new Map<string, Position>();
  /** The bus sequence of the last event taken in. */
  private seq = 0;
  /** Every open position is in `held`: an instrument not there is flat. */
  known = false;

  consume(events: BusEvent[]): void {
    for (const ev of events) {
      this.seq = ev.seq;
      if ((ev.type !== "position" && ev.type !== "system") || !fromTruth(ev.source)) continue;
      const data = (JSON.parse(textOf(ev)) as { data?: Record<string, unknown> }).data;
      if (!data) continue;
      if (ev.type === "position") {
        const key = `${String(data.instId)}:${String(data.posSide || "net")}`;
        if (Number(data.pos) === 0) this.held.delete(key);
        else this.held.set(key, data as unknown as Position);
      } else if (data.kind === POSITIONS_KNOWN.kind) this.known = true;
      else if (data.kind === "connection" && data.conn === "private" && data.state === "down") this.known = false;
    }
  }

  /**
   * What a strategy starts with, as of bus sequence `after`: the positions held on its
   * instruments and, with `flats` while all are known, a flat one for each instrument held by no one.
   */
  startWith(instruments: readonly string[], flats: boolean): { after: number; list: Position[] } {
    const list: Position[] = [];
    for (const instId of instruments) {
      const mine = [...this.held.values()].filter((p) => p.instId === instId);
      list.push(...mine);
      if (flats && this.known && mine.length === 0) list.push(flatPosition(instId, Date.now()));
    }
    return { after: this.seq, list };
  }
}
