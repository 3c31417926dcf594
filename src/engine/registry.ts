// Which engines exist, whether each is alive (heartbeats), and the strategies they run: kept
// from hello / heartbeat / bye messages, with a state change announced each time.
import type { ControlMessage, Presence, Rejected, ReportedStrategy } from "./protocol.ts";

export type EngineState = "up" | "silent" | "stopped";

/** An engine as tradewire sees it (GET /api/engines, /ready). */
export interface EngineInfo {
  engineId: string;
  state: EngineState;
  /** When it entered this state (ms). */
  since: number;
  /** The last hello/heartbeat from any of its instances (ms, tradewire's clock). */
  lastSeen: number;
  heartbeatMs: number;
  /** Instances heard from within their liveness window. */
  instances: string[];
  commands: string[];
  info: Record<string, unknown>;
  strategies: number;
}

/** A strategy an engine runs, as the strategies service lists it (kind `external`). */
export interface EngineStrategy extends ReportedStrategy {
  kind: "external";
  engineId: string;
  /** Who owns it: the engine (`engine:<engineId>`). */
  owner: string;
  /** Whether its engine is alive: a strategy of a silent engine may have stopped. */
  engineState: EngineState;
  /** When tradewire last saw it change (ms). */
  updatedAt: number;
}

/** The `system` event of an engine state change. */
export interface EngineStateEvent {
  kind: "engine";
  engineId: string;
  state: EngineState;
  lastSeen: number;
  reason?: string;
  ts: number;
}

interface Instance {
  lastSeen: number;
  heartbeatMs: number;
}

interface Engine {
  engineId: string;
  state: EngineState;
  since: number;
  lastSeen: number;
  instances: Map<string, Instance>;
  commands: string[];
  info: Record<string, unknown>;
  strategies: Map<string, { s: ReportedStrategy; text: string; updatedAt: number }>;
}

/** Heartbeats missed before an engine counts as silent. */
export const MISSED_HEARTBEATS = 3;

export class EngineRegistry {
  private readonly engines = new Map<string, Engine>();
  /** strategy id -> the engine that lists it (first come keeps it). */
  private readonly owners = new Map<string, string>();
  private readonly strategyListeners = new Set<() => void>();

  constructor(
    private readonly d: {
      announce: (e: EngineStateEvent) => void;
      reject: (r: Rejected) => void;
      /** Engines /ready requires (ENGINE_IDS). */
      expected?: readonly string[];
    },
  ) {}

  /** Applies hello / heartbeat / bye received at `now` (tradewire's clock, ms). */
  apply(m: Extract<ControlMessage, { type: "hello" | "heartbeat" | "bye" }>, now: number): void {
    if (m.type === "bye") {
      const e = this.engines.get(m.engineId);
      if (!e) return;
      e.instances.delete(m.instance);
      if (e.instances.size === 0 && e.state !== "stopped") this.transition(e, "stopped", now, m.reason ?? "bye");
      return;
    }
    const e = this.engine(m.engineId, now);
    e.lastSeen = Math.max(e.lastSeen, now);
    e.instances.set(m.instance, { lastSeen: now, heartbeatMs: m.heartbeatMs });
    if (m.type === "hello") {
      e.commands = m.commands ?? e.commands;
      e.info = m.info ?? e.info;
    }
    const changed = this.setStrategies(e, m, now);
    if (e.state !== "up") this.transition(e, "up", now, undefined, !changed);
    if (changed) this.changed();
  }

  /** Marks engines whose every instance missed MISSED_HEARTBEATS heartbeats as silent. */
  sweep(now: number): void {
    for (const e of this.engines.values()) {
      if (e.state !== "up") continue;
      for (const [name, i] of e.instances)
        if (now - i.lastSeen > MISSED_HEARTBEATS * i.heartbeatMs) e.instances.delete(name);
      if (e.instances.size === 0) this.transition(e, "silent", now, "no heartbeat");
    }
  }

  state(engineId: string): EngineState | undefined {
    return this.engines.get(engineId)?.state;
  }

  engineIds(): string[] {
    return [...this.engines.keys()];
  }

