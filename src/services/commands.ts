// Commands: run here (kill switch, cancel all, close all), by the strategies service (built-in strategies) or
// by an engine (external strategies, pass-through engine commands); each has an id and a life
// pending -> accepted -> done | failed | timed_out, announced on `commands` and audited at every step.
import { StoreUnavailable } from "../domain/errors.ts";
import { closingOrder } from "../domain/positions.ts";
import { LIMITS } from "../engine/protocol.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "../ops/metrics.ts";
import { RedisUnavailable } from "../store/redis/errors.ts";
import type { AuditSink } from "./audit.ts";
import { EngineDelivery } from "./command-delivery.ts";
import { CommandRecords, errorOf } from "./command-records.ts";
import {
  type CommandError,
  type CommandFilter,
  type CommandInput,
  type CommandRecord,
  type EngineLink,
  EngineUnavailable,
  InvalidCommand,
  type KillSwitchState,
  type StrategyCommand,
  type StrategyRunner,
  UnknownStrategy,
} from "./command-types.ts";
import type { OrderService } from "./orders.ts";

export * from "./command-types.ts";

/**
 * What a batch of order requests came to: `requested`, how many went through (under `okName`) and
 * failed; failed when any did, with each failure's instrument and reason.
 */
function tally(outcomes: PromiseSettledResult<unknown>[], instIds: string[], okName: string, code: string): Outcome {
  const errors = outcomes.flatMap((x, i) =>
    x.status === "rejected" ? [`${instIds[i]}: ${(x.reason as Error)?.message ?? String(x.reason)}`] : [],
  );
  const n = outcomes.length;
  const result: Record<string, unknown> = { requested: n, [okName]: n - errors.length, failed: errors.length };
  if (errors.length === 0) return { status: "done", result };
  return {
    status: "failed",
    result: { ...result, errors: errors.slice(0, 20) },
    error: { code, message: `${errors.length} of ${n} failed: ${errors[0]}` },
  };
}

type Outcome = { status: "done" | "failed"; result: Record<string, unknown>; error?: CommandError };
type Route =
  | { kind: "local"; run: (rec: CommandRecord) => Promise<Outcome> }
  | { kind: "engine"; engineId: string; name: string; args: Record<string, unknown>; timeoutMs: number };

const ENGINE_NAME: Record<StrategyCommand["type"], string> = {
  strategy_start: "strategy.start",
  strategy_stop: "strategy.stop",
  strategy_update: "strategy.update",
  strategy_cancel_all: "strategy.cancel_all",
};

export interface CommandServiceDeps {
  orders: OrderService;
  /** Publishes the record on `commands` (every change). */
  announce: (rec: CommandRecord) => void;
  audit?: AuditSink;
  /** The engine bridge, when there is one (REDIS_URL). */
  engines?: EngineLink;
  metrics?: Registry;
  log?: Logger;
  /** How long an engine has to answer, unless the command says (ENGINE_COMMAND_TIMEOUT_MS). */
  timeoutMs?: number;
}

export class CommandService {
  private readonly records: CommandRecords;
  /** Engine commands on their way (with an engine bridge). */
  private readonly delivery?: EngineDelivery;
  private strategies?: StrategyRunner;
  private readonly timeoutMs: number;
  private kill: KillSwitchState = { on: false, since: null, by: null };
  /** Who is setting the kill switch now (a kill_switch command), for the state's `by`. */
  private killBy: string | null = null;

  constructor(private readonly d: CommandServiceDeps) {
    this.timeoutMs = d.timeoutMs ?? 10_000;
    this.kill.on = d.orders.killSwitch;
    d.orders.onKillSwitch((on) => {
      if (on !== this.kill.on) this.kill = { on, since: Date.now(), by: this.killBy };
    });
    this.records = new CommandRecords({ announce: d.announce, audit: d.audit, metrics: d.metrics, log: d.log });
    if (d.engines)
      this.delivery = new EngineDelivery({
        records: this.records,
        engines: d.engines,
        log: d.log,
        finish: (rec, status, result, error) => this.finish(rec, status, result, error),
      });
  }

