// The HTTP admin endpoints on the sim port, for tests that run in another process:
// GET/POST /sim/faults (FaultPatch JSON), POST /sim/price {instId, px}, POST /sim/funding
// {instId, rate}, GET /sim/health.
import { type SimContext, setFundingRate } from "./context.ts";
import type { FaultPatch } from "./faults.ts";
import { parseDec } from "./num.ts";

const PATCH_KEYS = [
  "dropConnections",
  "pausePushes",
  "mute",
  "delayMs",
  "malformedFrames",
  "refuseLogins",
  "sequenceGap",
  "dropAll",
  "notice",
  "reset",
];

export async function handleAdmin(req: Request, path: string, ctx: SimContext): Promise<Response> {
  const reply = (status: number, body: unknown) => Response.json(body, { status });
  const body = async (): Promise<Record<string, unknown> | undefined> => {
    try {
      const v: unknown = await req.json();
      return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  if (path === "/sim/health" && req.method === "GET") {
    return reply(200, {
      ok: true,
      connections: ctx.hub.sessions.size,
      instruments: ctx.instruments.all.map((i) => i.instId),
    });
  }
  if (path === "/sim/faults") {
    if (req.method === "GET") return reply(200, ctx.faults.get());
    if (req.method === "POST") {
      const patch = await body();
      if (!patch) return reply(400, { error: 'expected a JSON object such as {"pausePushes":true}', keys: PATCH_KEYS });
      const unknown = Object.keys(patch).filter((k) => !PATCH_KEYS.includes(k));
      if (unknown.length) return reply(400, { error: `unknown fault ${unknown.join(", ")}`, keys: PATCH_KEYS });
      return reply(200, ctx.faults.set(patch as FaultPatch));
    }
  }
  if (path === "/sim/price" && req.method === "POST") {
    const b = await body();
    const instId = typeof b?.instId === "string" ? b.instId : "";
    const px = Number(b?.px);
    if (!ctx.market.setPrice(instId, px))
      return reply(400, { error: "expected {instId, px} with a known instId and px > 0" });
    return reply(200, { ok: true, instId, px });
  }
  if (path === "/sim/funding" && req.method === "POST") {
    const b = await body();
    const instId = typeof b?.instId === "string" ? b.instId : "";
    // A number or a decimal string pins the rate; null lets it walk again.
    const rate = b?.rate === null ? null : (parseDec(b?.rate) ?? NaN);
    if (!setFundingRate(ctx, instId, rate))
      return reply(400, { error: "expected {instId, rate} with a swap instId and |rate| <= 0.00375, or rate null" });
    return reply(200, { ok: true, instId, rate: ctx.funding.rate(instId), pinned: rate !== null });
  }
  return reply(404, { error: `no admin route ${req.method} ${path}` });
}
