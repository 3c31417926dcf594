// The engine bridge (REDIS_URL): heartbeats into engine liveness, answers to the command
// service, commands out to an engine's stream, and the counts of the events intake (a Worker
// that publishes engine events onto the bus: events-thread.ts). docs/engine-protocol.md is the contract.
import type { Publisher } from "../bus/dispatcher.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "../ops/metrics.ts";
import type { RedisConn } from "../store/redis/connection.ts";
import { call } from "../store/redis/errors.ts";
import type { EventsThread } from "./events-thread.ts";
import { isRejected, parseControl } from "./parse.ts";
import {
  type CommandAnswer,
  type CommandMessage,
  LIMITS,
  MAXLEN,
  type Rejected,
  type RejectKind,
  streams,
} from "./protocol.ts";
import { type Entry, StreamReader } from "./reader.ts";
import {
  type EngineInfo,
  EngineRegistry,
  type EngineState,
  type EngineStateEvent,
  type EngineStrategy,
} from "./registry.ts";

/** Starts the events intake; it reports what it published and what it refused. */
export type IntakeStarter = (
  report: (events: number, rejected: Array<Rejected & { n: number }>) => void,
) => EventsThread;

export interface EngineBridgeOptions {
  /** The instance's shared connection: commands are written with it (fails fast while down). */
  redis: RedisConn;
  /** A connection of the bridge's own for blocking reads of the control stream (same server). */
  reader: RedisConn;
  /** Where the bridge's own `system` events go (the main thread's publisher: they go out at once). */
  sink: Publisher;
  /** The events intake (without one, engine events are not read: tests of the control side). */
  intake?: IntakeStarter;
  log: Logger;
  metrics: Registry;
  /** ENGINE_IDS: engines /ready requires. */
  expected?: readonly string[];
  /** How often liveness is checked (ms). */
  sweepMs?: number;
}

/**
 * @example
 * const bridge = new EngineBridge({ redis, reader, sink, log, metrics: registry, intake })
 * await bridge.start()
 */
export class EngineBridge {
  readonly registry: EngineRegistry;
  private readonly keys;
  private reader?: StreamReader;
  private intake?: EventsThread;
  private sweep?: ReturnType<typeof setInterval>;
  private readonly answerFns: Array<(a: CommandAnswer) => boolean> = [];
  private readonly logged = new Set<RejectKind>();
  private readonly m;

  constructor(private readonly o: EngineBridgeOptions) {
    this.keys = streams(o.redis.prefix);
    const reg = o.metrics;
    this.m = {
      rejected: reg.counter("tradewire_engine_rejected_total", "Engine messages refused (never published), by kind"),
      events: reg.counter("tradewire_engine_events_total", "Engine events published onto the bus"),
      control: reg.counter("tradewire_engine_control_total", "Engine control messages taken in, by type"),
      unmatched: reg.counter(
        "tradewire_engine_answers_unmatched_total",
        "Engine answers for a command no one here waits for",
      ),
      sent: reg.counter(
        "tradewire_engine_commands_sent_total",
        "Commands written to an engine's stream (resends included)",
      ),
      up: reg.gauge("tradewire_engine_up", "1 while an engine heartbeats, 0 when silent or stopped"),
    };
    this.registry = new EngineRegistry({
      announce: (e) => this.announce(e),
      reject: (r) => this.rejected(r),
      expected: o.expected ?? [],
    });
  }

  /**
   * Learns the engines from the control stream's tail, then reads it (and the intake the events
   * stream) from the top. Resolves once both read, or after `waitMs` if Redis does not answer.
   */
  async start(waitMs = 3_000): Promise<void> {
    this.reader = new StreamReader({
      conn: this.o.reader,
      log: this.o.log,
      keys: [this.keys.control],
      init: async () => new Map([[this.keys.control, await this.scanControl()]]),
      handle: (_key, entries) => this.control(entries, Date.now()),
    });
    this.reader.start();
    this.intake = this.o.intake?.((events, rejected) => {
      if (events > 0) this.m.events.inc({}, events);
      for (const r of rejected) this.rejected(r, r.n);
    });
    this.sweep = setInterval(() => this.registry.sweep(Date.now()), this.o.sweepMs ?? 100);
    this.sweep.unref?.();
    const t = Bun.sleep(waitMs);
    await Promise.all([Promise.race([this.reader.started, t]), this.intake?.started(waitMs)]);
  }