  /** Built-in strategies: their commands run there (see StrategyRunner). */
  useStrategies(runner: StrategyRunner): void {
    this.strategies = runner;
  }

  /**
   * Runs a command. Commands run here resolve finished (done or failed); engine commands resolve
   * once written to the engine's stream (pending): follow them with get(), settled() or the
   * `commands` channel. Throws EngineUnavailable, UnknownStrategy, InvalidCommand or
   * RedisUnavailable before anything is sent; a strategy runner's error after failing the record.
   */
  async run(by: string, cmd: CommandInput): Promise<CommandRecord> {
    let route: Route;
    try {
      route = this.route(cmd, by);
    } catch (err) {
      this.records.refused(by, cmd, err);
      throw err;
    }
    const rec = this.create(by, cmd, route);
    if (route.kind === "engine") {
      await this.dispatch(rec, route);
      return this.answered(rec);
    }
    let out: Outcome;
    try {
      out = await route.run(rec);
    } catch (err) {
      this.finish(rec, "failed", {}, errorOf(err), err);
      throw err;
    }
    this.finish(rec, out.status, out.result, out.error);
    return this.answered(rec);
  }

  /**
   * The record as it is now, once the audit rows of its changes so far are kept: a command answered
   * has its audit rows. One that cannot be kept is StoreUnavailable (`audit_unavailable`) saying
   * what was done, as for orders (services/audit.ts).
   */
  private async answered(rec: CommandRecord): Promise<CommandRecord> {
    const now = { ...rec };
    try {
      await this.records.audited(rec.id);
    } catch (err) {
      throw new StoreUnavailable(
        `command ${now.type} ${now.id} is ${now.status} (${JSON.stringify(now.result)}) but its audit entry could not be kept: ${(err as Error).message}`,
        { code: "audit_unavailable", cause: err },
      );
    }
    return now;
  }

  get(id: string): CommandRecord | undefined {
    return this.records.get(id);
  }

  /** The kill switch now; a setting that changes nothing keeps the earlier `since` and `by`. */
  killSwitchState(): KillSwitchState {
    return { ...this.kill };
  }

  /** Newest first; filters by status, type, engine, who, since. */
  list(f: CommandFilter = {}): CommandRecord[] {
    return this.records.list(f);
  }

  /** Resolves with the record once finished, or as it is after `timeoutMs`; undefined for an unknown id. */
  settled(id: string, timeoutMs = 30_000): Promise<CommandRecord | undefined> {
    return this.records.settled(id, timeoutMs);
  }

  stop(): void {
    this.delivery?.stop();
  }

  // --- where a command runs ---------------------------------------------------------------------

  private route(cmd: CommandInput, by: string): Route {
    switch (cmd.type) {
      case "kill_switch":
        return { kind: "local", run: (rec) => this.killSwitch(cmd.on, by, rec) };
      case "cancel_all":
        return { kind: "local", run: () => this.cancelAll(cmd.instId, by) };
      case "close_all":
        return { kind: "local", run: () => this.closeAll(cmd.instId, by) };
      case "engine":
        return this.toEngine(cmd.engineId ?? this.onlyEngine(), cmd.name, cmd.args ?? {}, cmd.timeoutMs);
      default: {
        const runner = this.strategies;
        if (runner?.owns(cmd.strategyId))
          return { kind: "local", run: async () => ({ status: "done", result: await runner.run(cmd, by) }) };
        const engineId = this.d.engines?.strategyOwner(cmd.strategyId);
        if (engineId === undefined) throw new UnknownStrategy(cmd.strategyId);
        const args: Record<string, unknown> = { strategyId: cmd.strategyId };
        if (cmd.type === "strategy_stop") args.cancelOrders = cmd.cancelOrders ?? true;
        if (cmd.type === "strategy_update") args.params = cmd.params;
        return this.toEngine(engineId, ENGINE_NAME[cmd.type], args, cmd.timeoutMs);
      }
    }
  }

  private onlyEngine(): string {
    const ids = this.d.engines?.engineIds() ?? [];
    if (ids.length === 1) return ids[0]!;
    if (ids.length > 1) throw new InvalidCommand("engineId", `required: there are several engines (${ids.join(", ")})`);
    throw new EngineUnavailable(
      undefined,
      this.d.engines ? "no engine has registered" : "no engine bridge (REDIS_URL is not set)",
    );
  }

