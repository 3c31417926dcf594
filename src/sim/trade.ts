// Trade requests shared by REST and WS (place, cancel, amend, single or batch): per-request
// limits, rate limits counted per order and instrument (REST and WS share the counters), and the
// top-level code of a batch ("0" all ok, "1" all failed, "2" partly).
import { nowMs } from "../domain/time.ts";
import type { OrderOpResult } from "../okx/types.ts";
import { itemError, msg } from "./errors.ts";
import type { InstrumentTable } from "./instruments.ts";
import type { Matcher } from "./matching.ts";
import type { OkxRateLimits } from "./ratelimit.ts";
import { isItemError, resolveInst, str } from "./validate.ts";

export type TradeKind = "place" | "cancel" | "amend";

export interface TradeOutcome {
  code: string;
  msg: string;
  data: OrderOpResult[];
  /** Every item was refused by the rate limiter (REST answers HTTP 429). */
  rateLimited: boolean;
}

const WINDOW = 2_000;
/** Per instrument and user: single requests 60/2 s, batch endpoints 300 orders/2 s (OKX.md §8). */
const LIMITS = { single: 60, batch: 300 };
/** Place + amend per sub-account, counting each order in a batch. */
const ACCOUNT_ORDER_LIMIT = 1000;
export const MAX_BATCH = 20;

export class TradeService {
  constructor(
    private readonly matcher: Matcher,
    private readonly limiter: OkxRateLimits,
    private readonly instruments: InstrumentTable,
  ) {}

  run(kind: TradeKind, items: unknown[], batch: boolean, now: number): TradeOutcome {
    const data = items.map((item) => this.one(kind, item, batch, now));
    const ok = data.filter((d) => d.sCode === "0").length;
    const code = ok === data.length ? "0" : ok === 0 ? "1" : "2";
    return { code, msg: msg(code), data, rateLimited: data.length > 0 && data.every((d) => d.sCode === "50011") };
  }

  private one(kind: TradeKind, item: unknown, batch: boolean, now: number): OrderOpResult {
    const a = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
    const inst = resolveInst(a, this.instruments);
    const instKey = inst && !isItemError(inst) ? inst.instId : "any";
    const ok =
      this.limiter.take(
        `${kind}:${batch ? "batch" : "single"}:${instKey}`,
        batch ? LIMITS.batch : LIMITS.single,
        WINDOW,
        1,
        now,
      ) &&
      (kind === "cancel" || this.limiter.take("account-orders", ACCOUNT_ORDER_LIMIT, WINDOW, 1, now));
    if (!ok) {
      const base = { ordId: str(a.ordId) ?? "", clOrdId: str(a.clOrdId) ?? "", ts: String(now) };
      const e = itemError("50011");
      return {
        ...base,
        ...(kind === "amend" ? { reqId: str(a.reqId) ?? "" } : {}),
        sCode: e.sCode,
        sMsg: "Rate limit reached. Please refer to API documentation and throttle requests accordingly.",
      };
    }
    if (kind === "place") return this.matcher.place(item, now);
    if (kind === "cancel") return this.matcher.cancel(item, now);
    return this.matcher.amend(item, now);
  }
}

/** Microseconds since 1970 as a string (inTime/outTime). */
export function micros(): string {
  return String(Math.floor(nowMs() * 1000));
}
