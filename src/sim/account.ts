// The one simulated trading account: cash balances, amounts frozen by open orders, and net-mode
// swap positions; fills change them, and they are written in OKX's balance/position shapes.
import type { AccountBalance, BalanceAndPosition, BalanceDetail, Position } from "../okx/types.ts";
import type { InstrumentTable, SimInstrument } from "./instruments.ts";
import type { Market } from "./market.ts";
import { fmt } from "./num.ts";
import type { ResolvedOptions } from "./options.ts";

interface Balance {
  cash: number;
  /** Reserved by open orders (ordFrozen). */
  frozen: number;
  uTime: number;
}

export interface SimPosition {
  inst: SimInstrument;
  posId: string;
  /** Contracts; negative is short (net mode). */
  pos: number;
  avgPx: number;
  realizedPnl: number;
  tradeId: string;
  cTime: number;
  uTime: number;
}

export class Account {
  private balances = new Map<string, Balance>();
  readonly positions = new Map<string, SimPosition>();
  /** Leverage set per swap (set-leverage); the options' leverage where none was set. */
  private readonly levers = new Map<string, number>();
  private posSeq = 600_000_000_000_000_000n;

  constructor(
    readonly instruments: InstrumentTable,
    private readonly market: Market,
    private readonly opts: ResolvedOptions,
    now = Date.now(),
  ) {
    const start = opts.balances ?? defaultBalances(instruments);
    for (const [ccy, amount] of Object.entries(start)) this.balances.set(ccy, { cash: amount, frozen: 0, uTime: now });
  }

  private bal(ccy: string): Balance {
    let b = this.balances.get(ccy);
    if (!b) this.balances.set(ccy, (b = { cash: 0, frozen: 0, uTime: Date.now() }));
    return b;
  }

  /** The leverage of a swap: what set-leverage last set, else the options' default. */
  lever(instId: string): number {
    return this.levers.get(instId) ?? this.opts.leverage;
  }

  setLever(instId: string, lever: number): void {
    this.levers.set(instId, lever);
  }

  cash(ccy: string): number {
    return this.balances.get(ccy)?.cash ?? 0;
  }

  /** What a new order may still use: cash less frozen less the margin of open positions. */
  available(ccy: string): number {
    const b = this.balances.get(ccy);
    return b ? b.cash - b.frozen - this.imr(ccy) : 0;
  }

  freeze(ccy: string, amount: number, now: number): void {
    const b = this.bal(ccy);
    b.frozen += amount;
    b.uTime = now;
  }

  unfreeze(ccy: string, amount: number, now: number): void {
    const b = this.bal(ccy);
    b.frozen = Math.max(0, b.frozen - amount);
    if (b.frozen < 1e-12) b.frozen = 0;
    b.uTime = now;
  }

  /** Adds (or with a negative amount, removes) cash. */
  credit(ccy: string, amount: number, now: number): void {
    const b = this.bal(ccy);
    b.cash += amount;
    b.uTime = now;
  }

  /**
   * Applies a swap fill of `contracts` (negative = sell) at `px` with its `fee` (negative);
   * returns the PnL it realized (before the fee). The position's `realizedPnl` is OKX's: what it
   * has realized since it was opened, fees included (a position opened from flat starts at 0).
   */
  applySwapFill(inst: SimInstrument, contracts: number, px: number, fee: number, tradeId: string, now: number): number {
    let p = this.positions.get(inst.instId);
    if (!p) {
      p = { inst, posId: String(++this.posSeq), pos: 0, avgPx: 0, realizedPnl: 0, tradeId, cTime: now, uTime: now };
      this.positions.set(inst.instId, p);
    }
    if (p.pos === 0) {
      p.realizedPnl = 0;
      p.cTime = now;
    }
    p.realizedPnl += fee;
    let pnl = 0;
    const same = p.pos === 0 || Math.sign(p.pos) === Math.sign(contracts);
    if (same) {
      const total = p.pos + contracts;
      p.avgPx = (p.avgPx * Math.abs(p.pos) + px * Math.abs(contracts)) / Math.abs(total);
      p.pos = total;
    } else {
      const closed = Math.min(Math.abs(p.pos), Math.abs(contracts));
      pnl = (px - p.avgPx) * closed * inst.ctVal * Math.sign(p.pos);
      const total = p.pos + contracts;
      if (Math.abs(total) < 1e-9) p.pos = 0;
      else {
        if (Math.sign(total) !== Math.sign(p.pos)) p.avgPx = px;
        p.pos = total;
      }
      p.realizedPnl += pnl;
      this.credit(inst.quoteCcy, pnl, now);
    }
    p.tradeId = tradeId;
    p.uTime = now;
    if (p.pos === 0) p.avgPx = 0;
    return pnl;
  }

