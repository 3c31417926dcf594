// A page in Chromium driven over the DevTools protocol alone, as a user's browser runs it: no
// Playwright, so no Network domain enabled behind the page's back (Playwright turns it on for
// every page it knows, and its agent then reports every chunk of a streaming response back
// over the protocol, on the page's main thread). Enough for the dashboard benchmark: evaluate,
// metrics, profiles, traces.
import { type ChildProcess, spawn } from "node:child_process";
import { CHROMIUM, CHROMIUM_FLAGS } from "./chromium.ts";
import { freePort, sleep } from "./proc.ts";

/** The part of a DevTools session the benchmark uses (Playwright's CDPSession fits it too). */
export interface Cdp {
  send(method: string, params?: object): Promise<unknown>;
  on(event: string, fn: (params: never) => void): void;
  once(event: string, fn: (params: never) => void): void;
}

export interface RawPage {
  cdp: Cdp;
  /** The value of a JavaScript expression in the page (promises awaited). */
  evaluate<T>(expression: string): Promise<T>;
  /** Chromium's browser process. */
  pid: number;
  close(): Promise<void>;
}

/** Starts Chromium (pinned to `core` when given) with one blank page of `width` x `height`. */
export async function launchRawPage(dir: string, core: string | null, width: number, height: number): Promise<RawPage> {
  const port = freePort();
  const args = [...CHROMIUM_FLAGS, `--remote-debugging-port=${port}`, `--user-data-dir=${dir}`, "about:blank"];
  const child: ChildProcess = core === null ? spawn(CHROMIUM, args) : spawn("taskset", ["-c", core, CHROMIUM, ...args]);
  child.stdout?.resume();
  child.stderr?.resume();
  const kill = () => child.kill("SIGKILL");
  process.on("exit", kill);
  let url = "";
  for (let i = 0; i < 150 && !url; i++) {
    try {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as Array<{
        type: string;
        webSocketDebuggerUrl: string;
      }>;
      url = list.find((t) => t.type === "page")?.webSocketDebuggerUrl ?? "";
    } catch {}
    if (!url) await sleep(100);
  }
  if (!url) {
    kill();
    throw new Error(`Chromium did not open its DevTools port ${port}`);
  }
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error(`DevTools socket ${url} failed`)), { once: true });
  });
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(p: never) => void>>();
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: never;
    };
    if (m.id !== undefined) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    } else if (m.method) for (const fn of listeners.get(m.method) ?? []) fn(m.params as never);
  });
  const cdp: Cdp = {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    on(event, fn) {
      const set = listeners.get(event) ?? new Set();
      set.add(fn);
      listeners.set(event, set);
    },
    once(event, fn) {
      const wrapped = (p: never) => {
        listeners.get(event)?.delete(wrapped);
        fn(p);
      };
      cdp.on(event, wrapped);
    },
  };
  await cdp.send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
  return {
    cdp,
    pid: child.pid ?? 0,
    async evaluate<T>(expression: string) {
      const r = (await cdp.send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
        result: { value?: unknown };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails)
        throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value as T;
    },
    async close() {
      ws.close();
      kill();
      process.off("exit", kill);
    },
  };
}

/** Polls `expression` in the page until it is truthy (every 50 ms, up to `timeoutMs`). */
export async function waitIn(
  page: { evaluate<T>(expression: string): Promise<T> },
  expression: string,
  timeoutMs = 60_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`!!(${expression})`))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await sleep(50);
  }
}
