// Engine stream entries to checked messages, or a reason to refuse them: pure functions, so that
// a malformed message is counted and dropped before anything acts on it.
import { z } from "zod";
import { checkChannel, EVENT_TYPE } from "../stream/channels.ts";
import {
  COMMAND_NAME,
  type ControlMessage,
  type EngineEvent,
  ERROR_CODE,
  engineMayNotPublish,
  ID,
  LIMITS,
  PROTOCOL_VERSION,
  type Rejected,
  STRATEGY_STATES,
} from "./protocol.ts";

const reject = (kind: Rejected["reject"], reason: string, engineId?: string): Rejected =>
  engineId === undefined ? { reject: kind, reason } : { reject: kind, reason, engineId };

export const isRejected = (x: object): x is Rejected => "reject" in x;

/** Bytes of a string as UTF-8, without encoding it when the answer is clear from its length. */
function overBytes(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s, "utf8") > max;
}

/**
 * An entry of `engine:events` (flat fields: engineId, type, channel, data, ts?, v?) to an event
 * for the bus: `data` must be a JSON object; `src: "engine"` and the engineId are added to it.
 * @example parseEvent(["engineId","e1","type","fill","channel","fills","data","{\"px\":\"1\"}"], 65536)
 */
export function parseEvent(fields: readonly string[], maxBytes: number): EngineEvent | Rejected {
  let engineId: string | undefined;
  let type: string | undefined;
  let channel: string | undefined;
  let data: string | undefined;
  let ts: string | undefined;
  let v: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const k = fields[i];
    const val = fields[i + 1]!;
    if (k === "engineId") engineId = val;
    else if (k === "type") type = val;
    else if (k === "channel") channel = val;
    else if (k === "data") data = val;
    else if (k === "ts") ts = val;
    else if (k === "v") v = val;
  }
  if (engineId === undefined || !ID.test(engineId)) return reject("bad_field", "engineId: missing or not an id");
  if (v !== undefined && v !== String(PROTOCOL_VERSION)) return reject("bad_version", `v=${v.slice(0, 16)}`, engineId);
  if (type === undefined || !EVENT_TYPE.test(type))
    return reject("bad_field", "type: missing or not ^[a-z][a-z0-9_]{0,31}$", engineId);
  if (channel === undefined) return reject("bad_field", "channel: missing", engineId);
  const bad = channel.length > 100 ? "channel too long" : checkChannel(channel);
  const notAllowed = engineMayNotPublish(type, channel);
  if (notAllowed?.field === "type") return reject("not_allowed", notAllowed.reason, engineId);
  if (bad) return reject("bad_channel", bad, engineId);
  if (notAllowed) return reject("not_allowed", notAllowed.reason, engineId);
  if (data === undefined) return reject("bad_field", "data: missing", engineId);
  if (overBytes(data, maxBytes)) return reject("too_large", `data over ${maxBytes} bytes`, engineId);
  let obj: unknown;
  try {
    obj = JSON.parse(data);
  } catch {
    return reject("not_json", "data is not JSON", engineId);
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj))
    return reject("bad_field", "data: not a JSON object", engineId);
  if (Object.hasOwn(obj, "src") || Object.hasOwn(obj, "engineId"))
    return reject("bad_field", "data: src and engineId are set by tradewire", engineId);
  let exTs: number | undefined;
  if (ts !== undefined) {
    exTs = Number(ts);
    if (ts === "" || !Number.isFinite(exTs) || exTs < 0) return reject("bad_field", "ts: not a time in ms", engineId);
  }
  const mark = `"src":"engine","engineId":"${engineId}"`;
  let dataJson: string;
  if (data.includes("\n") || data.includes("\r")) {
    // pretty-printed JSON would break the SSE frame's single data line: encode it again
    const j = JSON.stringify(obj);
    dataJson = j === "{}" ? `{${mark}}` : `${j.slice(0, -1)},${mark}}`;
  } else {
    let empty = true;
    for (const _ in obj) {
      empty = false;
      break;
    }
    dataJson = empty ? `{${mark}}` : `${data.slice(0, data.lastIndexOf("}"))},${mark}}`;
  }
  return exTs === undefined ? { engineId, type, channel, dataJson } : { engineId, type, channel, dataJson, ts: exTs };
}

const id = z.string().regex(ID, "an id (letters, digits, _ . -; at most 64)");
const time = z.number().finite().nonnegative();
const obj = z.record(z.string(), z.unknown());
const strategy = z.object({
  id,
  name: z.string().max(100),
  instruments: z.array(z.string().max(64)).max(100),
  params: obj,
  state: z.enum(STRATEGY_STATES),
  reason: z.string().max(1000).nullable().default(null),
  paramsSchema: obj.optional(),
  stats: obj.optional(),
});
const presence = {
  engineId: id,
  instance: z.string().min(1).max(128),
  heartbeatMs: z.number().int().min(100).max(60_000).default(1000),
  strategies: z.array(strategy).max(LIMITS.strategiesPerEngine).default([]),
  ts: time.optional(),
};
const commandId = z.uuid();
const Control = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    ...presence,
    commands: z.array(z.string().regex(COMMAND_NAME)).max(1000).optional(),
    info: obj.optional().refine((i) => i === undefined || JSON.stringify(i).length <= 4096, "over 4 KiB"),
  }),
  z.object({ type: z.literal("heartbeat"), ...presence, seq: z.number().int().nonnegative().optional() }),
  z.object({ type: z.literal("accepted"), engineId: id, id: commandId, ts: time.optional() }),
  z.object({
    type: z.literal("result"),
    engineId: id,
    id: commandId,
    status: z.enum(["done", "failed"]),
    result: obj.default({}).refine((r) => JSON.stringify(r).length <= LIMITS.resultBytes, "over 64 KiB"),
    error: z.object({ code: z.string().regex(ERROR_CODE), message: z.string().max(1000) }).optional(),
    ts: time.optional(),
  }),
  z.object({
    type: z.literal("bye"),
    engineId: id,
    instance: z.string().min(1).max(128),
    reason: z.string().max(1000).optional(),
    ts: time.optional(),
  }),
]);
const CONTROL_TYPES = new Set(["hello", "heartbeat", "accepted", "result", "bye"]);

/**
 * An entry of `engine:control` (one field `m`, a JSON object with v and type) to a message.
 * @example parseControl(["m", '{"v":1,"type":"bye","engineId":"e1","instance":"a"}'])
 */
export function parseControl(fields: readonly string[]): ControlMessage | Rejected {
  let m: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "m") m = fields[i + 1];
  if (m === undefined) return reject("bad_field", "m: missing");
  if (overBytes(m, LIMITS.controlBytes)) return reject("too_large", `m over ${LIMITS.controlBytes} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(m);
  } catch {
    return reject("not_json", "m is not JSON");
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return reject("bad_field", "m: not a JSON object");
  const r = raw as Record<string, unknown>;
  const engineId = typeof r.engineId === "string" && ID.test(r.engineId) ? r.engineId : undefined;
  if (r.v !== PROTOCOL_VERSION) return reject("bad_version", `v=${JSON.stringify(r.v)?.slice(0, 16)}`, engineId);
  if (typeof r.type !== "string" || !CONTROL_TYPES.has(r.type))
    return reject("unknown_type", `type ${JSON.stringify(r.type)?.slice(0, 40)}`, engineId);
  const parsed = Control.safeParse(r);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return reject(
      "bad_field",
      `${r.type}: ${i ? `${i.path.join(".") || "message"}: ${i.message}` : "invalid"}`,
      engineId,
    );
  }
  return parsed.data as ControlMessage;
}