  /**
   * Books one funding payment on a swap's open position: -pos × ctVal × mark × rate (a long pays
   * a positive rate, a short receives it) into the settlement currency's cash and the position's
   * realizedPnl, which on OKX includes funding fees. Returns the amount; undefined if flat.
   */
  payFunding(inst: SimInstrument, rate: number, now: number): number | undefined {
    const p = this.positions.get(inst.instId);
    if (!p || p.pos === 0) return undefined;
    const amount = -p.pos * inst.ctVal * this.mark(inst) * rate;
    this.credit(inst.quoteCcy, amount, now);
    p.realizedPnl += amount;
    p.uTime = now;
    return amount;
  }

  position(instId: string): number {
    return this.positions.get(instId)?.pos ?? 0;
  }

  /** Initial margin of the open positions settled in `ccy`. */
  imr(ccy: string): number {
    let sum = 0;
    for (const p of this.positions.values()) {
      if (p.inst.quoteCcy === ccy && p.pos !== 0)
        sum += (Math.abs(p.pos) * p.inst.ctVal * this.mark(p.inst)) / this.lever(p.inst.instId);
    }
    return sum;
  }

  upl(ccy: string): number {
    let sum = 0;
    for (const p of this.positions.values()) if (p.inst.quoteCcy === ccy) sum += this.posUpl(p);
    return sum;
  }

  private mark(inst: SimInstrument): number {
    return this.market.get(inst.instId)?.midPx() ?? inst.startPx;
  }

  private posUpl(p: SimPosition): number {
    return p.pos === 0 ? 0 : (this.mark(p.inst) - p.avgPx) * p.pos * p.inst.ctVal;
  }

  detail(ccy: string, now: number): BalanceDetail {
    const b = this.balances.get(ccy) ?? { cash: 0, frozen: 0, uTime: now };
    const upl = this.upl(ccy);
    const imr = this.imr(ccy);
    const eq = b.cash + upl;
    const usd = this.market.usdPrice(ccy);
    return {
      ccy,
      eq: fmt(eq),
      cashBal: fmt(b.cash),
      availBal: fmt(b.cash - b.frozen - imr),
      availEq: fmt(eq - b.frozen - imr),
      frozenBal: fmt(b.frozen + imr),
      ordFrozen: fmt(b.frozen),
      eqUsd: fmt(eq * usd, 4),
      disEq: fmt(eq * usd, 4),
      upl: fmt(upl),
      liab: "0",
      crossLiab: "0",
      isoLiab: "0",
      interest: "0",
      maxLoan: "",
      mgnRatio: "",
      notionalLever: "",
      twap: "0",
      isoEq: "0",
      uTime: String(b.uTime),
    };
  }

  /** GET /account/balance and the `account` channel; `ccys` filters (empty = non-zero balances). */
  balance(ccys: string[], now: number): AccountBalance {
    const list = ccys.length
      ? ccys
      : [...this.balances.keys()].filter((c) => this.balances.get(c)!.cash !== 0 || this.imr(c) !== 0);
    const details = list.map((c) => this.detail(c, now));
    let totalEq = 0,
      ordFroz = 0,
      imr = 0,
      upl = 0,
      notional = 0;
    for (const c of this.balances.keys()) {
      const usd = this.market.usdPrice(c);
      const b = this.balances.get(c)!;
      totalEq += (b.cash + this.upl(c)) * usd;
      ordFroz += b.frozen * usd;
      imr += this.imr(c) * usd;
      upl += this.upl(c) * usd;
    }
    for (const p of this.positions.values()) notional += Math.abs(p.pos) * p.inst.ctVal * this.mark(p.inst);
    return {
      uTime: String(now),
      totalEq: fmt(totalEq, 4),
      isoEq: "0",
      adjEq: fmt(totalEq, 4),
      ordFroz: fmt(ordFroz, 4),
      imr: fmt(imr, 4),
      mmr: fmt(imr / 10, 4),
      notionalUsd: fmt(notional, 4),
      mgnRatio: imr > 0 ? fmt(totalEq / (imr / 10), 4) : "",
      upl: fmt(upl, 4),
      details,
    };
  }

