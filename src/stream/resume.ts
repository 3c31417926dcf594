// Where a reconnecting client continues: an event id `<epoch>-<seq>` resolved against the window.

export const EVENT_ID = /^[0-9a-z]{1,12}-[0-9]{1,15}$/;

export type ResetReason = "malformed" | "epoch" | "outside_window";
/** `resumed`: the client continues from an id of ours (no snapshot needed). */
export type Resume = { seq: number; resumed: boolean; reset?: ResetReason };

/** What resuming needs to know of the bus reader (the hub and the reader both answer it). */
export interface ResumeWindow {
  readonly epoch: string;
  /** The head, after taking in what was published. */
  head(): number;
  /** The oldest sequence a client can resume after. */
  windowStart(): number;
}

/**
 * The cursor for a client that last saw `id`: that sequence when it is still in the window,
 * otherwise the head with the reason the client must reset.
 */
export function resolveResume(window: ResumeWindow, id: string | undefined): Resume {
  const head = window.head();
  if (id === undefined) return { seq: head, resumed: false };
  if (!EVENT_ID.test(id)) return { seq: head, resumed: false, reset: "malformed" };
  const dash = id.indexOf("-");
  if (id.slice(0, dash) !== window.epoch) return { seq: head, resumed: false, reset: "epoch" };
  const seq = Number(id.slice(dash + 1));
  if (seq > head || seq < window.windowStart()) return { seq: head, resumed: false, reset: "outside_window" };
  return { seq, resumed: true };
}
