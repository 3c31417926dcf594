// One OKX WebSocket connection (public, private or business). Only I/O: connect, log in,
// subscribe, text ping/pong keepalive, reconnect with backoff and jitter. It hands every other
// frame, already classified, to its owner; it never interprets market data.

import { backoffDelay } from "../../domain/backoff.ts";
import { nowMs } from "../../domain/time.ts";
import { wsLoginArg } from "../../okx/sign.ts";
import type { IngestTiming, OkxCredentials } from "../config.ts";
import { type Frame, type Obj, parseFrame, safeMsg } from "./parse-frame.ts";

export type ConnName = "public" | "private" | "business";
/** idle → connecting → open (socket up, logging in) → ready (logged in, subscribed) → down → ... */
export type ConnState = "idle" | "connecting" | "open" | "ready" | "down" | "stopped";

export type LogFn = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;

export interface SocketOptions {
  name: ConnName;
  url: string;
  /** Log in after connecting (private connection). */
  credentials: OkxCredentials | null;
  timing: IngestTiming;
  /** Every frame except pong and the login answer, with its arrival time (ms since 1970). */
  onFrame(frame: Frame, rxTs: number): void;
  onState(state: ConnState): void;
  onMalformed(reason: string): void;
  log: LogFn;
}

const decoder = new TextDecoder();

export class OkxSocket {
  state: ConnState = "idle";
  reconnects = 0;
  lastMessageAt: number | null = null;
  connectedAt: number | null = null;
  /** The last thing that went wrong (kept after recovery, for the status page). */
  lastError: string | null = null;

