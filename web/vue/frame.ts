// Updates reach Vue at most once per animation frame, and at most every `frameGapMs` (default
// 100 ms: ten updates a second, the exchange's own ticker rate): stores queue what arrived and
// one flush applies it all, so a thousand events a second cost a few reactive writes per
// update, and the page renders ten times a second instead of sixty (a frame's style, layout
// and paint cost the same whether one price changed or fifty).
//
// With a gap of a frame or more, the flush runs in a task of its own, before the frame that
// renders it, not inside it: the frame's rendering and the flush's script are two shorter
// tasks, so events that arrive meanwhile wait for one of them, not for both; and what the
// flush asks for in the next animation frame (a chart's redraw) is drawn in that same frame.
// With a shorter gap it runs in the animation frame itself.
//
// A flush may ask for a longer gap of its own (a list of fifty instruments needs no ten
// repaints a second): it then runs in every second or third update, never in one of its own,
// so it adds no frame.

type Flush = () => void;

/** Each queued flush with the least gap it asked for (0: every update). */
const queued = new Map<Flush, number>();
/** When flushes with a gap of their own last ran. */
const ranAt = new WeakMap<Flush, number>();
let scheduled = false;
let lastRun = 0;
let gapMs = 100;
/** Gaps at least this long flush from a timer (one frame at 60 Hz). */
const FRAME_MS = 17;

const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
/**
 * A hidden page gets no frames: with a short gap its updates wait (bounded: stores keep the
 * latest per key); with a longer one the browser slows its timers (about once a second).
 */
const nextFrame: (cb: () => void) => void = raf ? (cb) => raf(cb) : (cb) => setTimeout(cb, 16);

/** The least time between two updates of the page (0: every animation frame). */
export function setFrameGap(ms: number): void {
  gapMs = Math.max(0, ms);
}

/** A flush with a gap of its own is due when the update nearest to that gap has come. */
function due(f: Flush, ownGap: number, now: number): boolean {
  if (ownGap <= gapMs) return true;
  const last = ranAt.get(f);
  return last === undefined || now - last >= ownGap - Math.max(gapMs, FRAME_MS) / 2;
}

function run(): void {
  scheduled = false;
  const now = performance.now();
  lastRun = now;
  // Store flushes first, then the views that read what they wrote.
  const fns: Flush[] = [];
  const later: Flush[] = [];
  for (const [f, ownGap] of queued) {
    if (!due(f, ownGap, now)) continue;
    queued.delete(f);
    if (ownGap > 0) {
      ranAt.set(f, now);
      later.push(f);
    } else fns.push(f);
  }
  call(fns.concat(later));
  if (queued.size) schedule();
}

function call(fns: Flush[]): void {
  for (const f of fns) {
    try {
      f();
    } catch (err) {
      console.error("tradewire: a store update failed", err);
    }
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  const wait = lastRun + gapMs - performance.now();
  if (gapMs >= FRAME_MS) setTimeout(run, Math.max(0, wait));
  else if (wait > 1) setTimeout(() => nextFrame(run), wait);
  else nextFrame(run);
}

/**
 * Runs `flush` in the next update (once, however often it is asked for before that); with
 * `ownGapMs`, in the first update at least about that long after its last run.
 */
export function onNextFrame(flush: Flush, ownGapMs = 0): void {
  if (!queued.has(flush) || ownGapMs < queued.get(flush)!) queued.set(flush, ownGapMs);
  schedule();
}

/** Applies everything queued now (tests, and before reading state right after a load). */
export function flushFrames(): void {
  if (!queued.size) return;
  const fns = [...queued.keys()];
  queued.clear();
  call(fns);
}
