// What the EventClient tells its page about the connection: its status (ClientInfo) and resync
// notices, and how a link's state and the resyncs under way make that status.
import type { LinkState } from "./link.ts";
import type { StreamError, StreamStatus, TransportName } from "./types.ts";

export type ClientRole = "leader" | "follower" | "direct";

export interface ClientInfo {
  status: StreamStatus;
  /** leader/follower: sharing with other tabs; direct: this tab's own connection. */
  role: ClientRole;
  transport: TransportName;
  lastEventId: string | null;
  /** Channels the connection carries now. */
  channels: string[];
  error: StreamError | null;
  /** When the next attempt starts (local ms), while waiting to reconnect. */
  retryAt: number | null;
}

export type Notice = { kind: "resync"; reason: string } | { kind: "resynced"; reason: string };

export function initialInfo(): ClientInfo {
  return {
    status: "connecting",
    role: "direct",
    transport: "sse",
    lastEventId: null,
    channels: [],
    error: null,
    retryAt: null,
  };
}

/** The status a link's state shows: offline once two attempts in a row failed. */
export function linkStatus(s: LinkState): StreamStatus {
  if (s.phase === "open") return "live";
  return s.phase === "offline" || s.phase === "stopped" || s.failures >= 2 ? "offline" : "connecting";
}

/**
 * The info after a change, with the cursor's `lastEventId`; `changed` is false when every field
 * is as it was. Resyncing overlays a live connection while snapshots load.
 */
export function nextInfo(
  info: ClientInfo,
  p: Partial<ClientInfo>,
  lastEventId: string | null,
  resyncs: number,
): { next: ClientInfo; changed: boolean } {
  const next = { ...info, ...p, lastEventId };
  if (next.status === "live" && resyncs > 0) next.status = "resyncing";
  if (next.status === "resyncing" && resyncs === 0) next.status = "live";
  const changed = (Object.keys(next) as Array<keyof ClientInfo>).some((k) => next[k] !== info[k]);
  return { next, changed };
}

/** The callbacks for one kind of news; one may remove itself (or another) while it runs. */
export class Listeners<T> {
  private readonly fns = new Set<(v: T) => void>();

  /** Returns the removal. */
  add(fn: (v: T) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }

  emit(v: T): void {
    for (const fn of [...this.fns]) fn(v);
  }
}
