// Tells OKX WebSocket frames apart (OKX.md §3.3): pong, data push, login/subscribe answers,
// errors, notices and trade-op replies. Pure: text in, a tagged value out; never throws.

export type Obj = Record<string, unknown>;

export type Frame =
  | { kind: "pong" }
  | { kind: "push"; channel: string; arg: Obj; action: string | null; data: unknown[]; frame: Obj }
  | { kind: "login"; code: string; msg: string }
  | { kind: "error"; code: string; msg: string; id: string | null }
  | { kind: "subscribe" | "unsubscribe"; arg: Obj }
  /** inTime/outTime: when OKX's gateway received the request and sent the answer (µs since 1970, "" if absent). */
  | { kind: "op"; id: string; op: string; code: string; msg: string; data: unknown[]; inTime: string; outTime: string }
  | { kind: "notice"; code: string; msg: string }
  | { kind: "other"; event: string }
  | { kind: "malformed"; reason: string };

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/**
 * An OKX error message fit for logs: OKX echoes the raw request after "Invalid request: ", and
 * for a login that request holds the key, passphrase and signature. Cut at the first "{".
 */
export function safeMsg(msg: string): string {
  const i = msg.indexOf("{");
  return (i < 0 ? msg : `${msg.slice(0, i)}{…}`).slice(0, 200);
}

export function parseFrame(text: string): Frame {
  if (text === "pong") return { kind: "pong" };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { kind: "malformed", reason: "not JSON" };
  }
  if (!isObj(j)) return { kind: "malformed", reason: "not an object" };

  // A trade-op reply carries id + op + inTime; check it first, like okx-api does.
  if (typeof j.op === "string" && j.id !== undefined && j.event === undefined) {
    return {
      kind: "op",
      id: str(j.id),
      op: j.op,
      code: str(j.code),
      msg: str(j.msg),
      data: Array.isArray(j.data) ? j.data : [],
      inTime: str(j.inTime),
      outTime: str(j.outTime),
    };
  }
  if (typeof j.event === "string") {
    switch (j.event) {
      case "error":
        return { kind: "error", code: str(j.code), msg: str(j.msg), id: j.id === undefined ? null : str(j.id) };
      case "login":
        return { kind: "login", code: str(j.code), msg: str(j.msg) };
      case "subscribe":
      case "unsubscribe":
        return { kind: j.event, arg: isObj(j.arg) ? j.arg : {} };
      case "notice":
        return { kind: "notice", code: str(j.code), msg: str(j.msg) };
      default:
        return { kind: "other", event: j.event };
    }
  }
  if (isObj(j.arg) && Array.isArray(j.data)) {
    const channel = j.arg.channel;
    if (typeof channel !== "string") return { kind: "malformed", reason: "push without arg.channel" };
    return {
      kind: "push",
      channel,
      arg: j.arg,
      action: typeof j.action === "string" ? j.action : null,
      data: j.data,
      frame: j,
    };
  }
  return { kind: "malformed", reason: "unknown frame shape" };
}
