import { describe, expect, test } from "bun:test";
import { StoreUnavailable } from "../domain/errors.ts";
import type { CommandAnswer, CommandMessage } from "../engine/protocol.ts";
import { outcomeOf } from "../http/errors.ts";
import { type AuditRecord, auditTo } from "./audit.ts";
import {
  type CommandRecord,
  CommandService,
  type EngineLink,
  EngineUnavailable,
  InvalidCommand,
  type StrategyRunner,
  UnknownStrategy,
} from "./commands.ts";
import type { OrderService } from "./orders.ts";

/** An engine link in memory: records what was sent, answers when told to. */
class FakeLink implements EngineLink {
  states = new Map<string, "up" | "silent" | "stopped">([["e1", "up"]]);
  owners = new Map([["ext-1", "e1"]]);
  sent: Array<{ engineId: string; msg: CommandMessage }> = [];
  failSends = 0;
  ready = true;
  private answer?: (a: CommandAnswer) => boolean;
  private reconnect?: () => void;
  state = (id: string) => this.states.get(id);
  engineIds = () => [...this.states.keys()];
  strategyOwner = (id: string) => this.owners.get(id);
  canSend = () => this.ready;
  async send(engineId: string, msg: CommandMessage): Promise<void> {
    if (this.failSends > 0) {
      this.failSends--;
      throw new Error("connection lost");
    }
    this.sent.push({ engineId, msg });
  }
  onAnswer = (fn: (a: CommandAnswer) => boolean) => void (this.answer = fn);
  onReconnect = (fn: () => void) => void (this.reconnect = fn);
  say = (a: CommandAnswer) => this.answer!(a);
  reconnected = () => this.reconnect!();
}

/** The parts of the order service commands use: the kill switch (with its listeners), open orders, cancel. */
function fakeOrders(): OrderService {
  const listeners = new Set<(on: boolean) => void>();
  let on = false;
  return {
    get killSwitch() {
      return on;
    },
    set killSwitch(v: boolean) {
      on = v;
      for (const f of listeners) f(v);
    },
    onKillSwitch: (f: (on: boolean) => void) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    open: () => [],
    cancel: async () => ({}),
  } as unknown as OrderService;
}

function setup(timeoutMs = 10_000) {
  const link = new FakeLink();
  const announced: CommandRecord[] = [];
  const audit: AuditRecord[] = [];
  const orders = fakeOrders();
  const svc = new CommandService({
    orders,
    engines: link,
    announce: (r) => announced.push(r),
    audit: auditTo((r) => void audit.push(r), outcomeOf),
    timeoutMs,
  });
  return { svc, link, announced, audit, orders };
}
const result = (id: string, extra: Partial<Extract<CommandAnswer, { type: "result" }>> = {}): CommandAnswer => ({
  type: "result",
  engineId: "e1",
  id,
  status: "done",
  result: { ok: 1 },
  ...extra,
});

