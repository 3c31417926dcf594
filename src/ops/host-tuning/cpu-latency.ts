// A PM QoS request (Linux /dev/cpu_dma_latency, opt-in with HOST_TUNING_CPU_DMA_LATENCY_US):
// while the file is held open with a value written to it, no core enters an idle state whose
// wake-up takes longer than that many µs. With 0 an idle core polls instead of halting, so a
// thread woken by a socket or by another thread runs at once rather than after the core (in a
// VM, the vCPU) has been woken up; idle cores then spin. Needs write access to the device.
// Closing the file, or the process ending, withdraws the request.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import type { Logger } from "../../log.ts";
import type { Registry } from "../metrics.ts";

export const CPU_DMA_LATENCY = "/dev/cpu_dma_latency";

export interface LatencyHold {
  /** The value requested (µs). */
  readonly us: number;
  /** Withdraws the request (idempotent). */
  release(): void;
}

/**
 * Holds `us` on the PM QoS device until release(); null when not asked for (undefined) or when
 * the device cannot be written (the reason is logged; the service runs on without it).
 */
export function holdCpuLatency(us: number | undefined, log: Logger, device = CPU_DMA_LATENCY): LatencyHold | null {
  if (us === undefined) return null;
  let fd: number;
  try {
    fd = openSync(device, "w");
  } catch (err) {
    log.warn("HOST_TUNING_CPU_DMA_LATENCY_US not applied: cannot open the PM QoS device", {
      device,
      error: (err as Error).message,
    });
    return null;
  }
  try {
    const v = new Uint8Array(4);
    new DataView(v.buffer).setInt32(0, us, true);
    writeSync(fd, v);
  } catch (err) {
    closeSync(fd);
    log.warn("HOST_TUNING_CPU_DMA_LATENCY_US not applied: the PM QoS device refused the value", {
      device,
      us,
      error: (err as Error).message,
    });
    return null;
  }
  log.info("holding the CPU wake-up latency limit", { device, us });
  let open = true;
  return {
    us,
    release() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

/** The limit in force now (the lowest of all requests; µs), or null when it cannot be read. */
export function currentCpuLatency(device = CPU_DMA_LATENCY): number | null {
  try {
    const fd = openSync(device, "r");
    try {
      const b = new Uint8Array(4);
      if (readSync(fd, b) !== 4) return null;
      return new DataView(b.buffer).getInt32(0, true);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/**
 * /metrics: the limit this process holds (when it holds one) and the one in force on the host,
 * read at each scrape (when the device can be read at all), so an operator can see that
 * HOST_TUNING_CPU_DMA_LATENCY_US took effect and whether something else asks for less.
 */
export function cpuLatencyMetrics(reg: Registry, hold: LatencyHold | null, device = CPU_DMA_LATENCY): void {
  const g = reg.gauge(
    "tradewire_cpu_wake_latency_limit_microseconds",
    "CPU wake-up latency limit (PM QoS, /dev/cpu_dma_latency): held by this process, in force on the host",
  );
  if (hold) g.set({ source: "held" }, hold.us);
  if (currentCpuLatency(device) !== null) g.set({ source: "in_force" }, () => currentCpuLatency(device) ?? Number.NaN);
}
