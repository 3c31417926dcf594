// The tradewire browser client: a session (login, token refresh), the REST calls, and the
// EventClient (one stream per origin, resumed by id, measured). No framework.
export { Session, type SessionOptions, type SessionState, type SessionStatus } from "./auth.ts";
export { EventClient, type ClientInfo, type ClientRole, type EventClientOptions, type Notice } from "./client.ts";
export type { DispatchMeta } from "./dispatch.ts";
export { type HistogramSnapshot, LogHistogram } from "./histogram.ts";
export { ApiRequestError, restApi, type Rest } from "./rest.ts";
export type * from "./rest.ts";
export { StreamStats, type LatencyReport, type StreamCounts } from "./stats.ts";
export type * from "./types.ts";
