// Operations: health, readiness, metrics, docs, CORS, request ids, and a bad configuration
// stopping the start with the variable's name.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { startTestServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ CORS_ORIGINS: "http://app.example" });
});
afterAll(() => s.close());

test("health, ready and metrics answer; metrics carry the stream figures", async () => {
  const h = await fetch(`${s.url}/health`);
  expect(h.status).toBe(200);
  expect(((await h.json()) as any).status).toBe("ok");
  const r = await fetch(`${s.url}/ready`);
  expect(r.status).toBe(200);
  expect(((await r.json()) as any).checks[0]).toEqual({ name: "bus", ok: true });
  const m = await (await fetch(`${s.url}/metrics`)).text();
  for (const name of [
    'tradewire_stream_clients{transport="sse"}',
    'tradewire_stream_clients{transport="ws"}',
    'tradewire_stream_clients{transport="poll"}',
    "tradewire_events_published_total",
    "tradewire_stream_bytes_written_total",
    "tradewire_stream_resets_total",
    "tradewire_stream_disconnects_total",
    "tradewire_bus_overruns_total",
    "tradewire_process_resident_bytes",
    "tradewire_event_loop_lag_seconds_bucket",
  ])
    expect(m).toContain(name);
});

test("openapi is generated from the routes (tests/docs.test.ts checks it in full)", async () => {
  const spec = (await (await fetch(`${s.url}/openapi.json`)).json()) as any;
  expect(spec.openapi).toBe("3.1.0");
  for (const p of ["/api/events", "/api/events/stream", "/api/auth/login", "/api/users/{name}", "/api/orders"])
    expect(spec.paths[p]).toBeDefined();
  expect(
    spec.paths["/api/events"].post.requestBody.content["application/json"].schema.properties.channel,
  ).toBeDefined();
});

test("a body over MAX_BODY_BYTES gets 413 in the JSON error shape, sent whole or streamed", async () => {
  const token = await s.token();
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const event = (bytes: number) => JSON.stringify({ type: "system", channel: "system", data: "x".repeat(bytes) });
  const expect413 = async (r: Response) => {
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({
      error: { code: "payload_too_large", message: `body larger than ${s.config.MAX_BODY_BYTES} bytes` },
    });
  };
  expect(s.config.MAX_BODY_BYTES).toBe(262144);
  await expect413(await fetch(`${s.url}/api/events`, { method: "POST", headers, body: event(300 * 1024) }));
  await expect413(await fetch(`${s.url}/api/events`, { method: "POST", headers, body: event(3 * 1024 * 1024) }));
  // No Content-Length (chunked): read only up to the limit.
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (sent >= 3 * 1024 * 1024) return ctl.close();
      sent += chunk.length;
      ctl.enqueue(chunk);
    },
  });
  await expect413(await fetch(`${s.url}/api/events`, { method: "POST", headers, body, duplex: "half" } as RequestInit));
  // Under the limit: accepted (an event's data has a limit of its own, MAX_EVENT_BYTES).
  expect((await fetch(`${s.url}/api/events`, { method: "POST", headers, body: event(60 * 1024) })).status).toBe(201);
});

test("CORS: listed origins get the headers with credentials, others do not", async () => {
  const ok = await fetch(`${s.url}/health`, { headers: { Origin: "http://app.example" } });
  expect(ok.headers.get("access-control-allow-origin")).toBe("http://app.example");
  expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
  const pre = await fetch(`${s.url}/api/events`, {
    method: "OPTIONS",
    headers: {
      Origin: "http://app.example",
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization,content-type",
    },
  });
  expect(pre.status).toBe(204);
  expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  const bad = await fetch(`${s.url}/health`, { headers: { Origin: "http://evil.example" } });
  expect(bad.headers.get("access-control-allow-origin")).toBeNull();
});

test("request ids: taken from the caller when sane, made up otherwise", async () => {
  const given = await fetch(`${s.url}/health`, { headers: { "X-Request-Id": "abc-123" } });
  expect(given.headers.get("x-request-id")).toBe("abc-123");
  const junk = await fetch(`${s.url}/health`, { headers: { "X-Request-Id": "bad id with spaces" } });
  expect(junk.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
});

test("a bad configuration stops the start, naming the variable and what it expected", async () => {
  const p = Bun.spawn([process.execPath, join(import.meta.dir, "../src/main.ts")], {
    env: { ...process.env, PORT: "not-a-port", BUS_CAPACITY: "1000", LOG_LEVEL: "silent" },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(await p.exited).toBe(2);
  const err = await new Response(p.stderr).text();
  expect(err).toContain("PORT=");
  expect(err).toContain("BUS_CAPACITY=");
  expect(err).toContain("power of two");
});
