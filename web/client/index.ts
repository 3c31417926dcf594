// The tradewire browser client: a session (login, token refresh), the REST calls, and the
// EventClient (one stream per origin, resumed by id, measured). No framework.

export { closingOrder } from "../../src/domain/positions.ts";
export { strategyOfOrder } from "../../src/domain/strategy-orders.ts";
export { Session, type SessionOptions, type SessionState, type SessionStatus } from "./auth.ts";
export { type ClientInfo, type ClientRole, EventClient, type EventClientOptions, type Notice } from "./client.ts";
export type { DispatchMeta } from "./dispatch.ts";
export { type HistogramSnapshot, LogHistogram } from "./histogram.ts";
export { ApiRequestError, type ErrorDetail, errorText } from "./http.ts";
export type * from "./rest.ts";
export { restApi } from "./rest.ts";
export { type LatencyReport, type StreamCounts, StreamStats } from "./stats.ts";
export type * from "./types.ts";
