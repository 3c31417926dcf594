// Helpers for the simulator tests: signed REST calls and a WebSocket probe that collects frames
// and waits (with a bound) for the one a test expects.
import { type OkxCredentials, restAuthHeaders, wsLoginArg } from "../src/okx/sign.ts";
import type { Simulator } from "../src/sim/index.ts";

export type Json = Record<string, any>;

/** A signed private call; `path` includes the query string. */
export async function signed(
  sim: Simulator,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  creds: OkxCredentials = sim.credentials,
): Promise<{ status: number; json: Json }> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const r = await fetch(sim.url + path, {
    method,
    headers: restAuthHeaders(creds, method, path, text, { demo: true }),
    body: method === "POST" ? text : undefined,
  });
  return { status: r.status, json: (await r.json()) as Json };
}

export async function get(sim: Simulator, path: string): Promise<{ status: number; json: Json }> {
  const r = await fetch(sim.url + path);
  return { status: r.status, json: (await r.json()) as Json };
}

export class OkxWsProbe {
  readonly frames: (Json | string)[] = [];
  private waiters: { test: (f: Json | string) => boolean; resolve: (f: Json | string) => void }[] = [];
  closed = false;
  closeCode?: number;

  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      const text = String(e.data);
      let f: Json | string;
      try {
        f = JSON.parse(text) as Json;
      } catch {
        f = text;
      }
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(f)) return true;
        w.resolve(f);
        return false;
      });
    };
    ws.onclose = (e) => {
      this.closed = true;
      this.closeCode = e.code;
    };
  }

  static open(url: string, timeoutMs = 5_000): Promise<OkxWsProbe> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const t = setTimeout(() => reject(new Error(`connect timeout ${url}`)), timeoutMs);
      ws.onopen = () => {
        clearTimeout(t);
        resolve(new OkxWsProbe(ws));
      };
      ws.onerror = () => {
        clearTimeout(t);
        reject(new Error(`connect failed ${url}`));
      };
    });
  }

  send(x: unknown): void {
    this.ws.send(typeof x === "string" ? x : JSON.stringify(x));
  }

  /** The first frame (already received or future) matching `test`. */
  next<T extends Json | string = Json>(test: (f: any) => boolean, timeoutMs = 5_000, what = "frame"): Promise<T> {
    const seen = this.frames.find((f) => test(f));
    if (seen !== undefined) return Promise.resolve(seen as T);
    return this.wait(test, timeoutMs, what);
  }

  /** The next frame matching `test` that arrives after this call. */
  wait<T extends Json | string = Json>(test: (f: any) => boolean, timeoutMs = 5_000, what = "frame"): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `timeout waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 600)}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: (f) => {
          clearTimeout(t);
          resolve(f as T);
        },
      });
    });
  }

  async login(creds: OkxCredentials): Promise<Json> {
    this.send({ op: "login", args: [wsLoginArg(creds)] });
    return this.next((f) => f.event === "login" || f.event === "error", 5_000, "login reply");
  }

  close(): void {
    try {
      this.ws.close();
    } catch {}
  }
}

export const isPush = (channel: string, instId?: string) => (f: any) =>
  typeof f === "object" && f.arg?.channel === channel && (!instId || f.arg.instId === instId) && Array.isArray(f.data);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
