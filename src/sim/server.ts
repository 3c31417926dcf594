// The one listening port: /api/v5/* REST, /ws/v5/{public,private,business} WebSocket upgrades
// (query string ignored) and /sim/* admin, on Bun.serve.
import type { Server } from "bun";
import type { WsKind } from "../okx/types.ts";
import { handleAdmin } from "./admin.ts";
import type { SimContext } from "./context.ts";
import { msg } from "./errors.ts";
import { handleRest } from "./rest/router.ts";
import { handleText } from "./ws/handler.ts";
import { Session, type SocketData } from "./ws/session.ts";

const KINDS = new Set<WsKind>(["public", "private", "business"]);

export function serve(ctx: SimContext): Server<SocketData> {
  let connNo = 0;
  const server = Bun.serve<SocketData>({
    port: ctx.opts.port,
    hostname: ctx.opts.host,
    idleTimeout: 60,
    async fetch(req, srv) {
      const rawTarget = rawTargetOf(req.url);
      const q = rawTarget.indexOf("?");
      const path = q < 0 ? rawTarget : rawTarget.slice(0, q);
      if (path.startsWith("/ws/v5/")) {
        const kind = path.slice(7).replace(/\/$/, "") as WsKind;
        if (!KINDS.has(kind)) return new Response("unknown WebSocket path", { status: 404 });
        if (ctx.faults.dropping)
          return new Response("connections are being dropped (fault injection)", { status: 503 });
        if (srv.upgrade(req, { data: { kind, path } })) return undefined;
        return new Response("expected a WebSocket upgrade", { status: 426 });
      }
      if (path.startsWith("/api/v5/")) return handleRest(req, rawTarget, srv.requestIP(req)?.address ?? "?", ctx);
      if (path.startsWith("/sim/")) return handleAdmin(req, path, ctx);
      return Response.json({ code: "404", msg: "Not Found", data: [] }, { status: 404 });
    },
    websocket: {
      idleTimeout: 960,
      open(ws) {
        const s = new Session(ws, ws.data.kind, ctx.faults, ++connNo);
        ws.data.session = s;
        ctx.hub.addSession(s);
        log(ctx, `ws open ${s.connId} ${ws.data.path}`);
        if (ctx.faults.dropping) s.terminate();
      },
      message(ws, message) {
        const s = ws.data.session;
        if (s && !s.closed) handleText(s, typeof message === "string" ? message : message.toString("utf8"), ctx);
      },
      close(ws, code) {
        const s = ws.data.session;
        if (!s) return;
        log(ctx, `ws close ${s.connId} ${code}`);
        s.closed = true;
        ctx.hub.removeSession(s);
      },
    },
  });
  ctx.faults.attach({
    dropAll: () => {
      const all = [...ctx.hub.sessions];
      for (const s of all) s.terminate();
      return all.length;
    },
    notice: () => {
      const frame = JSON.stringify({ event: "notice", code: "64008", msg: msg("64008") });
      for (const s of ctx.hub.sessions) s.sendControl(frame);
      return ctx.hub.sessions.size;
    },
  });
  return server;
}

function log(ctx: SimContext, line: string): void {
  if (ctx.opts.verbose) process.stderr.write(`[sim] ${new Date().toISOString()} ${line}\n`);
}

/** Path and query exactly as the client sent them (the HMAC covers these bytes). */
function rawTargetOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start < 0 ? "/" : url.slice(start);
}

/** Closes connections that carried no traffic for `idleMs` (OKX closes after 30 s with 60015). */
export function closeIdle(ctx: SimContext, now: number): void {
  const idle = ctx.opts.idleCloseMs;
  if (idle <= 0) return;
  for (const s of ctx.hub.sessions) {
    if (now - s.lastTraffic > idle) {
      s.sendControl(JSON.stringify({ event: "error", code: "60015", msg: msg("60015"), connId: s.connId }));
      s.close(4004, "No data received in 30s.");
    }
  }
}