  /** Fails fast unless the engine heartbeats and Redis takes writes. */
  private toEngine(engineId: string, name: string, args: Record<string, unknown>, timeoutMs?: number): Route {
    const link = this.d.engines;
    if (!link) throw new EngineUnavailable(engineId, "no engine bridge (REDIS_URL is not set)");
    const st = link.state(engineId);
    if (st !== "up")
      throw new EngineUnavailable(
        engineId,
        st === undefined ? `engine ${engineId} has not registered` : `engine ${engineId} is ${st}`,
      );
    if (!link.canSend()) throw new RedisUnavailable();
    if (JSON.stringify(args).length > LIMITS.commandArgsBytes)
      throw new InvalidCommand("args", `over ${LIMITS.commandArgsBytes} bytes`);
    return { kind: "engine", engineId, name, args, timeoutMs: timeoutMs ?? this.timeoutMs };
  }

  private async killSwitch(on: boolean, by: string, rec: CommandRecord): Promise<Outcome> {
    this.killBy = by;
    try {
      this.d.orders.killSwitch = on;
    } finally {
      this.killBy = null;
    }
    const result: Record<string, unknown> = { killSwitch: on };
    const engines: Record<string, string> = {};
    for (const engineId of this.d.engines?.engineIds() ?? []) {
      const st = this.d.engines?.state(engineId);
      if (st !== "up") {
        engines[engineId] = `not sent: engine ${engineId} is ${st}`;
        continue;
      }
      const child = { type: "engine", engineId, name: "kill_switch", args: { on } } as const;
      try {
        const route = this.toEngine(engineId, child.name, child.args);
        const c = this.create(by, child, route, rec.id);
        await this.dispatch(c, route as Extract<Route, { kind: "engine" }>);
        engines[engineId] = c.id;
      } catch (err) {
        engines[engineId] = `not sent: ${(err as Error).message}`;
      }
    }
    if (Object.keys(engines).length > 0) result.engines = engines;
    if (this.strategies?.killSwitch) result.strategies = await this.strategies.killSwitch(on, by);
    return { status: "done", result };
  }

  private async cancelAll(instId: string | undefined, by: string): Promise<Outcome> {
    const open = this.d.orders.open(instId);
    const outcomes = await Promise.allSettled(
      open.map((o) => this.d.orders.cancel({ instId: String(o.instId), ordId: String(o.ordId) }, by)),
    );
    return tally(
      outcomes,
      open.map((o) => String(o.instId)),
      "canceled",
      "cancel_failed",
    );
  }

  /** Closes every position held (or one instrument's): a reduce-only market order for all of each. */
  private async closeAll(instId: string | undefined, by: string): Promise<Outcome> {
    const held = this.d.orders.positions(instId);
    const outcomes = await Promise.allSettled(held.map((p) => this.d.orders.place(by, closingOrder(p))));
    return tally(
      outcomes,
      held.map((p) => p.instId),
      "placed",
      "close_failed",
    );
  }

  /** Hands an engine command to the delivery (the route exists only with an engine bridge). */
  private dispatch(rec: CommandRecord, route: Extract<Route, { kind: "engine" }>): Promise<void> {
    if (!this.delivery) throw new EngineUnavailable(route.engineId, "no engine bridge (REDIS_URL is not set)");
    return this.delivery.dispatch(rec, route);
  }

  private create(by: string, cmd: CommandInput, route: Route, parent?: string): CommandRecord {
    const extra =
      route.kind === "engine" ? { engineId: route.engineId, name: route.name, timeoutMs: route.timeoutMs } : {};
    return this.records.create(by, cmd, parent ? { ...extra, parent } : extra);
  }

  /** Finishes a record and forgets what was kept to send it. */
  private finish(
    rec: CommandRecord,
    status: "done" | "failed" | "timed_out",
    result: Record<string, unknown>,
    error?: CommandError,
    cause?: unknown,
  ): void {
    this.delivery?.forget(rec.id);
    this.records.finish(rec, status, result, error, cause);
  }
}
