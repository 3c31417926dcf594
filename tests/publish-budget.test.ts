// One publisher cannot flush the replay window: an event's data is at most MAX_EVENT_BYTES, and each
// publisher (a user over HTTP, an engine over the bridge) has a byte budget on the bus. Found by
// issue 13 (item 12): 20 publishes of 250 KB made a 1 s old id `outside_window`. Redis DB 14.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { eventually, metric, startTestServer, type TestServer } from "./helpers.ts";
import { inspect, NO_REDIS, noteSkip, testRedisUrl } from "./redis-helpers.ts";

noteSkip("publish-budget");
let s: TestServer;
let admin: string;
let other: string;
let redis: Redis | undefined;
beforeAll(async () => {
  const redisUrl = NO_REDIS ? undefined : await testRedisUrl(14);
  // The defaults: a 4 MB ring, 64 KB events, 512 KB/s and 1 MB at once per publisher.
  s = await startTestServer(redisUrl ? { REDIS_URL: redisUrl } : {});
  admin = await s.token();
  other = await s.userToken("eng2", "engine");
  if (redisUrl) redis = await inspect(redisUrl);
}, 30_000);
afterAll(async () => {
  redis?.disconnect();
  await s?.close();
});

const publish = (token: string, data: unknown, channel = "bench") =>
  fetch(`${s.url}/api/events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "tick", channel, data }),
  });
const poll = async (after: string) =>
  (await (
    await fetch(`${s.url}/api/events/poll?channels=bench&limit=10000&after=${after}`, {
      headers: { Authorization: `Bearer ${admin}` },
    })
  ).json()) as { events: Array<{ id: string }>; reset: string | null };

/** An id published a second ago (the found-by case resumed after one). */
async function secondOldId(): Promise<string> {
  const r = await publish(admin, { mark: "old" });
  expect(r.status).toBe(201);
  const { id } = (await r.json()) as { id: string };
  await Bun.sleep(1000);
  return id;
}

describe("POST /api/events", () => {
  test("found by issue 13: 20 publishes of 250 KB are refused and a 1 s old id still resumes", async () => {
    const old = await secondOldId();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await publish(admin, { pad: "x".repeat(250_000) })).status);
    const resumed = await poll(old);
    expect(resumed.reset).toBeNull();
    expect(statuses).toEqual(new Array(20).fill(413));
    const r = await publish(admin, { pad: "x".repeat(70_000) });
    expect(r.status).toBe(413);
    expect(((await r.json()) as any).error).toEqual({
      code: "payload_too_large",
      message: "data: 70010 bytes of JSON, at most 65536 (MAX_EVENT_BYTES)",
      details: [{ field: "data", message: "70010 bytes of JSON, at most 65536 (MAX_EVENT_BYTES)" }],
    });
  });

  test("a publisher over its budget gets 429 with Retry-After; the window keeps older events; others go on", async () => {
    await Bun.sleep(2000); // the budget refills after the test before
    const old = await secondOldId();
    const answers: Response[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 80; i++) answers.push(await publish(admin, { pad: "x".repeat(60_000) })); // 4.8 MB in all
    const seconds = (performance.now() - t0) / 1000;
    const accepted = answers.filter((r) => r.status === 201).length;
    // The 1 MB burst, and 512 KB/s while the loop ran; each event costs its data + 128 bytes.
    const cost = 60_010 + 128;
    expect(accepted).toBeGreaterThanOrEqual(Math.floor((1 << 20) / cost));
    expect(accepted).toBeLessThanOrEqual(Math.floor(((1 << 20) + seconds * (512 << 10)) / cost) + 1);
    expect(accepted).toBeLessThan(80);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as any).error.code).toBe("rate_limited");
    const resumed = await poll(old);
    expect(resumed.reset).toBeNull();
    expect(resumed.events.length).toBe(accepted);
    // The budget is the publisher's: another user publishes at once.
    expect((await publish(other, { n: 1 })).status).toBe(201);
  }, 30_000);
});

describe.skipIf(NO_REDIS)("the engine bridge", () => {
  test("an engine over its budget: events refused and counted (over_budget); a 1 s old id still resumes", async () => {
    const old = await secondOldId();
    const pad = "x".repeat(60_000);
    for (let i = 0; i < 80; i++)
      await redis!.xadd(
        "tw:engine:events",
        "*",
        "engineId",
        "flood",
        "type",
        "tick",
        "channel",
        "bench",
        "data",
        `{"pad":"${pad}"}`,
      );
    const overBudget = async () =>
      Number(
        /tradewire_engine_rejected_total\{kind="over_budget"\} (\d+)/.exec(
          await (await fetch(`${s.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    await eventually(
      async () => (await overBudget()) + (await metric(s.url, "tradewire_engine_events_total")) >= 80,
      10_000,
    );
    const refused = await overBudget();
    expect(refused).toBeGreaterThanOrEqual(40);
    const resumed = await poll(old);
    expect(resumed.reset).toBeNull();
    expect(resumed.events.length).toBe(80 - refused);
  }, 30_000);
});
