// Durations as the API reports them.

/** A duration in ms, rounded to the µs (audit and command timings). */
export const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;
