// Updates reach Vue at most once per animation frame, and at most every `frameGapMs` (default
// 100 ms: ten updates a second, the exchange's own ticker rate): stores queue what arrived and
// one frame callback applies it all, so a thousand events a second cost a few reactive writes
// per update, and the page renders ten times a second instead of sixty (a frame's style, layout
// and paint cost the same whether one price changed or fifty).

type Flush = () => void;

const queued = new Set<Flush>();
let scheduled = false;
let lastRun = 0;
let gapMs = 100;

const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
/** A hidden page gets no frames; its updates wait (bounded: stores keep the latest per key). */
const nextFrame: (cb: () => void) => void = raf ? (cb) => raf(cb) : (cb) => setTimeout(cb, 16);

/** The least time between two updates of the page (0: every animation frame). */
export function setFrameGap(ms: number): void {
  gapMs = Math.max(0, ms);
}

function run(): void {
  scheduled = false;
  lastRun = performance.now();
  const fns = [...queued];
  queued.clear();
  for (const f of fns) {
    try {
      f();
    } catch (err) {
      console.error("tradewire: a store update failed", err);
    }
  }
}

/** Runs `flush` in the next update (once, however often it is asked for before that). */
export function onNextFrame(flush: Flush): void {
  queued.add(flush);
  if (scheduled) return;
  scheduled = true;
  const wait = lastRun + gapMs - performance.now();
  if (wait > 1) setTimeout(() => nextFrame(run), wait);
  else nextFrame(run);
}

/** Applies everything queued now (tests, and before reading state right after a load). */
export function flushFrames(): void {
  if (queued.size) run();
}
