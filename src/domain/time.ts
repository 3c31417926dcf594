// Clock helpers, defined once: the high-resolution wall clock every event time and latency is
// measured with, and how the API rounds durations.

/**
 * Wall-clock milliseconds since 1970 with sub-millisecond precision (performance.timeOrigin plus
 * the monotonic performance.now(); each thread has its own origin, within a fraction of a ms).
 * Event times (rxTs, pubTs) and latencies are measured with it.
 */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/** A duration in ms, rounded to the µs (audit and command timings). */
export const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;
