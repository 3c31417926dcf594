// Tells an outside service what a trader wants to know while away from the screen: each price
// alert as it fires, and each strategy that ends without its user (a TP/SL that sold, a TWAP
// done, one that failed). One POST of JSON per notice to NOTIFY_WEBHOOK_URL, {type, text, ...}: `text`
// is what Slack-style incoming webhooks (Slack, Mattermost, Rocket.Chat) show as the message, the
// rest is for a receiver of the desk's own. Signed when NOTIFY_WEBHOOK_SECRET is set
// (`X-Tradewire-Signature: sha256=<hex HMAC-SHA256 of the body>`). In order, one at a time, at
// most MAX_QUEUE waiting (past it the oldest goes, counted); retried after a network error, a
// timeout, 429 or 5xx (RETRY_MS, then dropped and logged), never after another 4xx. Nothing waits
// for it. The URL is a credential (a chat's webhook URL is its key): logs name only its host.
import { createHmac } from "node:crypto";
import type { PriceAlert } from "../domain/alerts.ts";
import type { Logger } from "../log.ts";
import type { StrategyRecord } from "../strategies/model.ts";

export interface Notice {
  /** What happened, e.g. `alert.fired`. */
  type: string;
  /** The message as a person reads it. */
  text: string;
  [field: string]: unknown;
}

export interface NotifierOptions {
  url: string;
  secret?: string | undefined;
  log: Logger;
  /** Counts each notice's end: sent, failed (given up), dropped (the queue was full). */
  count?: (outcome: "sent" | "failed" | "dropped") => void;
  /** Waits before each retry (default RETRY_MS). */
  retryMs?: readonly number[];
  timeoutMs?: number;
}

export const MAX_QUEUE = 1_000;
const RETRY_MS = [1_000, 5_000, 30_000] as const;

export class WebhookNotifier {
  private readonly queue: Notice[] = [];
  private running: Promise<void> | null = null;
  private readonly host: string;

  constructor(private readonly o: NotifierOptions) {
    this.host = new URL(o.url).host;
  }

  notify(n: Notice): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.o.count?.("dropped");
      this.o.log.warn("webhook notice dropped: too many waiting", { host: this.host, waiting: MAX_QUEUE });
    }
    this.queue.push(n);
    this.running ??= this.pump().finally(() => {
      this.running = null;
    });
  }

  /** Resolves once every notice waiting now has been sent or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pump(): Promise<void> {
    for (let n = this.queue.shift(); n; n = this.queue.shift()) await this.deliver(n);
  }

  private async deliver(n: Notice): Promise<void> {
    const body = JSON.stringify(n);
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "tradewire" };
    if (this.o.secret)
      headers["x-tradewire-signature"] = `sha256=${createHmac("sha256", this.o.secret).update(body).digest("hex")}`;
    const waits = this.o.retryMs ?? RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      let why: string;
      try {
        const r = await fetch(this.o.url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
        });
        await r.body?.cancel();
        if (r.ok) return void this.o.count?.("sent");
        why = `HTTP ${r.status}`;
        if (r.status !== 429 && r.status < 500) return this.giveUp(n, why, attempt);
      } catch (err) {
        why = (err as Error).name === "TimeoutError" ? "timed out" : "unreachable";
      }
      if (attempt >= waits.length) return this.giveUp(n, why, attempt);
      await Bun.sleep(waits[attempt]!);
    }
  }

  private giveUp(n: Notice, why: string, retries: number): void {
    this.o.count?.("failed");
    this.o.log.error("webhook notice not delivered", { host: this.host, type: n.type, why, retries });
  }
}

/** A fired price alert as a notice: "BTC-USDT rose to 45000 (last 45000.3): tina's alert, breakout". */
export function alertNotice(a: PriceAlert): Notice {
  const note = a.note ? `, ${a.note}` : "";
  return {
    type: "alert.fired",
    text: `${a.instId} ${a.up ? "rose" : "fell"} to ${a.price} (last ${a.firedPx}): ${a.owner}'s alert${note}`,
    alert: a,
  };
}

/** A strategy that ended without its user: "TP/SL BTC-USDT-SWAP (stop, tina) finished: stop 42000: sold 3 ...". */
export function strategyNotice(rec: StrategyRecord): Notice {
  const failed = rec.state === "error";
  const reason = (rec.reason ?? "").replace(/^finished: /, "");
  return {
    type: failed ? "strategy.failed" : "strategy.finished",
    text: `${rec.name} (${rec.kind}, ${rec.owner}) ${failed ? "failed" : "finished"}: ${reason}`,
    strategy: { id: rec.id, name: rec.name, kind: rec.kind, owner: rec.owner, state: rec.state, reason: rec.reason },
  };
}
