// What the bench needs to know about a server under test: where it is and how to talk to it.

export type Transport = "sse" | "ws" | "poll";
export const TRANSPORTS: readonly Transport[] = ["sse", "ws", "poll"];

export type Endpoint = {
  /** "tradewire", "python" (the original design) or "nchan". */
  name: string;
  host: string;
  port: number;
  /** Root pid of the server's process tree (CPU and RSS), null for --url without --pid. */
  pid: number | null;
  transports: readonly Transport[];
  /** Headers sent on every request (Authorization). */
  headers: Record<string, string>;
  sse: { path: string; headers: Record<string, string> };
  ws?: { path: string; subscribe: string };
  poll?: { path(after: string | null): string };
  publish: { path: string; wrap(data: string): string };
  /** Anything worth keeping in the JSON (versions, event loop kind). */
  info: Record<string, unknown>;
};

/** A server the bench started (or found) and must stop afterwards. */
export type Server = {
  endpoint: Endpoint;
  stop(): Promise<void>;
  /** Server-side counters worth reporting after a run (drops, subscribers), when it has any. */
  stats?(): Promise<Record<string, unknown>>;
};
