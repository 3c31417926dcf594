// Event ids `<epoch>-<seq>`: where a client stands in the stream, and which ids come after it.

/** A position in the stream: the bus epoch and the last sequence seen in it. */
export interface Cursor {
  epoch: string;
  seq: number;
}

/** The server's id syntax (src/stream/resume.ts). */
export const EVENT_ID = /^[0-9a-z]{1,12}-[0-9]{1,15}$/;

export function parseId(id: string): Cursor | null {
  if (!EVENT_ID.test(id)) return null;
  const dash = id.indexOf("-");
  return { epoch: id.slice(0, dash), seq: Number(id.slice(dash + 1)) };
}

export function formatId(c: Cursor): string {
  return `${c.epoch}-${c.seq}`;
}

/**
 * How an id relates to the cursor: `new` (after it, same epoch), `old` (at or before it: a
 * duplicate), or `epoch` (another epoch: the numbering restarted and the cursor means nothing).
 */
export function compareToCursor(id: Cursor, cursor: Cursor | null): "new" | "old" | "epoch" {
  if (cursor === null) return "new";
  if (id.epoch !== cursor.epoch) return "epoch";
  return id.seq > cursor.seq ? "new" : "old";
}
