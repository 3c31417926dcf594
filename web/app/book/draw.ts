// Draws a BookFrame onto a 2D canvas, laid out as the book's header table is: three equal
// columns (price, size, total) with right-aligned figures, the depth bar behind the total, a mark
// where the user's own orders rest, the spread in a row of its own between asks and bids. The same code runs in the drawing Worker
// (OffscreenCanvas) and, where a canvas cannot be handed to one, on the page's main thread.
import type { BookFrame, BookLine } from "./frame.ts";
import { bookHeight, type LineRef, lineTop, ROW_PX, SPREAD_PX } from "./geometry.ts";

const PAD_PX = 6;

export type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Colours and font, read from the page's CSS so the canvas matches the tables around it. */
export interface BookLook {
  font: string;
  smallFont: string;
  text: string;
  muted: string;
  up: string;
  down: string;
  line: string;
  hover: string;
  /** The mark of a line where the user's own orders rest. */
  mine: string;
}

function line(ctx: Ctx2D, l: BookLine | null, top: number, width: number, colour: string, look: BookLook): void {
  if (!l) return;
  const col = width / 3;
  const bar = l.depth * col;
  ctx.globalAlpha = 0.18;
  ctx.fillStyle = colour;
  ctx.fillRect(width - bar, top + 1, bar, ROW_PX - 2);
  ctx.globalAlpha = 1;
  const mid = top + ROW_PX / 2;
  if (l.mine) {
    // The user's own orders rest here: a mark at the line's start.
    ctx.fillStyle = look.mine;
    ctx.fillRect(0, top + 3, 3, ROW_PX - 6);
    ctx.fillStyle = colour;
  }
  ctx.fillText(l.px, col - PAD_PX, mid);
  ctx.fillStyle = look.text;
  ctx.fillText(l.sz, 2 * col - PAD_PX, mid);
  ctx.fillText(l.total, width - PAD_PX, mid);
}

/**
 * Draws the whole book; `width` is in CSS pixels (the context is scaled to device pixels),
 * `hover` the line under the pointer, if any.
 */
export function drawBook(ctx: Ctx2D, width: number, f: BookFrame, look: BookLook, hover: LineRef | null): void {
  const depth = f.asks.length;
  ctx.clearRect(0, 0, width, bookHeight(depth));
  if (hover && (hover.side === "ask" ? f.asks : f.bids)[hover.i]) {
    ctx.fillStyle = look.hover;
    ctx.fillRect(0, lineTop(hover.side, hover.i, depth), width, ROW_PX);
  }
  ctx.font = look.font;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const [i, l] of f.asks.entries()) line(ctx, l, lineTop("ask", i, depth), width, look.down, look);
  for (const [i, l] of f.bids.entries()) line(ctx, l, lineTop("bid", i, depth), width, look.up, look);

  // The spread: "spread 0.1" and, smaller, " (0.02 bp)", centred between two rules.
  const top = depth * ROW_PX;
  ctx.fillStyle = look.line;
  ctx.fillRect(0, top, width, 1);
  ctx.fillRect(0, top + SPREAD_PX - 1, width, 1);
  const head = `spread ${f.spread}`;
  const headW = ctx.measureText(head).width;
  ctx.font = look.smallFont;
  const tailW = f.bp ? ctx.measureText(f.bp).width : 0;
  const left = (width - headW - tailW) / 2;
  const mid = top + SPREAD_PX / 2;
  ctx.textAlign = "left";
  ctx.fillStyle = look.muted;
  if (f.bp) ctx.fillText(f.bp, left + headW, mid);
  ctx.font = look.font;
  ctx.fillText(head, left, mid);
}

/**
 * A book canvas's state: its size, the last frame and the hovered line; any change redraws it.
 * The drawing Worker keeps one, and so does the page where it draws the book itself.
 */
export class BookDrawer {
  private width = 0;
  private last: BookFrame | undefined;
  private hovered: LineRef | null = null;

  constructor(
    private readonly ctx: Ctx2D,
    private readonly look: BookLook,
  ) {}

  /** `width` and `height` in CSS pixels, `dpr` device pixels per CSS pixel. */
  size(width: number, height: number, dpr: number): void {
    this.ctx.canvas.width = Math.round(width * dpr);
    this.ctx.canvas.height = Math.round(height * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.width = width;
    this.draw();
  }

  frame(f: BookFrame): void {
    this.last = f;
    this.draw();
  }

  hover(h: LineRef | null): void {
    this.hovered = h;
    this.draw();
  }

  /** Nothing to release: the canvas goes with its element. */
  dispose(): void {}

  private draw(): void {
    if (this.last && this.width > 0) drawBook(this.ctx, this.width, this.last, this.look, this.hovered);
  }
}
