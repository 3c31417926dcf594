import { describe, expect, test } from "bun:test";
import type { Rejected, ReportedStrategy } from "./protocol.ts";
import { EngineRegistry, type EngineStateEvent } from "./registry.ts";

const mm: ReportedStrategy = {
  id: "mm",
  name: "MM",
  instruments: ["BTC-USDT"],
  params: { size: "1" },
  state: "running",
  reason: null,
};

function setup(expected: string[] = []) {
  const events: EngineStateEvent[] = [];
  const rejects: Rejected[] = [];
  const reg = new EngineRegistry({ announce: (e) => events.push(e), reject: (r) => rejects.push(r), expected });
  const hb = (
    engineId: string,
    instance: string,
    now: number,
    strategies: ReportedStrategy[] = [],
    heartbeatMs = 100,
  ) => reg.apply({ type: "heartbeat", engineId, instance, heartbeatMs, strategies }, now);
  return { reg, events, rejects, hb };
}

describe("EngineRegistry", () => {
  test("up on the first heartbeat, silent after three missed, up again, stopped on bye", () => {
    const { reg, events, hb } = setup();
    hb("e1", "a", 1000);
    expect(reg.state("e1")).toBe("up");
    reg.sweep(1300);
    expect(reg.state("e1")).toBe("up");
    reg.sweep(1301);
    expect(reg.state("e1")).toBe("silent");
    reg.sweep(2000); // announced once
    hb("e1", "a", 2100);
    reg.apply({ type: "bye", engineId: "e1", instance: "a", reason: "shutdown" }, 2200);
    expect(events.map((e) => [e.state, e.ts, e.reason])).toEqual([
      ["up", 1000, undefined],
      ["silent", 1301, "no heartbeat"],
      ["up", 2100, undefined],
      ["stopped", 2200, "shutdown"],
    ]);
    expect(events[1]).toMatchObject({ kind: "engine", engineId: "e1", lastSeen: 1000 });
  });

  test("an engine with two instances stays up while either heartbeats, and stops after the last bye", () => {
    const { reg, hb } = setup();
    hb("e1", "a", 0);
    hb("e1", "b", 0, [], 1000);
    reg.sweep(500); // a is gone, b is not
    expect(reg.state("e1")).toBe("up");
    expect(reg.list()[0]!.instances).toEqual(["b"]);
    reg.apply({ type: "bye", engineId: "e1", instance: "b" }, 600);
    expect(reg.state("e1")).toBe("stopped");
  });

  test("strategies: listed as external and owned by the engine, replaced by each heartbeat, conflicts refused", () => {
    const { reg, rejects, hb } = setup();
    let changes = 0;
    reg.onStrategies(() => changes++);
    hb("e1", "a", 10, [mm]);
    expect(reg.strategies()).toEqual([
      { ...mm, kind: "external", engineId: "e1", owner: "engine:e1", engineState: "up", updatedAt: 10 },
    ]);
    hb("e1", "a", 20, [mm]); // the same: no change
    expect(changes).toBe(1);
    hb("e1", "a", 30, [{ ...mm, state: "stopped", reason: "by alice" }]);
    expect(reg.strategy("mm")).toMatchObject({ state: "stopped", reason: "by alice", updatedAt: 30 });
    hb("e2", "x", 40, [mm, { ...mm, id: "other" }]);
    expect(rejects).toEqual([
      { reject: "strategy_conflict", reason: "strategy mm belongs to engine e1", engineId: "e2" },
    ]);
    expect(reg.strategyOwner("mm")).toBe("e1");
    expect(reg.strategyOwner("other")).toBe("e2");
    hb("e1", "a", 50, []); // e1 dropped it: free for e2 on its next heartbeat
    expect(reg.strategyOwner("mm")).toBeUndefined();
    hb("e2", "x", 60, [mm]);
    expect(reg.strategyOwner("mm")).toBe("e2");
    expect(reg.strategyOwner("other")).toBeUndefined();
    reg.sweep(10_000);
    expect(reg.strategy("mm")?.engineState).toBe("silent");
  });

  test("/ready: engines in ENGINE_IDS must be up; other silent engines are named without failing it", () => {
    const { reg, hb } = setup(["main"]);
    expect(reg.readiness()).toEqual({ name: "engine", ok: false, detail: "main never registered" });
    hb("main", "a", 0);
    hb("side", "b", 0, [], 1000);
    expect(reg.readiness()).toEqual({ name: "engine", ok: true, detail: "2 engines" });
    reg.sweep(400);
    expect(reg.readiness()).toEqual({ name: "engine", ok: false, detail: "main silent" });
    reg.sweep(4000);
    expect(reg.readiness()).toEqual({ name: "engine", ok: false, detail: "main silent, side silent" });
    hb("main", "a", 4100);
    expect(reg.readiness()).toEqual({ name: "engine", ok: true, detail: "side silent" });
    reg.apply({ type: "bye", engineId: "side", instance: "b" }, 4100);
    expect(reg.readiness()).toEqual({ name: "engine", ok: true, detail: "2 engines" });
    expect(setup().reg.readiness()).toEqual({ name: "engine", ok: true, detail: "no engine registered" });
  });
});