  private ws: WebSocket | null = null;
  private readonly subs = new Map<string, Obj>();
  private attempt = 0;
  private pingSentAt: number | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** Deadline for the handshake, then for the login answer. */
  private loginTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly o: SocketOptions) {}

  get ready(): boolean {
    return this.state === "ready";
  }

  start(): void {
    if (this.state === "idle") this.connect();
  }

  stop(): void {
    this.setState("stopped");
    if (this.retry) clearTimeout(this.retry);
    this.teardown();
  }

  /** Sends a text frame when the connection is ready; false otherwise. */
  send(text: string): boolean {
    if (this.state !== "ready" || !this.ws) return false;
    this.ws.send(text);
    return true;
  }

  /** Adds subscriptions (kept across reconnects) and sends them now if ready. */
  subscribe(args: Obj[]): void {
    const fresh = args.filter((a) => !this.subs.has(JSON.stringify(a)));
    for (const a of fresh) this.subs.set(JSON.stringify(a), a);
    if (this.state === "ready" && fresh.length) this.sendOp("subscribe", fresh);
  }

  /** Unsubscribe then subscribe again: OKX answers the subscribe with a fresh snapshot. */
  resubscribe(arg: Obj): void {
    if (this.state !== "ready") return; // the reconnect will subscribe it anyway
    this.sendOp("unsubscribe", [arg]);
    this.sendOp("subscribe", [arg]);
  }

  /** Drops the connection now and reconnects after the backoff (pong timeout, notice 64008, ...). */
  reconnect(reason: string): void {
    if (this.state === "stopped" || this.state === "idle") return;
    this.o.log("warn", "okx connection dropped", { conn: this.o.name, reason });
    this.lastError = reason;
    this.teardown();
    this.closed();
  }

  private connect(): void {
    this.setState("connecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.o.url);
    } catch (err) {
      this.lastError = (err as Error).message;
      this.closed();
      return;
    }
    this.ws = ws;
    // A handshake that hangs (a blackholed host) counts as a failed attempt.
    this.loginTimer = setTimeout(() => this.reconnect("connect timed out"), this.o.timing.loginTimeoutMs);
    ws.onopen = () => {
      if (this.ws !== ws) return;
      if (this.loginTimer) clearTimeout(this.loginTimer);
      this.loginTimer = null;
      this.connectedAt = nowMs();
      this.lastMessageAt = this.connectedAt;
      this.pingSentAt = null;
      const t = this.o.timing;
      this.tick = setInterval(() => this.keepalive(), Math.max(10, Math.min(t.pingIntervalMs, t.pongTimeoutMs) / 4));
      this.setState("open");
      if (this.o.credentials) this.login(ws, this.o.credentials);
      else this.becomeReady();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      const rxTs = nowMs();
      this.lastMessageAt = rxTs;
      this.pingSentAt = null; // any inbound message proves the connection alive
      const text = typeof ev.data === "string" ? ev.data : decoder.decode(ev.data as ArrayBuffer);
      if (text === "pong") return;
      this.onText(text, rxTs);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.lastError = `closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`;
      this.teardown();
      this.closed();
    };
    ws.onerror = () => {
      if (this.ws === ws) this.lastError = "socket error";
    };
  }

  private onText(text: string, rxTs: number): void {
    const frame = parseFrame(text);
    switch (frame.kind) {
      case "malformed":
        this.o.onMalformed(frame.reason);
        return;
      case "login":
        if (this.state !== "open") return;
        if (frame.code === "0") this.becomeReady();
        else this.loginRefused(frame.code, frame.msg);
        return;
      case "error":
        if (this.state === "open" && this.o.credentials) return this.loginRefused(frame.code, frame.msg);
        break;
      case "notice":
        if (frame.code === "64008") return this.reconnect(`notice 64008: ${safeMsg(frame.msg)}`);
        break;
    }
    this.o.onFrame(frame, rxTs);
  }

  private login(ws: WebSocket, c: OkxCredentials): void {
    ws.send(JSON.stringify({ op: "login", args: [wsLoginArg(c)] }));
    this.loginTimer = setTimeout(() => this.reconnect("no login answer"), this.o.timing.loginTimeoutMs);
  }

  private loginRefused(code: string, rawMsg: string): void {
    const msg = safeMsg(rawMsg);
    // Never log the request itself: it carries the key and the signature.
    this.o.log("error", `OKX login refused on the ${this.o.name} connection: ${code} ${msg}; retrying with backoff`, {
      conn: this.o.name,
      code,
    });
    this.lastError = `login refused: ${code} ${msg}`;
    this.teardown();
    this.closed();
  }

  private becomeReady(): void {
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.loginTimer = null;
    this.setState("ready");
    const all = [...this.subs.values()];
    for (let i = 0; i < all.length; i += 50) this.sendOp("subscribe", all.slice(i, i + 50));
  }

  private sendOp(op: "subscribe" | "unsubscribe", args: Obj[]): void {
    this.ws?.send(JSON.stringify({ op, args }));
  }

  private keepalive(): void {
    const t = nowMs();
    if (this.pingSentAt !== null) {
      if (t - this.pingSentAt > this.o.timing.pongTimeoutMs)
        this.reconnect(`no pong within ${this.o.timing.pongTimeoutMs} ms`);
      return;
    }
    if (this.ws && t - (this.lastMessageAt ?? 0) >= this.o.timing.pingIntervalMs) {
      this.pingSentAt = t;
      this.ws.send("ping");
    }
  }

  /** Forgets the current socket (its late events are ignored) and clears its timers. */
  private teardown(): void {
    if (this.tick) clearInterval(this.tick);
    if (this.loginTimer) clearTimeout(this.loginTimer);
    this.tick = null;
    this.loginTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch {}
    }
  }

  /** After any loss: report down and schedule the next attempt. */
  private closed(): void {
    if (this.state === "stopped") return;
    const wasReady = this.state === "ready";
    this.setState("down");
    // A connection that was up for a while starts the backoff afresh.
    if (wasReady && this.connectedAt !== null && nowMs() - this.connectedAt > 10_000) this.attempt = 0;
    const delay = backoffDelay(this.attempt++, this.o.timing.backoffBaseMs, this.o.timing.backoffMaxMs);
    this.o.log(this.attempt > 3 ? "warn" : "info", "okx reconnect scheduled", {
      conn: this.o.name,
      delayMs: delay,
      attempt: this.attempt,
      error: this.lastError,
    });
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.state === "stopped") return;
      this.reconnects++;
      this.connect();
    }, delay);
  }

  private setState(s: ConnState): void {
    if (this.state === s) return;
    this.state = s;
    this.o.onState(s);
  }
}
