// Test helpers: a real server on a free port, logins, and an SSE reader over real HTTP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Role } from "../src/auth/types.ts";
import { type Config, testConfig } from "../src/config.ts";
import { type Running, type StartOptions, startServer } from "../src/server.ts";

export const ADMIN_PASSWORD = "admin-password-for-tests";

export interface TestServer extends Running {
  config: Config;
  dataDir: string;
  /** Access token for a user (admin by default). */
  token(user?: string, password?: string): Promise<string>;
  /** Creates a user with a role and returns its access token. */
  userToken(name: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Record<keyof Config, string>> = {},
  opts: StartOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "tw-test-"));
  // Login budgets and the verification queue out of the way: tests log in often, in parallel.
  const logins = {
    LOGIN_MAX_ATTEMPTS: "1000",
    LOGIN_IP_MAX_ATTEMPTS: "100000",
    LOGIN_USER_MAX_ATTEMPTS: "100000",
    LOGIN_VERIFY_QUEUE: "100000",
  };
  const config = testConfig({ ADMIN_PASSWORD, DATA_DIR: dataDir, ...logins, ...overrides });
  const running = await startServer(config, opts);
  const token = async (user = "admin", password = ADMIN_PASSWORD) => {
    const r = await fetch(`${running.url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: user, password }),
    });
    if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { accessToken: string }).accessToken;
  };
  const userToken = async (name: string, role: string) => {
    const admin = await token();
    const pw = `${name}-password-1`;
    const r = await fetch(`${running.url}/api/users`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name, password: pw, role }),
    });
    if (r.status !== 201 && r.status !== 200) throw new Error(`create ${name}: ${r.status} ${await r.text()}`);
    return token(name, pw);
  };
  return {
    ...running,
    config,
    dataDir,
    token,
    userToken,
    close: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  retry?: number;
  json<T = any>(): T;
}

/** Reads SSE frames from a fetch() Response; `next()` waits for the next frame. */
export class SseReader {
  private buf = "";
  private queue: SseEvent[] = [];
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
  private readonly dec = new TextDecoder();
  closed = false;

  constructor(
    readonly res: Response,
    private readonly abort?: AbortController,
  ) {
    this.reader = res.body!.getReader() as never;
  }

  async next(timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for an SSE event");
      const chunk = await Promise.race([this.reader.read(), Bun.sleep(left).then(() => null)]);
      if (chunk === null) continue;
      if (chunk.done) {
        this.closed = true;
        throw new Error("stream ended");
      }
      this.buf += this.dec.decode(chunk.value, { stream: true });
      let i: number;
      while ((i = this.buf.indexOf("\n\n")) >= 0) {
        const frame = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        const ev: SseEvent = { event: "message", data: "", json: () => JSON.parse(ev.data) };
        const data: string[] = [];
        let any = false;
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const c = line.indexOf(":");
          const field = c < 0 ? line : line.slice(0, c);
          const value = c < 0 ? "" : line.slice(c + 1).replace(/^ /, "");
          if (field === "id") ev.id = value;
          else if (field === "event") ev.event = value;
          else if (field === "data") data.push(value);
          else if (field === "retry") ev.retry = Number(value);
          any = true;
        }
        ev.data = data.join("\n");
        if (any && (data.length > 0 || ev.retry === undefined)) this.queue.push(ev);
      }
    }
    return this.queue.shift()!;
  }

  /** Next frame that is not a heartbeat or a snapshot item. */
  async nextEvent(timeoutMs = 5000): Promise<SseEvent> {
    for (;;) {
      const ev = await this.next(timeoutMs);
      if (ev.event !== "heartbeat" && ev.event !== "snapshot") return ev;
    }
  }

  async take(n: number, timeoutMs = 5000): Promise<SseEvent[]> {
    const out: SseEvent[] = [];
    while (out.length < n) out.push(await this.nextEvent(timeoutMs));
    return out;
  }

  close(): void {
    this.abort?.abort();
    void this.reader.cancel().catch(() => {});
  }
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  if (res.status !== 200) throw new Error(`stream ${res.status}: ${await res.text()}`);
  return new SseReader(res, abort);
}

export async function publish(
  base: string,
  token: string,
  body: { type: string; channel: string; data: unknown; exTs?: number },
): Promise<{ id: string; seq: number }> {
  const r = await fetch(`${base}/api/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error(`publish ${r.status}: ${await r.text()}`);
  return (await r.json()) as { id: string; seq: number };
}

/**
 * Publishes an event as the exchange connection does (source `exchange`): what the latest state,
 * the risk checks and the recorder take as truth, unlike what POST /api/events publishes.
 */
export function exchangeEvent(
  s: Pick<Running, "producer" | "bus">,
  ev: { type: string; channel: string; data: unknown; exTs?: number },
): { id: string; seq: number } {
  const out = s.producer.publish({
    type: ev.type,
    channel: ev.channel,
    dataJson: JSON.stringify(ev.data),
    source: "exchange",
    ...(ev.exTs !== undefined ? { exTs: ev.exTs } : {}),
  });
  s.bus.kick();
  return out;
}

/**
 * Places an order over HTTP as `token`'s user (with an Idempotency-Key when `key` is given) and
 * returns its ordId; anything but 201 fails the test with the answer.
 */
export async function placeOrder(base: string, token: string, body: object, key?: string): Promise<string> {
  const r = await fetch(`${base}/api/orders`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      ...(key ? { "Idempotency-Key": key } : {}),
    },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error(`place ${r.status}: ${await r.text()}`);
  return ((await r.json()) as { ordId: string }).ordId;
}

/** Cancels an order over HTTP as `token`'s user; anything but 200 fails the test. */
export async function cancelOrder(base: string, token: string, ordId: string, instId: string): Promise<void> {
  const r = await fetch(`${base}/api/orders/${ordId}?instId=${instId}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${token}` },
  });
  if (r.status !== 200) throw new Error(`cancel ${r.status}: ${await r.text()}`);
}

/** Polls until `f()` is true (state reached through other sockets), failing after `ms`. */
export async function eventually(f: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(10);
  }
}

export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** An instrument's contract value as the service gives it (GET /api/market/instruments). */
export async function contractValue(base: string, token: string, instId: string): Promise<number> {
  const r = await fetch(`${base}/api/market/instruments`, { headers: { Authorization: `Bearer ${token}` } });
  const rules = ((await r.json()) as { data: { instId: string; ctVal: number }[] }).data.find(
    (i) => i.instId === instId,
  );
  if (!rules) throw new Error(`no rules for ${instId} yet`);
  return rules.ctVal;
}
