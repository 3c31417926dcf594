// What OKX says happened since a time, read over REST page by page: the orders (each in its
// current state: orders-history, orders-pending, and single orders asked for by id) and the fills
// (fills-history). tradewire's history is brought up to date from it after a crash or a lost
// connection (services/reconcile.ts).
import type { Fill, Order } from "../../domain/events.ts";
import type { InstType } from "../../okx/types.ts";
import { isRateLimited, isUnknownOrder } from "./errors.ts";
import { MalformedError, ms, ne, obj, os, s, side } from "./parse-fields.ts";
import { parseOrder } from "./parse-private.ts";
import type { OkxRest } from "./rest.ts";

export interface ListSince {
  instTypes: InstType[];
  /** ms since 1970: orders updated and fills made from then on. */
  since: number;
  /** Orders known as open elsewhere: asked for one by one when no list has them (they may have ended long after they began). */
  open: Array<{ ordId: string; instId: string }>;
  /** Pages per list and instType (100 items each). */
  maxPages?: number;
}

export interface ExchangeListing {
  orders: Order[];
  fills: Fill[];
  /** Items OKX sent that did not parse (skipped). */
  malformed: number;
  /** False when a list had more pages than maxPages (the oldest part was not read). */
  complete: boolean;
}

const PAGE = 100;
const MAX_SINGLE = 500;
/** Tries of one request that OKX answers with its rate limit (a second apart). */
const RATE_LIMIT_TRIES = 5;

/** Runs `f`, waiting a second and trying again while OKX says the rate limit is reached. */
async function paced<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (err) {
      if (!isRateLimited(err) || i === RATE_LIMIT_TRIES) throw err;
      await Bun.sleep(1_000);
    }
  }
}

/** A fills(-history) item as tradewire's Fill. */
export function parseFill(item: unknown): Fill {
  const o = obj(item, "fill");
  return {
    ordId: ne(o, "ordId"),
    clOrdId: os(o, "clOrdId"),
    instId: ne(o, "instId"),
    tradeId: s(o, "tradeId"),
    side: side(o),
    fillPx: s(o, "fillPx"),
    fillSz: s(o, "fillSz"),
    fee: os(o, "fee"),
    feeCcy: os(o, "feeCcy"),
    fillPnl: os(o, "fillPnl"),
    execType: os(o, "execType"),
    ts: ms(o, "ts"),
  };
}

/**
 * @example const r = await listSince(rest, { instTypes: ["SPOT"], since: Date.now() - 60_000, open: [] });
 */
export async function listSince(rest: OkxRest, q: ListSince): Promise<ExchangeListing> {
  const maxPages = q.maxPages ?? 20;
  const orders = new Map<string, Order>();
  const fills: Fill[] = [];
  let malformed = 0;
  let complete = true;
  const parse = <T>(f: (x: unknown) => T, x: unknown): T | undefined => {
    try {
      return f(x);
    } catch (err) {
      if (!(err instanceof MalformedError)) throw err;
      malformed++;
      return undefined;
    }
  };
  /** Reads pages newest first, the cursor being the last item's `key`, until a short page or maxPages. */
  const pages = async <R extends object>(
    read: (after?: string) => Promise<R[]>,
    key: (r: R) => string,
    take: (r: R) => void,
  ) => {
    let after: string | undefined;
    for (let page = 0; ; page++) {
      if (page === maxPages) {
        complete = false;
        return;
      }
      const rows = await paced(() => read(after));
      for (const r of rows) take(r);
      if (rows.length < PAGE) return;
      after = key(rows.at(-1)!);
    }
  };
  const keep = (row: unknown) => {
    const o = parse(parseOrder, row);
    if (o) orders.set(o.ordId, o);
  };
  for (const instType of q.instTypes) {
    const cursor = (after?: string) => (after ? { after } : {});
    await pages(
      (a) => rest.ordersHistory({ instType, begin: q.since, limit: PAGE, ...cursor(a) }),
      (r) => r.ordId,
      keep,
    );
    await pages(
      (a) => rest.ordersPending({ instType, limit: PAGE, ...cursor(a) }),
      (r) => r.ordId,
      keep,
    );
    await pages(
      (a) => rest.fillsHistory({ instType, begin: q.since, limit: PAGE, ...cursor(a) }),
      (r) => r.billId,
      (r) => {
        const f = parse(parseFill, r);
        if (f) fills.push(f);
      },
    );
  }
  // Orders that a fill names, or that were open, but that no list had (older than `since`).
  const wanted = new Map<string, string>();
  for (const f of fills) if (!orders.has(f.ordId)) wanted.set(f.ordId, f.instId);
  for (const o of q.open) if (!orders.has(o.ordId)) wanted.set(o.ordId, o.instId);
  let asked = 0;
  for (const [ordId, instId] of wanted) {
    if (asked++ === MAX_SINGLE) {
      complete = false;
      break;
    }
    try {
      const [row] = await paced(() => rest.getOrder({ instId, ordId }));
      if (row) keep(row);
    } catch (err) {
      if (!isUnknownOrder(err)) throw err;
    }
  }
  return { orders: [...orders.values()], fills, malformed, complete };
}
