// The ways a stream client is connected; hub, clients and metrics all name them.
export type Transport = "sse" | "ws" | "poll";