  /** Every engine that ever registered, with its state. */
  list(): EngineInfo[] {
    return [...this.engines.values()].map((e) => ({
      engineId: e.engineId,
      state: e.state,
      since: e.since,
      lastSeen: e.lastSeen,
      heartbeatMs: Math.max(0, ...[...e.instances.values()].map((i) => i.heartbeatMs)),
      instances: [...e.instances.keys()],
      commands: e.commands,
      info: e.info,
      strategies: e.strategies.size,
    }));
  }

  strategies(): EngineStrategy[] {
    const out: EngineStrategy[] = [];
    for (const e of this.engines.values())
      for (const { s, updatedAt } of e.strategies.values()) out.push(this.external(e, s, updatedAt));
    return out;
  }

  strategy(id: string): EngineStrategy | undefined {
    const e = this.engines.get(this.owners.get(id) ?? "");
    const entry = e?.strategies.get(id);
    return e && entry ? this.external(e, entry.s, entry.updatedAt) : undefined;
  }

  strategyOwner(id: string): string | undefined {
    return this.owners.get(id);
  }

  /** Called after any strategy of any engine changed (added, removed, state, params). */
  onStrategies(fn: () => void): () => void {
    this.strategyListeners.add(fn);
    return () => this.strategyListeners.delete(fn);
  }

  /**
   * /ready: fails while an engine named in ENGINE_IDS is not up. Other engines that went silent
   * are named in the detail but do not fail it: a decommissioned engine that never said bye must
   * not take every instance out of its load balancer.
   */
  readiness(): { name: string; ok: boolean; detail?: string } {
    const bad: string[] = [];
    for (const id of this.d.expected ?? []) {
      const st = this.engines.get(id)?.state;
      if (st !== "up") bad.push(`${id} ${st ?? "never registered"}`);
    }
    const notes: string[] = [];
    for (const e of this.engines.values())
      if (e.state === "silent" && !this.d.expected?.includes(e.engineId)) notes.push(`${e.engineId} silent`);
    if (bad.length > 0 || notes.length > 0)
      return { name: "engine", ok: bad.length === 0, detail: [...bad, ...notes].join(", ") };
    const n = this.engines.size;
    return { name: "engine", ok: true, detail: n === 0 ? "no engine registered" : `${n} engine${n > 1 ? "s" : ""}` };
  }

  private engine(engineId: string, now: number): Engine {
    let e = this.engines.get(engineId);
    if (!e) {
      e = {
        engineId,
        state: "stopped",
        since: now,
        lastSeen: now,
        instances: new Map(),
        commands: [],
        info: {},
        strategies: new Map(),
      };
      this.engines.set(engineId, e);
    }
    return e;
  }

  /** Announces the new state; strategy listeners hear of it too (engineState changed). */
  private transition(e: Engine, state: EngineState, now: number, reason?: string, notify = true): void {
    e.state = state;
    e.since = now;
    this.d.announce({
      kind: "engine",
      engineId: e.engineId,
      state,
      lastSeen: e.lastSeen,
      ...(reason ? { reason } : {}),
      ts: now,
    });
    if (notify && e.strategies.size > 0) this.changed();
  }

  /** Replaces an engine's strategy list; ids another engine holds are refused. True if it changed. */
  private setStrategies(e: Engine, m: Presence, now: number): boolean {
    let changed = false;
    const seen = new Set<string>();
    for (const s of m.strategies) {
      const owner = this.owners.get(s.id);
      if (owner !== undefined && owner !== e.engineId) {
        this.d.reject({
          reject: "strategy_conflict",
          reason: `strategy ${s.id} belongs to engine ${owner}`,
          engineId: e.engineId,
        });
        continue;
      }
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      const text = JSON.stringify(s);
      const old = e.strategies.get(s.id);
      if (old?.text === text) continue;
      e.strategies.set(s.id, { s, text, updatedAt: now });
      this.owners.set(s.id, e.engineId);
      changed = true;
    }
    for (const id of e.strategies.keys()) {
      if (seen.has(id)) continue;
      e.strategies.delete(id);
      this.owners.delete(id);
      changed = true;
    }
    return changed;
  }

  private external(e: Engine, s: ReportedStrategy, updatedAt: number): EngineStrategy {
    return {
      ...s,
      kind: "external",
      engineId: e.engineId,
      owner: `engine:${e.engineId}`,
      engineState: e.state,
      updatedAt,
    };
  }

  private changed(): void {
    for (const fn of this.strategyListeners) {
      try {
        fn();
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
