// The webhook notifier against a real HTTP receiver on loopback: in order, signed, retried after
// a 5xx or a receiver that is down, not after a 4xx, and the URL (a credential) never in the logs.
import { afterEach, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import type { PriceAlert } from "../domain/alerts.ts";
import { createLogger } from "../log.ts";
import type { StrategyRecord } from "../strategies/model.ts";
import { alertNotice, strategyNotice, WebhookNotifier } from "./notify.ts";

const servers: Array<{ stop(force?: boolean): unknown }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
});

/** A receiver answering each POST with the next status of `answers` (then 200), keeping what it got. */
function receiver(answers: number[] = []) {
  const got: Array<{ body: string; signature: string | null; path: string }> = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      got.push({
        body: await req.text(),
        signature: req.headers.get("x-tradewire-signature"),
        path: new URL(req.url).pathname,
      });
      return new Response(null, { status: answers.shift() ?? 200 });
    },
  });
  servers.push(server);
  return { got, url: `http://127.0.0.1:${server.port}/hooks/T000/B000/s3cr3t-token` };
}

function notifier(url: string, secret?: string) {
  const lines: string[] = [];
  const outcomes: string[] = [];
  const n = new WebhookNotifier({
    url,
    secret,
    log: createLogger("info", {}, (l) => lines.push(l)),
    count: (o) => outcomes.push(o),
    retryMs: [10, 10],
  });
  return { n, lines, outcomes };
}

const alert: PriceAlert = {
  id: "a1",
  owner: "tina",
  instId: "BTC-USDT",
  price: 45000,
  up: true,
  note: "breakout",
  createdAt: 1,
  firedAt: 2,
  firedPx: 45000.3,
};

test("a fired alert goes as one POST: what a chat shows as the message, the alert, and the signature", async () => {
  const r = receiver();
  const secret = "0123456789abcdef";
  const { n, outcomes } = notifier(r.url, secret);
  n.notify(alertNotice(alert));
  n.notify(alertNotice({ ...alert, id: "a2", up: false, price: 44000, firedPx: 43999.9, note: "" }));
  await n.idle();
  expect(r.got.map((g) => JSON.parse(g.body).text)).toEqual([
    "BTC-USDT rose to 45000 (last 45000.3): tina's alert, breakout",
    "BTC-USDT fell to 44000 (last 43999.9): tina's alert",
  ]);
  expect(JSON.parse(r.got[0]!.body)).toMatchObject({ type: "alert.fired", alert: { id: "a1", owner: "tina" } });
  const want = `sha256=${createHmac("sha256", secret).update(r.got[0]!.body).digest("hex")}`;
  expect(r.got[0]!.signature).toBe(want);
  expect(outcomes).toEqual(["sent", "sent"]);
});

test("a 5xx or 429 is tried again, a 4xx is not; each end is counted and logged without the URL", async () => {
  const r = receiver([503, 429, 200, 400]);
  const { n, lines, outcomes } = notifier(r.url);
  n.notify({ type: "t", text: "first" }); // 503, 429, then 200
  n.notify({ type: "t", text: "second" }); // 400: given up at once
  await n.idle();
  expect(r.got.map((g) => JSON.parse(g.body).text)).toEqual(["first", "first", "first", "second"]);
  expect(r.got[0]!.signature).toBeNull(); // no secret, no signature
  expect(outcomes).toEqual(["sent", "failed"]);
  expect(lines.join("\n")).toContain("HTTP 400");
  expect(lines.join("\n")).toContain(new URL(r.url).host);
  expect(lines.join("\n")).not.toContain("s3cr3t-token");
});

test("a receiver that is down: tried again, then given up; the notices after it still go", async () => {
  const dead = receiver();
  const url = dead.url;
  servers.pop()!.stop(true);
  const { n, lines, outcomes } = notifier(url);
  n.notify({ type: "t", text: "lost" });
  await n.idle();
  expect(outcomes).toEqual(["failed"]);
  expect(lines.join("\n")).toContain("unreachable");
  expect(lines.join("\n")).not.toContain("s3cr3t-token");
  const r = receiver();
  const next = notifier(r.url);
  next.n.notify({ type: "t", text: "after" });
  await next.n.idle();
  expect(r.got).toHaveLength(1);
});

test("a strategy that ended without its user says which, whose, and why", () => {
  const rec = {
    id: "s1",
    name: "TP/SL BTC-USDT-SWAP",
    kind: "stop",
    owner: "tina",
    state: "stopped",
    reason: "finished: stop 42000: sold 3 BTC-USDT-SWAP at 41990 on average",
  } as StrategyRecord;
  expect(strategyNotice(rec)).toMatchObject({
    type: "strategy.finished",
    text: "TP/SL BTC-USDT-SWAP (stop, tina) finished: stop 42000: sold 3 BTC-USDT-SWAP at 41990 on average",
  });
  expect(strategyNotice({ ...rec, state: "error", reason: "boom" }).text).toBe(
    "TP/SL BTC-USDT-SWAP (stop, tina) failed: boom",
  );
});