describe("CommandService", () => {
  test("an engine command: pending -> accepted -> done, each change announced and audited", async () => {
    const { svc, link, announced, audit } = setup();
    const rec = await svc.run("ann", { type: "engine", name: "rebalance", args: { to: "x" } });
    expect(rec).toMatchObject({
      status: "pending",
      engineId: "e1",
      name: "rebalance",
      params: { name: "rebalance", args: { to: "x" } },
      timeoutMs: 10_000,
    });
    expect(link.sent[0]).toMatchObject({
      engineId: "e1",
      msg: {
        v: 1,
        type: "command",
        id: rec.id,
        name: "rebalance",
        args: { to: "x" },
        by: "ann",
        deadline: rec.createdAt + 10_000,
      },
    });
    expect(link.say({ type: "accepted", engineId: "e1", id: rec.id })).toBe(true);
    expect(link.say(result(rec.id))).toBe(true);
    expect(link.say(result(rec.id, { result: { again: 1 } }))).toBe(true); // a repeat: ignored
    expect(svc.get(rec.id)).toMatchObject({ status: "done", result: { ok: 1 } });
    expect(announced.map((r) => r.status)).toEqual(["pending", "accepted", "done"]);
    expect(audit.map((a) => [a.action, a.target, a.status, a.code])).toEqual([
      ["command.engine", "e1:rebalance", 202, "pending"],
      ["command.engine", "e1:rebalance", 202, "accepted"],
      ["command.engine", "e1:rebalance", 200, "ok"],
    ]);
    expect(audit[2]!.detail).toMatchObject({
      id: rec.id,
      params: { name: "rebalance", args: { to: "x" } },
      result: { ok: 1 },
    });
  });

  test("answers for unknown ids or from another engine are not ours; a result alone also records accepted", async () => {
    const { svc, link, announced } = setup();
    const rec = await svc.run("ann", { type: "engine", engineId: "e1", name: "x" });
    expect(link.say(result("0b9f6f0e-8d8e-4c5e-9d0b-4f9a2c1e7a10"))).toBe(false);
    expect(link.say({ ...result(rec.id), engineId: "e2" })).toBe(false);
    link.say(result(rec.id, { status: "failed", result: {}, error: { code: "busy", message: "try later" } }));
    expect(announced.map((r) => r.status)).toEqual(["pending", "accepted", "failed"]);
    expect(svc.get(rec.id)).toMatchObject({ status: "failed", error: { code: "busy" } });
  });

  test("no answer in time: timed_out; a late result is kept beside it", async () => {
    const { svc, link } = setup(30);
    const rec = await svc.run("ann", { type: "engine", name: "slow" });
    const end = await svc.settled(rec.id);
    expect(end).toMatchObject({ status: "timed_out", error: { code: "timed_out" } });
    link.say(result(rec.id));
    expect(svc.get(rec.id)).toMatchObject({ status: "timed_out", late: { status: "done", result: { ok: 1 } } });
  });

  test("a failed write stays pending and is retried; every unfinished command is written again on reconnect", async () => {
    const { svc, link } = setup();
    link.failSends = 1;
    const a = await svc.run("ann", { type: "engine", name: "a" });
    expect(svc.get(a.id)?.status).toBe("pending");
    expect(link.sent).toHaveLength(0);
    await Bun.sleep(300); // RETRY_MS
    expect(link.sent.map((s) => s.msg.id)).toEqual([a.id]);
    const b = await svc.run("ann", { type: "engine", name: "b" });
    link.say(result(a.id));
    link.reconnected();
    await Bun.sleep(0);
    expect(link.sent.map((s) => s.msg.name)).toEqual(["a", "b", "b"]); // a finished: not again
    expect(link.sent[2]!.msg).toEqual(link.sent[1]!.msg); // the same id and body
    expect(svc.get(b.id)?.status).toBe("pending");
  });

  test("refused at once, with nothing recorded: engine not up, no engine, Redis down, unknown strategy, several engines", async () => {
    const { svc, link, announced, audit } = setup();
    link.states.set("e1", "silent");
    await expect(svc.run("ann", { type: "engine", engineId: "e1", name: "x" })).rejects.toThrow(
      new EngineUnavailable("e1", "engine e1 is silent"),
    );
    await expect(svc.run("ann", { type: "strategy_stop", strategyId: "ext-1" })).rejects.toBeInstanceOf(
      EngineUnavailable,
    );
    await expect(svc.run("ann", { type: "engine", engineId: "nope", name: "x" })).rejects.toThrow(
      "engine nope has not registered",
    );
    link.states.set("e1", "up");
    link.ready = false;
    await expect(svc.run("ann", { type: "engine", name: "x" })).rejects.toThrow("Redis is unreachable");
    link.ready = true;
    await expect(svc.run("ann", { type: "strategy_start", strategyId: "ghost" })).rejects.toBeInstanceOf(
      UnknownStrategy,
    );
    link.states.set("e2", "up");
    await expect(svc.run("ann", { type: "engine", name: "x" })).rejects.toBeInstanceOf(InvalidCommand);
    expect(announced).toEqual([]);
    expect(audit.map((a) => [a.status, a.code])).toEqual([
      [503, "engine_unavailable"],
      [503, "engine_unavailable"],
      [503, "engine_unavailable"],
      [503, "redis_unavailable"],
      [404, "not_found"],
      [400, "validation_failed"],
    ]);
    const none = new CommandService({ orders: fakeOrders(), announce: () => {} });
    await expect(none.run("ann", { type: "engine", name: "x" })).rejects.toThrow("REDIS_URL is not set");
  });

  test("strategy commands: built-in ones run in the runner, external ones go to their engine with tradewire's names", async () => {
    const { svc, link } = setup();
    const calls: string[] = [];
    const runner: StrategyRunner = {
      owns: (id) => id === "grid-1",
      run: async (cmd, by) => {
        calls.push(`${cmd.type}:${cmd.strategyId}:${by}`);
        if (cmd.type === "strategy_start")
          throw Object.assign(new Error("already running"), { code: "conflict", status: 409 });
        return { state: "stopped" };
      },
      killSwitch: async (on) => ({ stopped: on ? 1 : 0 }),
    };
    svc.useStrategies(runner);
    expect(await svc.run("ann", { type: "strategy_stop", strategyId: "grid-1" })).toMatchObject({
      status: "done",
      result: { state: "stopped" },
    });
    await expect(svc.run("ann", { type: "strategy_start", strategyId: "grid-1" })).rejects.toThrow("already running");
    expect(svc.list({ type: "strategy_start" })[0]).toMatchObject({ status: "failed", error: { code: "conflict" } });
    await svc.run("ann", { type: "strategy_stop", strategyId: "ext-1", cancelOrders: false });
    await svc.run("ann", { type: "strategy_update", strategyId: "ext-1", params: { size: "2" } });
    await svc.run("ann", { type: "strategy_cancel_all", strategyId: "ext-1" });
    expect(calls).toEqual(["strategy_stop:grid-1:ann", "strategy_start:grid-1:ann"]);
    expect(link.sent.map((s) => [s.msg.name, s.msg.args])).toEqual([
      ["strategy.stop", { strategyId: "ext-1", cancelOrders: false }],
      ["strategy.update", { strategyId: "ext-1", params: { size: "2" } }],
      ["strategy.cancel_all", { strategyId: "ext-1" }],
    ]);
    const ks = await svc.run("root", { type: "kill_switch", on: true });
    expect(ks.result).toMatchObject({
      killSwitch: true,
      strategies: { stopped: 1 },
      engines: { e1: expect.any(String) },
    });
  });

  test("the kill switch state: on or off, since when, by whom; a setting that changes nothing keeps them", async () => {
    const { svc, orders } = setup();
    expect(svc.killSwitchState()).toEqual({ on: false, since: null, by: null });
    const t0 = Date.now();
    await svc.run("root", { type: "kill_switch", on: true });
    const on = svc.killSwitchState();
    expect(on).toMatchObject({ on: true, by: "root" });
    expect(on.since!).toBeGreaterThanOrEqual(t0);
    await svc.run("ann", { type: "kill_switch", on: true });
    expect(svc.killSwitchState()).toEqual(on);
    expect(orders.killSwitch).toBe(true);
    await svc.run("ann", { type: "kill_switch", on: false });
    expect(svc.killSwitchState()).toMatchObject({ on: false, by: "ann" });
    orders.killSwitch = true; // set by something other than a command
    expect(svc.killSwitchState()).toMatchObject({ on: true, by: null });
  });

  test("list: filters, newest first, a limit", async () => {
    const { svc } = setup();
    const a = await svc.run("ann", { type: "engine", name: "a" });
    const b = await svc.run("bob", { type: "kill_switch", on: false });
    const c = await svc.run("bob", { type: "engine", name: "c" });
    const child = (b.result.engines as Record<string, string>).e1!; // the kill switch's command to e1
    expect(svc.list().map((r) => r.id)).toEqual([c.id, child, b.id, a.id]);
    expect(svc.get(child)).toMatchObject({
      parent: b.id,
      by: "bob",
      name: "kill_switch",
      params: { args: { on: false } },
    });
    expect(svc.list({ by: "bob" }).map((r) => r.id)).toEqual([c.id, child, b.id]);
    expect(svc.list({ status: "pending", engineId: "e1" }).map((r) => r.id)).toEqual([c.id, child, a.id]);
    expect(svc.list({ type: "kill_switch" }).map((r) => r.id)).toEqual([b.id]);
    expect(svc.list({ since: c.createdAt + 1 })).toEqual([]);
    expect(svc.list({ limit: 1 }).map((r) => r.id)).toEqual([c.id]);
    svc.stop();
  });

  test("run answers once the audit rows so far are kept; done but not kept is audit_unavailable saying so", async () => {
    const orders = {
      killSwitch: false,
      open: () => [],
      cancel: async () => ({}),
      onKillSwitch: () => () => {},
    } as unknown as OrderService;
    const kept: AuditRecord[] = [];
    const waiting: Array<() => void> = [];
    let failing = false;
    const store = (r: AuditRecord) =>
      failing
        ? Promise.reject(new Error("journal write failed: ENOSPC"))
        : new Promise<void>((resolve) => waiting.push(() => resolve(void kept.push(r))));
    const svc = new CommandService({ orders, announce: () => {}, audit: auditTo(store, outcomeOf) });
    let answered = false;
    const p = svc.run("root", { type: "kill_switch", on: true }).then((r) => {
      answered = true;
      return r;
    });
    await Bun.sleep(5);
    expect(answered).toBe(false); // pending and done rows handed over, neither kept yet
    for (const release of waiting.splice(0)) release();
    expect(await p).toMatchObject({ status: "done", result: { killSwitch: true } });
    expect(kept.map((r) => r.detail?.status)).toEqual(["pending", "done"]);

    failing = true;
    const err = await svc.run("root", { type: "kill_switch", on: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailable);
    expect(err).toMatchObject({ code: "audit_unavailable" });
    expect((err as Error).message).toContain("is done");
    expect((err as Error).message).toContain("ENOSPC");
    expect(orders.killSwitch).toBe(false); // it was done all the same
    svc.stop();
  });
});
