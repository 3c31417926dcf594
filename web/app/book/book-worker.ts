// The order book's drawing thread: the page hands it the canvas once (OffscreenCanvas) and then
// a frame per update; it draws there, so the page's main thread spends no layout, paint or text
// shaping on a book that changes ten times a second.
import { BookDrawer, type BookLook } from "./draw.ts";
import type { BookFrame } from "./frame.ts";
import type { LineRef } from "./geometry.ts";

export type ToBookWorker =
  | { canvas: OffscreenCanvas; look: BookLook }
  | { size: { width: number; height: number; dpr: number } }
  | { frame: BookFrame }
  | { hover: LineRef | null };

let drawer: BookDrawer | undefined;

self.onmessage = (e: MessageEvent<ToBookWorker>) => {
  const m = e.data;
  if ("canvas" in m) {
    const ctx = m.canvas.getContext("2d");
    if (ctx) drawer = new BookDrawer(ctx, m.look);
  } else if ("size" in m) drawer?.size(m.size.width, m.size.height, m.size.dpr);
  else if ("frame" in m) drawer?.frame(m.frame);
  else drawer?.hover(m.hover);
};
