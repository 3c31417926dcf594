// Shared by the OKX benchmarks: the instrument list, per-thread CPU from /proc, a raw keep-alive
// HTTP client and a raw SSE client (both on bench/lib's RawConn, so every read is time-stamped once).

import { readFileSync } from "node:fs";
import { RawSse } from "../lib/clients.ts";
import { RawConn } from "../lib/conn.ts";
import type { Endpoint } from "../lib/endpoint.ts";
import { type Head, ResponseReader, type ResponseSink, request } from "../lib/http.ts";
import { threadsOf } from "../lib/proc.ts";
import { Recorder } from "../lib/ticks.ts";

/** Known pairs first (the simulator has start prices for them), then made-up ones (start at 100). */
const KNOWN = ["BTC", "ETH", "SOL", "XRP", "DOGE", "LTC"];
export function instrumentList(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${i < KNOWN.length ? KNOWN[i] : `BX${String(i).padStart(2, "0")}`}-USDT`);
  return out;
}

/** Ticker key shared by the simulator and the clients: exchange ts (ms) and instrument index. */
export const tickKey = (ts: number, inst: number): number => ts * 64 + inst;

/** Every thread of a process: tid, name and CPU seconds so far. */
export function threadTable(pid: number): Map<number, { comm: string; cpu: number; lowered: boolean }> {
  const out = new Map<number, { comm: string; cpu: number; lowered: boolean }>();
  for (const { tid, comm, cpu } of threadsOf(pid)) out.set(tid, { comm, cpu, lowered: lowered(pid, tid) });
  return out;
}

/** A thread under SCHED_IDLE or at a positive nice: tradewire's strategy Workers (and their GC threads). */
function lowered(pid: number, tid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, "latin1");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[16]) > 0 || f[38] === "5"; // stat fields 19 (nice) and 41 (policy; 5 = SCHED_IDLE)
  } catch {
    return false;
  }
}

/** CPU % of one core of the lowered threads (see lowered()) between two threadTable() snapshots, and how many. */
export function loweredUse(a: ReturnType<typeof threadTable>, b: ReturnType<typeof threadTable>, secs: number) {
  let cpu = 0;
  let threads = 0;
  for (const [tid, x] of b) {
    if (!x.lowered) continue;
    threads++;
    cpu += x.cpu - (a.get(tid)?.cpu ?? 0);
  }
  return { threads, pct: (cpu / secs) * 100 };
}

/** CPU % of one core per thread between two threadTable() snapshots, busiest first (>= 1%). */
export function threadUse(
  pid: number,
  a: ReturnType<typeof threadTable>,
  b: ReturnType<typeof threadTable>,
  secs: number,
) {
  const rows: Array<{ tid: number; comm: string; main: boolean; pct: number }> = [];
  for (const [tid, x] of b) {
    const pct = ((x.cpu - (a.get(tid)?.cpu ?? 0)) / secs) * 100;
    if (pct >= 1) rows.push({ tid, comm: x.comm, main: tid === pid, pct: Math.round(pct * 10) / 10 });
  }
  return rows.sort((x, y) => y.pct - x.pct);
}

export const selfTid = (): number => Number(readFileSync("/proc/thread-self/stat", "latin1").split(" ")[0]);

/** One keep-alive HTTP/1.1 connection, one request at a time; `at` is the time of the read that completed the answer. */
export class HttpConn extends RawConn implements ResponseSink {
  private readonly reader = new ResponseReader(this);
  private status = 0;
  private chunks: Buffer[] = [];
  private waiting: ((r: { status: number; body: string; at: number }) => void) | null = null;
  constructor(
    private readonly ep: Endpoint,
    readonly clock: Recorder = new Recorder(0, 0, 0),
  ) {
    super(ep.host, ep.port, clock);
  }
  opened(): void {
    this.markReady();
  }
  received(buf: Buffer): void {
    this.reader.feed(buf);
  }
  head(h: Head): void {
    this.status = h.status;
  }
  body(buf: Buffer, from: number, to: number): void {
    this.chunks.push(Buffer.from(buf.subarray(from, to)));
  }
  end(): void {
    const w = this.waiting;
    this.waiting = null;
    const body = Buffer.concat(this.chunks).toString();
    this.chunks = [];
    w?.({ status: this.status, body, at: this.clock.now });
  }
  override closed(): void {
    super.closed();
    const w = this.waiting;
    this.waiting = null;
    w?.({ status: 0, body: this.reason || "connection closed", at: this.clock.now });
  }
  /** Sends one request; resolves with the answer. The caller takes its own start time just before. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: string; at: number }> {
    if (this.waiting) throw new Error("HttpConn: one request at a time");
    const h: Record<string, string> = { ...this.ep.headers };
    if (body !== undefined) h["Content-Type"] = "application/json";
    const p = new Promise<{ status: number; body: string; at: number }>((r) => (this.waiting = r));
    this.send(
      request(method, path, `${this.host}:${this.port}`, h, body === undefined ? undefined : JSON.stringify(body)),
    );
    return p;
  }
}

/** A raw SSE subscriber: hands each de-chunked piece of the body (latin1) and its read time to `onText`. */
export class SseConn extends RawSse {
  constructor(
    ep: Endpoint,
    path: string,
    private readonly onText: (text: string, at: number) => void,
    readonly clock: Recorder = new Recorder(0, 0, 0),
  ) {
    super(ep.host, ep.port, clock, path, ep.headers);
  }
  body(buf: Buffer, from: number, to: number): void {
    this.onText(buf.toString("latin1", from, to), this.clock.now);
  }
}

/** Splits an SSE byte stream into events: calls `onEvent(type, data)` for each complete one. */
export function sseEvents(
  onEvent: (type: string, data: string, at: number) => void,
): (text: string, at: number) => void {
  let carry = "";
  return (text, at) => {
    const s = carry + text;
    let i = 0;
    for (;;) {
      const k = s.indexOf("\n\n", i);
      if (k < 0) break;
      let type = "message";
      let data = "";
      for (const line of s.slice(i, k).split("\n")) {
        if (line.startsWith("event: ")) type = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      onEvent(type, data, at);
      i = k + 2;
    }
    carry = s.slice(i);
  };
}

export const pct = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(0)}%` : "-");
