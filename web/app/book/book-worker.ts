// The order book's drawing thread: the page hands it the canvas once (OffscreenCanvas) and then
// a frame per update; it draws there, so the page's main thread spends no layout, paint or text
// shaping on a book that changes ten times a second.
import { type BookLook, type Ctx2D, drawBook } from "./draw.ts";
import type { BookFrame } from "./frame.ts";

export type ToBookWorker =
  | { canvas: OffscreenCanvas; look: BookLook }
  | { size: { width: number; height: number; dpr: number } }
  | { frame: BookFrame }
  | { hover: { side: "ask" | "bid"; i: number } | null };

let ctx: Ctx2D | null = null;
let look: BookLook | undefined;
let width = 0;
let frame: BookFrame | undefined;
let hover: { side: "ask" | "bid"; i: number } | null = null;

self.onmessage = (e: MessageEvent<ToBookWorker>) => {
  const m = e.data;
  if ("canvas" in m) {
    ctx = m.canvas.getContext("2d");
    look = m.look;
  } else if ("size" in m && ctx) {
    const { canvas } = ctx;
    canvas.width = Math.round(m.size.width * m.size.dpr);
    canvas.height = Math.round(m.size.height * m.size.dpr);
    ctx.setTransform(m.size.dpr, 0, 0, m.size.dpr, 0, 0);
    width = m.size.width;
  } else if ("frame" in m) frame = m.frame;
  else if ("hover" in m) hover = m.hover;
  if (ctx && look && frame && width > 0) drawBook(ctx, width, frame, look, hover);
};