  /** Open positions (and positions closed but not yet reported, if `includeFlat`). */
  positionRows(filter: { instType?: string; instIds?: string[]; includeFlat?: boolean }, now: number): Position[] {
    const out: Position[] = [];
    for (const p of this.positions.values()) {
      if (p.pos === 0 && !filter.includeFlat) continue;
      if (filter.instType && filter.instType !== "ANY" && p.inst.instType !== filter.instType) continue;
      if (filter.instIds?.length && !filter.instIds.includes(p.inst.instId)) continue;
      out.push(this.positionRow(p, now));
    }
    return out;
  }

  positionRow(p: SimPosition, now: number): Position {
    const mark = this.mark(p.inst);
    const upl = this.posUpl(p);
    const notional = Math.abs(p.pos) * p.inst.ctVal * mark;
    const lever = this.lever(p.inst.instId);
    const imr = notional / lever;
    const dp = p.inst.pxDec + 2;
    const liq = p.pos === 0 ? 0 : Math.max(0, p.avgPx * (1 - Math.sign(p.pos) / lever));
    return {
      instType: p.inst.instType,
      instId: p.inst.instId,
      posId: p.posId,
      posSide: "net",
      pos: fmt(p.pos, p.inst.szDec),
      availPos: "",
      avgPx: p.pos === 0 ? "" : fmt(p.avgPx, dp),
      upl: fmt(upl),
      uplRatio: imr > 0 ? fmt(upl / imr, 6) : "0",
      realizedPnl: fmt(p.realizedPnl),
      lever: String(lever),
      liqPx: p.pos === 0 ? "" : fmt(liq, dp),
      markPx: fmt(mark, dp),
      imr: fmt(imr),
      margin: "",
      mgnMode: "cross",
      mgnRatio: "",
      mmr: fmt(imr / 10),
      notionalUsd: fmt(notional, 4),
      ccy: p.inst.quoteCcy,
      posCcy: "",
      last: fmt(mark, dp),
      idxPx: fmt(mark, dp),
      adl: "1",
      tradeId: p.tradeId,
      cTime: String(p.cTime),
      uTime: String(p.uTime),
      pTime: String(now),
    };
  }

  /** The `balance_and_position` push for the given currencies and instruments. */
  balanceAndPosition(
    eventType: string,
    ccys: string[],
    instIds: string[],
    trades: { instId: string; tradeId: string }[],
    now: number,
  ): BalanceAndPosition {
    const list = eventType === "snapshot" ? [...this.balances.keys()] : ccys;
    const pos = [...this.positions.values()].filter((p) =>
      eventType === "snapshot" ? p.pos !== 0 : instIds.includes(p.inst.instId),
    );
    return {
      pTime: String(now),
      eventType,
      balData: list.map((c) => ({
        ccy: c,
        cashBal: fmt(this.cash(c)),
        uTime: String(this.balances.get(c)?.uTime ?? now),
      })),
      posData: pos.map((p) => ({
        posId: p.posId,
        tradeId: p.tradeId,
        instId: p.inst.instId,
        instType: p.inst.instType,
        mgnMode: "cross",
        posSide: "net",
        pos: fmt(p.pos, p.inst.szDec),
        ccy: p.inst.quoteCcy,
        posCcy: "",
        avgPx: p.pos === 0 ? "" : fmt(p.avgPx, p.inst.pxDec + 2),
        uTime: String(p.uTime),
      })),
      trades,
    };
  }
}

function defaultBalances(instruments: InstrumentTable): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of instruments.ofType("SPOT")) {
    out[i.quoteCcy] = 100_000;
    out[i.baseCcy] ??= Number((50_000 / i.startPx).toPrecision(2));
  }
  return out;
}