  async stop(): Promise<void> {
    clearInterval(this.sweep);
    await Promise.all([this.reader?.stop(), this.intake?.stop()]);
  }

  // --- what the command service uses (EngineLink) ---------------------------------------------

  state(engineId: string): EngineState | undefined {
    return this.registry.state(engineId);
  }

  engineIds(): string[] {
    return this.registry.engineIds();
  }

  strategyOwner(strategyId: string): string | undefined {
    return this.registry.strategyOwner(strategyId);
  }

  canSend(): boolean {
    return this.o.redis.isReady();
  }

  /** Writes a command to the engine's stream; RedisUnavailable when Redis did not take it. */
  async send(engineId: string, msg: CommandMessage): Promise<void> {
    const key = this.keys.commands(engineId);
    await call(() => this.o.redis.client.xadd(key, "MAXLEN", "~", MAXLEN.commands, "*", "m", JSON.stringify(msg)));
    this.m.sent.inc();
  }

  /** Answers (accepted, result) go to `fn`; it returns whether it knew the command. */
  onAnswer(fn: (a: CommandAnswer) => boolean): void {
    this.answerFns.push(fn);
  }

  /** Called each time the shared connection is ready again (resend what is unfinished). */
  onReconnect(fn: () => void): void {
    this.o.redis.onReady(fn);
  }

  // --- what the strategies service and /ready use ---------------------------------------------

  engines(): EngineInfo[] {
    return this.registry.list();
  }

  strategies(): EngineStrategy[] {
    return this.registry.strategies();
  }

  strategy(id: string): EngineStrategy | undefined {
    return this.registry.strategy(id);
  }

  onStrategies(fn: () => void): () => void {
    return this.registry.onStrategies(fn);
  }

  readiness(): { name: string; ok: boolean; detail?: string } {
    return this.registry.readiness();
  }

  // --- reading ---------------------------------------------------------------------------------

  /** Control messages; `now` is when they were received (tradewire's clock). */
  private control(entries: Entry[], now: number, scan = false): void {
    for (const [, fields] of entries) {
      const msg = parseControl(fields);
      if (isRejected(msg)) {
        if (!scan) this.rejected(msg);
        continue;
      }
      if (!scan) this.m.control.inc({ type: msg.type });
      if (msg.type === "accepted" || msg.type === "result") {
        if (scan) continue;
        let known = false;
        for (const fn of this.answerFns) known = fn(msg) || known;
        if (!known) this.m.unmatched.inc();
      } else this.registry.apply(msg, now);
    }
  }

  /** Reads the control stream's tail for presence (entry times mapped onto our clock); its top id. */
  private async scanControl(): Promise<string> {
    const c = this.o.reader.client;
    const [time, tail] = await Promise.all([
      c.time(),
      c.xrevrange(this.keys.control, "+", "-", "COUNT", LIMITS.controlScan) as Promise<Entry[]>,
    ]);
    const [sec = 0, usec = 0] = time.map(Number);
    const skew = Date.now() - (sec * 1000 + usec / 1000);
    for (const entry of tail.reverse()) this.control([entry], Number(entry[0].split("-")[0]) + skew, true);
    this.registry.sweep(Date.now());
    return tail[tail.length - 1]?.[0] ?? "0-0";
  }

  private announce(e: EngineStateEvent): void {
    this.m.up.set({ engineId: e.engineId }, e.state === "up" ? 1 : 0);
    const level = e.state === "up" ? "info" : "warn";
    this.o.log[level](`engine ${e.state}`, { engineId: e.engineId, reason: e.reason });
    try {
      this.o.sink.publish({ type: "system", channel: "system", dataJson: JSON.stringify(e) });
    } catch (err) {
      this.o.log.error("engine state event not published", { err });
    }
  }

  private rejected(r: Rejected, n = 1): void {
    this.m.rejected.inc({ kind: r.reject }, n);
    if (this.logged.has(r.reject)) return;
    this.logged.add(r.reject);
    this.o.log.warn("engine message refused (logged once per kind; see tradewire_engine_rejected_total)", {
      kind: r.reject,
      reason: r.reason,
      engineId: r.engineId,
    });
  }
}
