// Who draws a book canvas: a Worker of its own when the browser can hand a canvas to one
// (OffscreenCanvas), else the page's main thread with the same drawing code. The page calls it
// the same way in both cases: the look once, the size when the canvas is resized, a frame per
// update, the line under the pointer.

import type { ToBookWorker } from "./book-worker.ts";
import { BookDrawer, type BookLook } from "./draw.ts";
import type { BookFrame } from "./frame.ts";
import type { LineRef } from "./geometry.ts";

export interface BookPainter {
  size(width: number, height: number, dpr: number): void;
  frame(f: BookFrame): void;
  hover(h: LineRef | null): void;
  dispose(): void;
}

function inWorker(canvas: HTMLCanvasElement, look: BookLook): BookPainter {
  const worker = new Worker(new URL("./book-worker.ts", import.meta.url), { type: "module", name: "order-book" });
  const off = canvas.transferControlToOffscreen();
  const post = (m: ToBookWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  post({ canvas: off, look }, [off]);
  return {
    size: (width, height, dpr) => post({ size: { width, height, dpr } }),
    frame: (frame) => post({ frame }),
    hover: (hover) => post({ hover }),
    dispose: () => worker.terminate(),
  };
}

function onMain(canvas: HTMLCanvasElement, look: BookLook): BookPainter {
  const ctx = canvas.getContext("2d");
  if (!ctx) return { size() {}, frame() {}, hover() {}, dispose() {} };
  return new BookDrawer(ctx, look);
}

export function bookPainter(canvas: HTMLCanvasElement, look: BookLook): BookPainter {
  const offscreen = typeof canvas.transferControlToOffscreen === "function" && typeof Worker === "function";
  return offscreen ? inWorker(canvas, look) : onMain(canvas, look);
}

/** The look from the page's CSS (custom properties on :root, the font of `el`). */
export function readLook(el: Element): BookLook {
  const root = getComputedStyle(document.documentElement);
  const own = getComputedStyle(el);
  const v = (name: string, fallback: string) => root.getPropertyValue(name).trim() || fallback;
  return {
    font: `${own.fontSize} ${own.fontFamily}`,
    smallFont: `11px ${own.fontFamily}`,
    text: v("--text", "#d7dde5"),
    muted: v("--muted", "#7d8896"),
    up: v("--up", "#26a69a"),
    down: v("--down", "#ef5350"),
    line: v("--line", "#242c37"),
    hover: v("--hover", "#1a2029"),
    mine: v("--accent", "#4f8cff"),
  };
}
