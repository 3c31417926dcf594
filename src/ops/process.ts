// Process figures for /metrics: memory, CPU time, and event-loop lag (the stream's enemy).
import type { Registry } from "./metrics.ts";

export function processMetrics(reg: Registry): () => void {
  const g = reg.gauge("tradewire_process_resident_bytes", "Resident set size");
  g.set({}, () => process.memoryUsage.rss());
  const heap = reg.gauge("tradewire_process_heap_bytes", "JS heap used");
  heap.set({}, () => process.memoryUsage().heapUsed);
  const cpu = reg.gauge("tradewire_process_cpu_seconds", "CPU time used, by mode");
  cpu.set({ mode: "user" }, () => process.cpuUsage().user / 1e6);
  cpu.set({ mode: "system" }, () => process.cpuUsage().system / 1e6);
  const lag = reg.histogram(
    "tradewire_event_loop_lag_seconds",
    "How late a 100 ms timer fires",
    [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  const observe = lag.bind({});
  let expected = performance.now() + 100;
  const timer = setInterval(() => {
    const now = performance.now();
    observe(Math.max(0, now - expected) / 1000);
    expected = now + 100;
  }, 100);
  timer.unref?.();
  return () => clearInterval(timer);
}
