// A fresh stream client gets the latest state of its channels first, then live events, with
// no gap and no duplicate; resuming clients get no snapshot; reset clients get a new one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { exchangeEvent, openSse, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ BUS_CAPACITY: "64" });
  admin = await s.token();
});
afterAll(() => s.close());

const ev = async (type: string, channel: string, data: unknown) => exchangeEvent(s, { type, channel, data });
const H = () => ({ Authorization: `Bearer ${admin}` });

test("snapshot of the latest per key, oldest first, then live; closed orders are left out", async () => {
  await ev("ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: "1" });
  const eth = await ev("ticker", "tickers:ETH-USDT", { instId: "ETH-USDT", last: "2" });
  const btc = await ev("ticker", "tickers:BTC-USDT", { instId: "BTC-USDT", last: "3" });
  await ev("order", "orders", { ordId: "o1", state: "live" });
  const o2 = await ev("order", "orders", { ordId: "o2", state: "live" });
  await ev("order", "orders", { ordId: "o1", state: "filled" });
  await ev("trade", "trades:BTC-USDT", { px: "1" }); // trades are not state

  const sse = await openSse(`${s.url}/api/events/stream?channels=tickers:*,orders,trades:*`, H());
  const connected = await sse.next();
  expect(connected.event).toBe("connected");
  expect(connected.id).toBe(connected.json().head); // Last-Event-ID starts at the snapshot's head
  const snap = [await sse.next(), await sse.next(), await sse.next()];
  expect(snap.map((e) => e.event)).toEqual(["snapshot", "snapshot", "snapshot"]);
  expect(snap.map((e) => e.id)).toEqual([undefined, undefined, undefined]);
  expect(snap.map((e) => e.json().id)).toEqual([eth.id, btc.id, o2.id]);
  expect(snap[1]!.json().data.last).toBe("3");
  const live = await ev("ticker", "tickers:ETH-USDT", { instId: "ETH-USDT", last: "4" });
  const next = await sse.next();
  expect(next.event).toBe("ticker");
  expect(next.id).toBe(live.id);
  sse.close();

  // Resuming from an id: no snapshot, just what was missed.
  const again = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { ...H(), "Last-Event-ID": btc.id });
  expect((await again.next()).event).toBe("connected");
  const first = await again.next();
  expect(first.event).toBe("ticker");
  expect(first.id).toBe(live.id);
  again.close();

  // Reset (outside the window): reset, then a fresh snapshot.
  for (let i = 0; i < 70; i++) await ev("system", "system", { i });
  const reset = await openSse(`${s.url}/api/events/stream?channels=tickers:*`, { ...H(), "Last-Event-ID": btc.id });
  await reset.next();
  const r = await reset.next();
  expect(r.event).toBe("reset");
  expect(r.id).toBe(r.json().head);
  const items = [await reset.next(), await reset.next()];
  expect(items.map((e) => e.json().data.last).sort()).toEqual(["3", "4"]);
  reset.close();
});

test("WebSocket clients get the snapshot as messages", async () => {
  const ws = new WebSocket(`${s.url.replace("http", "ws")}/api/events/ws?channels=tickers:BTC-USDT`, {
    headers: H(),
  } as any);
  const msgs: any[] = [];
  ws.onmessage = (e) => msgs.push(JSON.parse(String(e.data)));
  await new Promise((r) => (ws.onopen = r));
  const deadline = Date.now() + 3000;
  while (msgs.length < 2 && Date.now() < deadline) await Bun.sleep(10);
  expect(msgs[0].type).toBe("connected");
  expect(msgs[1].type).toBe("snapshot");
  expect(msgs[1].event.channel).toBe("tickers:BTC-USDT");
  expect(msgs[1].event.data.last).toBe("3");
  ws.close();
});

test("the state answers without re-encoding: tickers list", () => {
  const tickers = s.state.list("ticker");
  expect(tickers.map((t) => t.last).sort()).toEqual(["3", "4"]);
});
