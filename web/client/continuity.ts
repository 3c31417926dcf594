// Where this tab stands in the stream, across connections, tabs and resets: the cursor it resumes
// from, the head its connection opened at (events up to it are catch-up, not live), and the
// generation, bumped whenever continuity is lost (loaders run once per generation).
import { type Cursor, compareToCursor, formatId, parseId } from "./ids.ts";

/** How a connection began: `fresh` (no cursor yet), `resumed` from the cursor, or `lost` (a reset follows). */
export type Opening = "fresh" | "resumed" | "lost";

export class Continuity {
  private cursor: Cursor | null = null;
  private liveFrom: Cursor | null = null;
  private generation = 0;

  get gen(): number {
    return this.generation;
  }

  /** Where to continue from (null: start fresh with a snapshot). */
  get lastEventId(): string | null {
    return this.cursor ? formatId(this.cursor) : null;
  }

  /** A connection opened at `head`; `resumed` is the id the server continued from, if any. */
  connected(head: string, resumed: string | null | undefined): Opening {
    this.liveFrom = parseId(head);
    if (this.cursor === null) {
      this.cursor = parseId(head);
      this.generation++;
      return "fresh";
    }
    return resumed === formatId(this.cursor) ? "resumed" : "lost";
  }

  /**
   * Moves the cursor to an event: `old` when it was seen (a duplicate; the cursor stays), `new`,
   * or `epoch` when the numbering restarted (continuity lost: a new generation).
   */
  advance(id: Cursor): "new" | "old" | "epoch" {
    const rel = compareToCursor(id, this.cursor);
    if (rel === "old") return rel;
    this.cursor = id;
    if (rel === "epoch") this.generation++;
    return rel;
  }

  /** Whether an event was published before the connection opened (caught up, not live). */
  caughtUp(id: Cursor): boolean {
    const live = this.liveFrom;
    return live !== null && id.epoch === live.epoch && id.seq <= live.seq;
  }

  /** The stream went on to `head` with nothing for us: continue from there. */
  skipTo(head: string): void {
    const at = parseId(head);
    if (at && this.cursor && compareToCursor(at, this.cursor) === "new") this.cursor = at;
  }

  /** The stream could not continue: start again from `head` in a new generation. */
  reset(head: string): void {
    this.cursor = parseId(head);
    this.generation++;
  }

  /** A follower takes the leader's cursor when it has none yet. */
  adopt(lastEventId: string | null): void {
    if (this.cursor !== null || lastEventId === null) return;
    this.cursor = parseId(lastEventId);
    this.generation++;
  }

  /** Another user, or signed out: nothing to resume (the generation keeps counting). */
  forget(): void {
    this.cursor = null;
  }
}
