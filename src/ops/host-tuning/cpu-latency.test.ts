// HOST_TUNING_CPU_DMA_LATENCY_US: the PM QoS request is held while the service runs and withdrawn after;
// a device that cannot be written costs a warning, not the start.
import { expect, test } from "bun:test";
import { accessSync, constants } from "node:fs";
import { loadConfig } from "../../config.ts";
import { createLogger } from "../../log.ts";
import { Registry } from "../metrics.ts";
import { CPU_DMA_LATENCY, cpuLatencyMetrics, currentCpuLatency, holdCpuLatency } from "./cpu-latency.ts";

const writable = (() => {
  try {
    accessSync(CPU_DMA_LATENCY, constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();
const logs = () => {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createLogger("info", {}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
};

test("not asked for: nothing held, nothing said", () => {
  const { lines, log } = logs();
  expect(holdCpuLatency(undefined, log)).toBeNull();
  expect(lines).toEqual([]);
});

test("a device that cannot be opened: a warning naming it, and the service goes on", () => {
  const { lines, log } = logs();
  expect(holdCpuLatency(0, log, "/nonexistent/cpu_dma_latency")).toBeNull();
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: "warn", device: "/nonexistent/cpu_dma_latency" });
});

test("the value must be a whole number of µs, 0 or more", () => {
  expect(loadConfig({ HOST_TUNING_CPU_DMA_LATENCY_US: "0" }).HOST_TUNING_CPU_DMA_LATENCY_US).toBe(0);
  expect(loadConfig({}).HOST_TUNING_CPU_DMA_LATENCY_US).toBeUndefined();
  expect(() => loadConfig({ HOST_TUNING_CPU_DMA_LATENCY_US: "-1" })).toThrow(/HOST_TUNING_CPU_DMA_LATENCY_US/);
  expect(() => loadConfig({ HOST_TUNING_CPU_DMA_LATENCY_US: "fast" })).toThrow(/HOST_TUNING_CPU_DMA_LATENCY_US/);
});

test.skipIf(!writable)("held: the kernel's limit is at most the value asked for; released: back to what it was", () => {
  const before = currentCpuLatency();
  expect(before).not.toBeNull();
  const { log } = logs();
  const hold = holdCpuLatency(123, log);
  expect(hold?.us).toBe(123);
  expect(currentCpuLatency()!).toBeLessThanOrEqual(123);
  if (before! > 123) expect(currentCpuLatency()).toBe(123);
  hold!.release();
  hold!.release(); // idempotent
  expect(currentCpuLatency()).toBe(before);
});

const gaugeLines = (reg: Registry) =>
  reg
    .render()
    .split("\n")
    .filter((l) => l.startsWith("tradewire_cpu_wake_latency_limit_microseconds"));

test("metrics: nothing held and no device: no values", () => {
  const reg = new Registry();
  cpuLatencyMetrics(reg, null, "/nonexistent/cpu_dma_latency");
  expect(gaugeLines(reg)).toEqual([]);
});

test.skipIf(!writable)("metrics: the value held, and the one in force read at each scrape", () => {
  const { log } = logs();
  const reg = new Registry();
  const hold = holdCpuLatency(77, log);
  cpuLatencyMetrics(reg, hold);
  try {
    expect(gaugeLines(reg)).toEqual([
      'tradewire_cpu_wake_latency_limit_microseconds{source="held"} 77',
      `tradewire_cpu_wake_latency_limit_microseconds{source="in_force"} ${currentCpuLatency()}`,
    ]);
    expect(currentCpuLatency()!).toBeLessThanOrEqual(77);
  } finally {
    hold!.release();
  }
  // released: the gauge follows the device, not what was held
  expect(gaugeLines(reg)[1]).toBe(
    `tradewire_cpu_wake_latency_limit_microseconds{source="in_force"} ${currentCpuLatency()}`,
  );
});
