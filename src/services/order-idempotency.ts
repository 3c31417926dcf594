// The rules of idempotent placement: which clOrdId a request is placed under, whose it may be, and
// when a retry asks for the same order (as an earlier request, or as the exchange's order).
import { createHash, randomBytes } from "node:crypto";
import { Conflict, type ErrorDetail, IdempotencyConflict, ValidationFailed } from "../domain/errors.ts";
import type { OrderRequest } from "../domain/orders.ts";
import { STRATEGY_CLORDID, strategyOrderPrefix } from "../domain/strategy-orders.ts";

/** An order as sent: the request with the clOrdId it is placed under. */
export type PlacedOrder = OrderRequest & { clOrdId: string };

/** clOrdId from an Idempotency-Key: the same user and key always give the same id. */
export function clOrdIdFor(user: string, key: string): string {
  return `tw${createHash("sha256").update(`${user}\u0000${key}`).digest("hex").slice(0, 30)}`;
}

/**
 * The clOrdId `input` is placed under: the key's, the one it names, or a new one. Throws when it
 * names one that is not the key's, or one reserved for strategies (a strategy's must carry its prefix).
 */
export function clOrdIdOf(
  user: string,
  input: OrderRequest,
  idempotencyKey: string | undefined,
  strategyId: string | undefined,
): string {
  if (idempotencyKey && input.clOrdId && input.clOrdId !== clOrdIdFor(user, idempotencyKey))
    throw new ValidationFailed("send either clOrdId or Idempotency-Key, not both", {
      details: [{ field: "clOrdId", message: "conflicts with the Idempotency-Key header" }],
    });
  const clOrdId = idempotencyKey
    ? clOrdIdFor(user, idempotencyKey)
    : (input.clOrdId ?? `tw${randomBytes(15).toString("hex")}`);
  const reserved = strategyId ? !clOrdId.startsWith(strategyOrderPrefix(strategyId)) : STRATEGY_CLORDID.test(clOrdId);
  if (reserved)
    throw new ValidationFailed(`clOrdId ${clOrdId} is not yours to use`, {
      details: [
        {
          field: "clOrdId",
          message: strategyId
            ? `a strategy's orders start with ${strategyOrderPrefix(strategyId)}`
            : "ids of an s and 10 lowercase letters or digits start strategies' orders; choose another",
        },
      ],
    });
  return clOrdId;
}

/** What the retry must agree on with the first request (the exchange's order, after a restart). */
export const SAME: ReadonlyArray<keyof OrderRequest> = [
  "instId",
  "side",
  "ordType",
  "sz",
  "px",
  "tdMode",
  "posSide",
  "reduceOnly",
];
const DECIMALS = new Set<keyof OrderRequest>(["sz", "px"]);

/** "0.010" and "0.01" are one size; absent, "" and the exchange's defaults (posSide net, reduceOnly false) are one value. */
function comparable(field: keyof OrderRequest, v: unknown): string {
  if (v === undefined || v === null || v === "" || v === false || v === "false" || (field === "posSide" && v === "net"))
    return "";
  const s = String(v);
  return DECIMALS.has(field) && s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** The fields (of `fields`) where `now` differs from `was`: an earlier request, or the exchange's order. */
export function differences(
  was: { readonly [k: string]: unknown } | OrderRequest,
  now: OrderRequest,
  fields = SAME,
): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const f of fields) {
    const a = comparable(f, was[f]);
    const b = comparable(f, now[f]);
    if (a !== b) out.push({ field: f, message: `was ${a || "(none)"}, now ${b || "(none)"}` });
  }
  return out;
}

export function conflict(name: string, diff: ErrorDetail[]): IdempotencyConflict {
  return new IdempotencyConflict(
    `${name} was used for a different order (${diff.map((d) => d.field).join(", ")} differ); use a new one`,
    { details: diff },
  );
}

export function taken(clOrdId: string): Conflict {
  return new Conflict(`clOrdId ${clOrdId} is already used by another order`);
}
