// Updates reach Vue at most once per animation frame: stores queue what arrived and one frame
// callback applies it all, so a thousand events a second cost a few reactive writes per frame.

type Flush = () => void;

const queued = new Set<Flush>();
let scheduled = false;

const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
/** A hidden page gets no frames; its updates wait (bounded: stores keep the latest per key). */
const nextFrame: (cb: () => void) => void = raf ? (cb) => raf(cb) : (cb) => setTimeout(cb, 16);

function run(): void {
  scheduled = false;
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

/** Runs `flush` in the next frame (once, however often it is asked for before that). */
export function onNextFrame(flush: Flush): void {
  queued.add(flush);
  if (scheduled) return;
  scheduled = true;
  nextFrame(run);
}

/** Applies everything queued now (tests, and before reading state right after a load). */
export function flushFrames(): void {
  if (queued.size) run();
}
