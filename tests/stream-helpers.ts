// Stream test helpers: a WebSocket client that keeps every message and how the socket closed,
// logins that keep the whole answer (refresh token, family), and waiting for a stream's end.
import { ADMIN_PASSWORD, eventually, type SseReader } from "./helpers.ts";

export class WsProbe {
  readonly msgs: any[] = [];
  closed?: { code: number; reason: string };
  constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => this.msgs.push(JSON.parse(String(e.data)));
    ws.onclose = (e) => (this.closed = { code: e.code, reason: e.reason });
  }

  /** Opens `url` with a bearer token; resolves once the socket is open. */
  static async open(url: string, token: string): Promise<WsProbe> {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } } as unknown as string[]);
    const p = new WsProbe(ws);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error("WebSocket did not open"));
    });
    return p;
  }

  /** The next message `pred` accepts (taken out of `msgs`). */
  async next(pred: (m: any) => boolean = () => true, ms = 5000): Promise<any> {
    let found: any;
    await eventually(() => {
      const i = this.msgs.findIndex(pred);
      if (i < 0) return false;
      found = this.msgs.splice(i, 1)[0];
      return true;
    }, ms);
    return found;
  }

  send(m: unknown): void {
    this.ws.send(JSON.stringify(m));
  }

  /** Resolves with the close code and reason once the server closed the socket. */
  async closedBy(ms = 5000): Promise<{ code: number; reason: string }> {
    await eventually(() => this.closed !== undefined, ms);
    return this.closed!;
  }
}

export const wsUrl = (base: string, q = "") => `${base.replace("http", "ws")}/api/events/ws${q}`;

export interface Login {
  accessToken: string;
  refreshToken: string;
  family: string;
}

export async function login(base: string, username = "admin", password = ADMIN_PASSWORD): Promise<Login> {
  const r = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Login;
}

/** Sends a JSON request as `token`; resolves with the response. */
export function call(base: string, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** The frames an SSE stream gives before it ends (heartbeats and snapshots left out). */
export async function untilEnd(sse: SseReader, ms = 5000): Promise<Array<{ event: string; data: string }>> {
  const out: Array<{ event: string; data: string }> = [];
  const end = Date.now() + ms;
  for (;;) {
    try {
      const ev = await sse.nextEvent(Math.max(1, end - Date.now()));
      out.push({ event: ev.event, data: ev.data });
    } catch (err) {
      if (sse.closed) return out;
      throw err;
    }
  }
}
