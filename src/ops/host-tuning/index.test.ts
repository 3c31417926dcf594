// Host tuning is off unless asked for; asked for, it does what was asked; the old variable
// names stop the start with the new name.
import { expect, test } from "bun:test";
import { loadConfig } from "../../config.ts";
import { createLogger } from "../../log.ts";
import { Registry } from "../metrics.ts";
import { startHostTuning } from "./index.ts";
import { HELPER_THREAD, threadsOfSelf } from "./threads.ts";

const NO_DEVICE = "/nonexistent/cpu_dma_latency";
const logs = () => {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createLogger("info", {}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
};
const niceOf = () => new Map(threadsOfSelf().map((t) => [t.tid, t.nice]));

test("defaults: no thread reniced, no PM QoS request, nothing logged", () => {
  const config = loadConfig({});
  expect(config.HOST_TUNING_HELPER_THREAD_NICE).toBe(0);
  expect(config.HOST_TUNING_CPU_DMA_LATENCY_US).toBeUndefined();
  const { lines, log } = logs();
  const before = niceOf();
  const reg = new Registry();
  const tuning = startHostTuning(config, log, reg, NO_DEVICE);
  try {
    expect(tuning.helperThreads()).toBe(0);
    expect(tuning.cpuLatencyUs()).toBeNull();
    const after = niceOf();
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
    expect(reg.render()).not.toContain('source="held"');
    expect(lines).toEqual([]);
  } finally {
    tuning.stop();
  }
});

test.skipIf(process.platform !== "linux")(
  "asked for: helper threads to the nice given; an unwritable device is a warning",
  () => {
    const { lines, log } = logs();
    const config = loadConfig({ HOST_TUNING_HELPER_THREAD_NICE: "19", HOST_TUNING_CPU_DMA_LATENCY_US: "0" });
    const tuning = startHostTuning(config, log, new Registry(), NO_DEVICE);
    try {
      expect(tuning.helperThreads()).toBeGreaterThan(0);
      for (const t of threadsOfSelf())
        if (t.tid !== process.pid && HELPER_THREAD.test(t.comm)) expect(`${t.comm} ${t.nice}`).toBe(`${t.comm} 19`);
      expect(tuning.cpuLatencyUs()).toBeNull();
      expect(lines).toContainEqual(expect.objectContaining({ level: "warn", device: NO_DEVICE }));
    } finally {
      tuning.stop();
    }
  },
);

test("the old names stop the start and name the new ones", () => {
  expect(() => loadConfig({ BACKGROUND_THREAD_NICE: "19" })).toThrow(
    /BACKGROUND_THREAD_NICE="19": renamed HOST_TUNING_HELPER_THREAD_NICE/,
  );
  expect(() => loadConfig({ CPU_DMA_LATENCY_US: "0" })).toThrow(
    /CPU_DMA_LATENCY_US="0": renamed HOST_TUNING_CPU_DMA_LATENCY_US/,
  );
  expect(loadConfig({ CPU_DMA_LATENCY_US: "" }).HOST_TUNING_CPU_DMA_LATENCY_US).toBeUndefined();
});
