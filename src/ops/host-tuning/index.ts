// Opt-in tuning of the host for latency, off by default: what only the process itself can do
// (per-thread priorities, a PM QoS request it holds while it runs). Everything a launcher can
// set (runtime variables, Nice=, CPUAffinity=) is in package.json, the Dockerfile and
// deploy/tradewire.service instead. README "Tuning a host for latency" says what each buys.
import type { Config } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { Registry } from "../metrics.ts";
import { cpuLatencyMetrics, holdCpuLatency } from "./cpu-latency.ts";
import { lowerHelperThreads } from "./threads.ts";

export interface HostTuning {
  /** Runtime helper threads set to HOST_TUNING_HELPER_THREAD_NICE so far (0 when off). */
  helperThreads(): number;
  /** The wake-up latency limit held (µs), or null when none is. */
  cpuLatencyUs(): number | null;
  /** Stops the helper-thread scan and withdraws the PM QoS request. */
  stop(): void;
}

type HostTuningConfig = Pick<Config, "HOST_TUNING_HELPER_THREAD_NICE" | "HOST_TUNING_CPU_DMA_LATENCY_US">;

/**
 * Applies what the configuration asks for (nothing by default) and puts the wake-up latency
 * limit in /metrics (`tradewire_cpu_wake_latency_limit_microseconds`).
 * @example const tuning = startHostTuning(config, log, registry); ... tuning.stop();
 */
export function startHostTuning(
  config: HostTuningConfig,
  log: Logger,
  registry: Registry,
  cpuDmaLatencyDevice?: string,
): HostTuning {
  const helpers = lowerHelperThreads(config.HOST_TUNING_HELPER_THREAD_NICE, log);
  const hold = holdCpuLatency(config.HOST_TUNING_CPU_DMA_LATENCY_US, log, cpuDmaLatencyDevice);
  cpuLatencyMetrics(registry, hold, cpuDmaLatencyDevice);
  return {
    helperThreads: () => helpers.lowered(),
    cpuLatencyUs: () => hold?.us ?? null,
    stop() {
      helpers.stop();
      hold?.release();
    },
  };
}
