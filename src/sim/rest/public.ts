// Public REST endpoints: server time, instruments, tickers, books, candles, trades, mark price,
// funding rate and system status; types we do not simulate answer data [].
import { parseBar } from "../candles.ts";
import { unitsToStr } from "../num.ts";
import { displayBook, fmtLevels, ticker, tradeRow } from "../view.ts";
import { fail, type Handler, ok, q, type RestRequest } from "./respond.ts";

const INST_TYPES = new Set(["SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION"]);

function market(r: RestRequest) {
  const instId = q(r, "instId");
  if (!instId) return { err: fail("50014", "instId") };
  const m = r.ctx.market.get(instId);
  return m ? { m } : { err: fail("51001") };
}

export const time: Handler = (r) => ok([{ ts: String(r.now) }]);

export const status: Handler = () => ok([]);

export const instruments: Handler = (r) => {
  const instType = q(r, "instType");
  if (!instType) return fail("50014", "instType");
  if (!INST_TYPES.has(instType)) return fail("51000", "instType");
  const instId = q(r, "instId");
  const family = q(r, "instFamily") ?? q(r, "uly");
  const list = r.ctx.instruments
    .ofType(instType)
    .filter((i) => (!instId || i.instId === instId) && (!family || i.wire.instFamily === family));
  return ok(list.map((i) => i.wire));
};

export const tickers: Handler = (r) => {
  const instType = q(r, "instType");
  if (!instType) return fail("50014", "instType");
  const family = q(r, "instFamily") ?? q(r, "uly");
  const rows = r.ctx.instruments
    .ofType(instType)
    .filter((i) => !family || i.wire.instFamily === family)
    .map((i) => {
      const m = r.ctx.market.get(i.instId)!;
      return ticker(m, displayBook(m, r.ctx.matcher, 1), r.now);
    });
  return ok(rows);
};

export const oneTicker: Handler = (r) => {
  const { m, err } = market(r);
  if (!m) return err!;
  return ok([ticker(m, displayBook(m, r.ctx.matcher, 1), r.now)]);
};

export const books: Handler = (r) => {
  const { m, err } = market(r);
  if (!m) return err!;
  const sz = Math.min(400, Math.max(1, Number(q(r, "sz") ?? "1") || 1));
  const b = displayBook(m, r.ctx.matcher, sz);
  return ok([{ asks: fmtLevels(m, b.asks), bids: fmtLevels(m, b.bids), ts: String(r.now) }]);
};

export const candles: Handler = (r) => {
  const { m, err } = market(r);
  if (!m) return err!;
  const bar = q(r, "bar") ?? "1m";
  if (!parseBar(bar)) return fail("51000", "bar");
  const num = (name: string) => (q(r, name) === undefined ? undefined : Number(q(r, name)));
  const limit = Math.min(300, Math.max(1, num("limit") ?? 100));
  return ok(
    m.candles.rows(bar, r.now, {
      limit,
      after: num("after"),
      before: num("before"),
      ctVal: m.inst.ctVal,
      pxDec: m.inst.pxDec,
    }),
  );
};

export const trades: Handler = (r) => {
  const { m, err } = market(r);
  if (!m) return err!;
  const limit = Math.min(500, Math.max(1, Number(q(r, "limit") ?? "100") || 100));
  return ok(
    m.recent
      .slice(-limit)
      .reverse()
      .map((t) => tradeRow(m, t)),
  );
};

export const markPrice: Handler = (r) => {
  const instType = q(r, "instType");
  if (!instType) return fail("50014", "instType");
  const instId = q(r, "instId");
  const rows = r.ctx.instruments
    .ofType(instType === "MARGIN" ? "SPOT" : instType)
    .filter((i) => !instId || i.instId === instId)
    .map((i) => {
      const m = r.ctx.market.get(i.instId)!;
      return { instType, instId: i.instId, markPx: unitsToStr(Math.round(m.mid()), i.pxDec), ts: String(r.now) };
    });
  return ok(rows);
};

export const fundingRate: Handler = (r) => {
  const { m, err } = market(r);
  if (!m) return err!;
  const view = r.ctx.funding.view(m.inst.instId, r.now);
  return view ? ok([view]) : fail("51000", "instId");
};
