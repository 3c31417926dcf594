// Helpers of the strategy tests: JSON calls on /api/strategies as a given user, and waits.
import { eventually, type TestServer } from "./helpers.ts";

export interface Answer {
  status: number;
  body: any;
}

/** A client of the strategy routes (and any other path) signed in with `token`. */
export function client(s: TestServer, token: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  return {
    call,
    create: (body: unknown) => call("POST", "/api/strategies", body),
    get: (id: string) => call("GET", `/api/strategies/${id}`),
    list: (query = "") => call("GET", `/api/strategies${query}`),
    patch: (id: string, body: unknown) => call("PATCH", `/api/strategies/${id}`, body),
    remove: (id: string) => call("DELETE", `/api/strategies/${id}`),
    start: (id: string) => call("POST", `/api/strategies/${id}/start`),
    stop: (id: string, body?: unknown) => call("POST", `/api/strategies/${id}/stop`, body),
  };
}
export type Client = ReturnType<typeof client>;

/** Waits until the exchange connection is up and has sent the instrument's rules and a ticker. */
export async function marketReady(s: TestServer, instId: string): Promise<number> {
  await eventually(async () => (await fetch(`${s.url}/ready`)).status === 200, 15_000);
  await eventually(
    () => s.orders.instrument(instId) !== undefined && s.state.get(`tickers:${instId}`) !== undefined,
    15_000,
  );
  return Number(s.state.get(`tickers:${instId}`)!.last);
}

/** Open orders (from the stream's state) whose clOrdId is the strategy's. */
export const openOf = (s: TestServer, id: string) =>
  s.orders.open().filter((o) => String(o.clOrdId).startsWith(`s${id}`));

/** Polls GET /api/strategies/:id until `f` holds for it; returns it. */
export async function until(c: Client, id: string, f: (v: any) => boolean, ms = 10_000): Promise<any> {
  let last: any;
  await eventually(async () => {
    last = (await c.get(id)).body;
    return f(last);
  }, ms);
  return last;
}
