// Trade ops from the main thread: sent as WS ops on the private connection (the request id is
// the main thread's id), or over REST when that connection is down. Answers go straight back.
import type { OrderAck } from "../../domain/orders.ts";
import { roundMs } from "../../domain/time.ts";
import type { OrderOpResult } from "../../okx/types.ts";
import type { FromWorker, TradeRequest } from "../protocol.ts";
import { OkxError, OkxUnavailableError, toErrorShape } from "./errors.ts";
import { type OkxTradeOp, okxTradeOp, orderAck } from "./order-wire.ts";
import type { Frame } from "./parse-frame.ts";
import type { OkxRest } from "./rest.ts";
import type { OkxSocket } from "./socket.ts";

/** OKX's processing time from a reply's inTime/outTime (µs strings), or undefined. */
export function exchangeMsOf(inTime: string, outTime: string): number | undefined {
  const a = Number(inTime);
  const b = Number(outTime);
  if (inTime === "" || outTime === "" || !Number.isFinite(a) || !Number.isFinite(b) || b < a) return undefined;
  return roundMs((b - a) / 1000);
}

export class TradeOps {
  readonly counts = { ws: 0, rest: 0, failed: 0 };
  /** In-flight WS ops: their timeout and when they were sent (performance.now()). */
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; sentAt: number }>();

  constructor(
    private readonly o: {
      socket: OkxSocket | null;
      rest: OkxRest;
      timeoutMs: number;
      reply(msg: FromWorker): void;
    },
  ) {}

  submit(id: string, req: TradeRequest): void {
    const ws = this.o.socket;
    const t = okxTradeOp(req);
    // expTime: OKX drops the request if it arrives after our timeout, so "no answer" cannot
    // turn into an order placed long after we told the caller its state was unknown.
    const expTime = String(Date.now() + this.o.timeoutMs);
    const sentAt = performance.now();
    if (ws?.ready && ws.send(JSON.stringify({ id, op: t.op, args: [t.args], expTime }))) {
      this.counts.ws++;
      const timer = setTimeout(
        () =>
          this.fail(
            id,
            new OkxUnavailableError(
              `no answer from OKX to ${t.op} within ${this.o.timeoutMs} ms; order state unknown`,
              true,
            ),
          ),
        this.o.timeoutMs,
      );
      this.pending.set(id, { timer, sentAt });
      return;
    }
    this.counts.rest++;
    this.viaRest(t).then(
      (answer) =>
        this.o.reply({ t: "op", id, answer, timing: { via: "rest", roundtripMs: performance.now() - sentAt } }),
      (err) => {
        this.counts.failed++;
        this.o.reply({ t: "op", id, error: toErrorShape(err) });
      },
    );
  }

  /** A WS trade-op reply; false when it is not one of ours. */
  onReply(frame: Extract<Frame, { kind: "op" }>): boolean {
    const p = this.pending.get(frame.id);
    if (p === undefined) return false;
    const roundtripMs = performance.now() - p.sentAt;
    clearTimeout(p.timer);
    this.pending.delete(frame.id);
    const item = frame.data[0] as Partial<OrderOpResult> | undefined;
    if (item && typeof item === "object") {
      const exchangeMs = exchangeMsOf(frame.inTime, frame.outTime);
      const timing = { via: "ws" as const, roundtripMs, ...(exchangeMs !== undefined ? { exchangeMs } : {}) };
      this.o.reply({ t: "op", id: frame.id, answer: orderAck(item), timing });
    } else {
      this.counts.failed++;
      this.o.reply({ t: "op", id: frame.id, error: toErrorShape(new OkxError({ code: frame.code, msg: frame.msg })) });
    }
    return true;
  }

  /** A WS error frame that names one of our requests (e.g. 60013 for bad args). */
  onError(id: string, code: string, msg: string): boolean {
    if (!this.pending.has(id)) return false;
    this.fail(id, new OkxError({ code, msg }));
    return true;
  }

  /** The private connection dropped: whatever was in flight has no answer coming. */
  onDisconnected(): void {
    for (const id of [...this.pending.keys()]) {
      this.fail(id, new OkxUnavailableError("private connection lost before OKX answered; order state unknown", true));
    }
  }

  private fail(id: string, err: Error): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.counts.failed++;
    this.o.reply({ t: "op", id, error: toErrorShape(err) });
  }

  private async viaRest(t: OkxTradeOp): Promise<OrderAck> {
    const rest = this.o.rest;
    try {
      const items: Partial<OrderOpResult>[] =
        t.op === "order"
          ? await rest.placeOrder(t.args)
          : t.op === "cancel-order"
            ? await rest.cancelOrder(t.args)
            : await rest.amendOrder(t.args);
      const first = items[0];
      if (!first) throw new OkxError({ code: "0", msg: "empty answer" });
      return orderAck(first);
    } catch (err) {
      // code "1" with a per-item result is OKX's answer (e.g. sCode 51008), not a transport failure.
      const item = err instanceof OkxError ? err.data?.[0] : undefined;
      if (item && typeof item === "object" && item.sCode !== undefined) return orderAck(item);
      throw err;
    }
  }
}
