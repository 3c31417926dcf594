// Everything a client sends on a WebSocket: text ping, login, subscribe/unsubscribe and trade ops,
// answered in the frame shapes that okx-api, ccxt and python-okx tell apart (OKX.md §3.3).
import { PRIVATE_CHANNELS, type WsChannelArg } from "../../okx/types.ts";
import { verifyLogin } from "../auth.ts";
import type { SimContext } from "../context.ts";
import { msg } from "../errors.ts";
import { MAX_BATCH, micros, type TradeKind } from "../trade.ts";
import { type ChannelSpec, classify, isChannelError } from "./channels.ts";
import { privateKey } from "./private.ts";
import type { Session, Sub } from "./session.ts";

const OPS: Record<string, { kind: TradeKind; batch: boolean } | undefined> = {
  order: { kind: "place", batch: false },
  "batch-orders": { kind: "place", batch: true },
  "cancel-order": { kind: "cancel", batch: false },
  "batch-cancel-orders": { kind: "cancel", batch: true },
  "amend-order": { kind: "amend", batch: false },
  "batch-amend-orders": { kind: "amend", batch: true },
};

/** login + subscribe + unsubscribe per connection per hour (OKX.md §8). */
const REQUESTS_PER_HOUR = 480;

interface Req {
  id?: string;
  op: string;
  args?: unknown;
  expTime?: unknown;
}

export function handleText(s: Session, text: string, ctx: SimContext): void {
  s.lastTraffic = Date.now();
  if (text === "ping") return s.sendControl("pong");
  let req: Req;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as Req).op !== "string")
      throw new Error("no op");
    req = parsed as Req;
  } catch {
    return error(s, undefined, "60012", text);
  }
  const id = req.id === undefined || req.id === null ? undefined : String(req.id);
  if (req.op === "login" || req.op === "subscribe" || req.op === "unsubscribe") {
    const now = Date.now();
    s.requests = s.requests.filter((t) => t > now - 3_600_000);
    if (s.requests.length >= REQUESTS_PER_HOUR) return error(s, id, "60014");
    s.requests.push(now);
  }
  if (req.op === "login") return login(s, id, req, ctx);
  if (req.op === "subscribe" || req.op === "unsubscribe") return subscribe(s, id, req, text, ctx);
  if (OPS[req.op] || req.op === "mass-cancel") return tradeOp(s, id ?? "", req, ctx);
  error(s, id, "60019", req.op);
}

function error(s: Session, id: string | undefined, code: string, ...args: string[]): void {
  s.sendControl(
    JSON.stringify({
      ...(id !== undefined ? { id } : {}),
      event: "error",
      code,
      msg: msg(code, ...args),
      connId: s.connId,
    }),
  );
}

function login(s: Session, id: string | undefined, req: Req, ctx: SimContext): void {
  if (ctx.faults.loginsRefused) return error(s, id, "60009");
  if (s.loggedIn) return error(s, id, "60010");
  const args = Array.isArray(req.args) ? req.args : [];
  if (args.length === 0) return error(s, id, "60013");
  const codes = args.map((a) =>
    verifyLogin(a, ctx.opts.credentials, { nowMs: Date.now(), maxSkewMs: ctx.opts.maxClockSkewMs }),
  );
  const bad = codes.find((c) => c !== "0");
  if (bad && codes.some((c) => c === "0") && args.length > 1) return error(s, id, "60022");
  if (bad) return error(s, id, bad);
  s.loggedIn = true;
  s.sendControl(
    JSON.stringify({ ...(id !== undefined ? { id } : {}), event: "login", code: "0", msg: "", connId: s.connId }),
  );
}

function subscribe(s: Session, id: string | undefined, req: Req, raw: string, ctx: SimContext): void {
  const args = req.args;
  if (
    !Array.isArray(args) ||
    args.length === 0 ||
    args.some((a) => typeof a !== "object" || a === null || typeof (a as WsChannelArg).channel !== "string")
  ) {
    return error(s, id, "60012", raw);
  }
  if (raw.length > 64 * 1024) return error(s, id, "60012", raw.slice(0, 200));
  const now = Date.now();
  for (const arg of args as WsChannelArg[]) {
    const spec = classify(arg, s.kind, s.loggedIn, ctx.opts.lenientWsPaths, ctx.instruments);
    if (isChannelError(spec)) {
      error(s, id, spec.code, ...spec.args);
      continue;
    }
    const isPrivate = spec.cls === "private";
    const key = isPrivate ? privateKey(spec.channel, arg) : spec.key;
    const reply = JSON.stringify({ ...(id !== undefined ? { id } : {}), event: req.op, arg, connId: s.connId });
    if (req.op === "unsubscribe") {
      ctx.hub.unsubscribe(s, key);
      s.sendControl(reply);
      continue;
    }
    const sub: Sub = { session: s, arg, argJson: JSON.stringify(isPrivate ? { ...arg, uid: ctx.opts.uid } : arg) };
    ctx.hub.subscribe(key, sub);
    s.sendControl(reply);
    afterSubscribe(s, sub, spec, ctx, now);
  }
}

function afterSubscribe(s: Session, sub: Sub, spec: ChannelSpec, ctx: SimContext, now: number): void {
  if (spec.cls !== "private") return ctx.feed.onSubscribe(sub, spec, now);
  if ((PRIVATE_CHANNELS as readonly string[]).includes(spec.channel)) {
    let conns = 0;
    for (const other of ctx.hub.sessions)
      if ([...other.subs.values()].some((x) => x.arg.channel === spec.channel)) conns++;
    s.sendControl(
      JSON.stringify({
        event: "channel-conn-count",
        channel: spec.channel,
        connCount: String(conns),
        connId: s.connId,
      }),
    );
  }
  ctx.privateFeed.onSubscribe(sub, spec.channel, now);
}

function tradeOp(s: Session, id: string, req: Req, ctx: SimContext): void {
  const inTime = micros();
  const reply = (code: string, m: string, data: unknown[]) =>
    s.sendControl(JSON.stringify({ id, op: req.op, code, msg: m, data, inTime, outTime: micros() }));
  if (!s.loggedIn) return reply("60011", msg("60011"), []);
  if (s.kind !== "private" && !ctx.opts.lenientWsPaths && !(req.op === "mass-cancel" && s.kind === "business"))
    return reply("60019", msg("60019", req.op), []);
  const args = req.args;
  if (!Array.isArray(args) || args.length === 0) return reply("60013", msg("60013"), []);
  if (req.op === "mass-cancel") return reply("0", "", [{ result: true }]);
  const spec = OPS[req.op]!;
  if ((!spec.batch && args.length > 1) || args.length > MAX_BATCH) return reply("60013", msg("60013"), []);
  const exp = Number(req.expTime);
  if (req.expTime !== undefined && req.expTime !== "" && Number.isFinite(exp) && exp < Date.now()) {
    return reply(
      "1",
      msg("1"),
      args.map(() => ({ ordId: "", clOrdId: "", ts: String(Date.now()), sCode: "50004", sMsg: "Request expired" })),
    );
  }
  const out = ctx.trade.run(spec.kind, args, spec.batch, Date.now());
  reply(out.code, "", out.data);
}
