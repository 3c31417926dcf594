// A client that stops reading never delays others, never grows memory, and is told to reset.
import { afterAll, beforeAll, expect, test } from "bun:test";
import net from "node:net";
import { eventually, metric, openSse, startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({
    BUS_CAPACITY: "4096",
    BUS_BYTES: String(64 << 20),
    CLIENT_MAX_PENDING_BYTES: String(256 << 10),
  });
  admin = await s.token();
});
afterAll(() => s.close());

/** A raw HTTP client that reads the preamble, then stops reading until resumed. */
function stalledClient(url: URL, token: string) {
  const sock = net.connect(Number(url.port), url.hostname);
  let text = "";
  sock.on("data", (d: Buffer) => {
    text += d.toString("latin1");
  });
  sock.write(`GET /api/events/stream?channels=trades:* HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  return {
    sock,
    get text() {
      return text;
    },
  };
}

test("a stalled reader is skipped, then reset; a healthy reader gets every event in order", async () => {
  const slow = stalledClient(new URL(s.url), admin);
  await eventually(() => slow.text.includes("event: connected"));
  slow.sock.pause();
  const fast = await openSse(`${s.url}/api/events/stream?channels=trades:*`, { Authorization: `Bearer ${admin}` });
  await fast.next();

  // 3,000 events of ~2 KB (6 MB): far more than the socket buffers and the 256 KB cap.
  const pad = "x".repeat(2000);
  const N = 3000;
  const received: number[] = [];
  const reading = (async () => {
    while (received.length < N) received.push((await fast.nextEvent(10_000)).json().data.n);
  })();
  for (let i = 0; i < N; i++) {
    s.producer.publish({ type: "trade", channel: "trades:BTC-USDT", dataJson: `{"n":${i},"pad":"${pad}"}` });
    if (i % 50 === 0) {
      s.bus.kick();
      await Bun.sleep(1);
    }
  }
  s.bus.kick();
  await reading;
  expect(received).toEqual(Array.from({ length: N }, (_, i) => i));

  // The stalled client was blocked (not queued for): once it reads again it is told to reset.
  slow.sock.resume();
  await eventually(() => slow.text.includes("event: reset"), 10_000);
  expect(slow.text).toMatch(/"reason":"(lagging|overrun)"/);
  expect(await metric(s.url, "tradewire_stream_resets_total")).toBeGreaterThanOrEqual(1);
  // After the reset it is live again.
  const before = slow.text.length;
  s.producer.publish({ type: "trade", channel: "trades:BTC-USDT", dataJson: `{"n":"after-reset"}` });
  s.bus.kick();
  await eventually(() => slow.text.slice(before).includes("after-reset"), 5000);
  slow.sock.destroy();
  fast.close();
});
