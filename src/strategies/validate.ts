// What a strategy's input must be, beyond its shape: a name, instruments its kind trades, params
// its kind's schema accepts, limits within range. Each failure names its fields. Pure.
import type { z } from "zod";
import { type StrategyErrorDetail, StrategyInvalid } from "./errors.ts";
import type { Kind } from "./kind.ts";
import { LimitsSchema, type StrategyLimits } from "./model.ts";

const INST_ID = /^[A-Z0-9]{1,12}(-[A-Z0-9]{1,12}){1,3}$/;

/** zod issues of a part of the input as details named `<prefix>.<field>`; unknown keys named one by one. */
export function detailsOf(error: z.ZodError, prefix: string): StrategyErrorDetail[] {
  return error.issues.flatMap((i) => {
    const path = [prefix, ...i.path.map(String)].join(".");
    if (i.code === "unrecognized_keys")
      return i.keys.map((k) => ({ field: `${path}.${k}`, message: "not a known field" }));
    return [{ field: path, message: i.message }];
  });
}

const invalid = (details: StrategyErrorDetail[]) =>
  new StrategyInvalid(`${details[0]?.field}: ${details[0]?.message}`, details);

export function checkName(n: string): string {
  const t = n.trim();
  if (t.length < 1 || t.length > 64) throw invalid([{ field: "name", message: "1-64 characters" }]);
  return t;
}

export function checkInstruments(kind: Kind, list: string[]): string[] {
  const bad: StrategyErrorDetail[] = list
    .filter((i) => !INST_ID.test(i))
    .map((i) => ({ field: "instruments", message: `${i} is not an instrument id` }));
  if (new Set(list).size !== list.length) bad.push({ field: "instruments", message: "listed twice" });
  const { min, max } = kind.instruments;
  if (list.length < min || list.length > max)
    bad.push({
      field: "instruments",
      message: `${kind.name} trades ${min === max ? min : `${min}-${max}`} instrument${max === 1 ? "" : "s"}`,
    });
  if (bad.length > 0) throw invalid(bad);
  return [...list];
}

/** The params as the kind's schema makes them (defaults filled in). */
export function checkParams(kind: Kind, raw: Record<string, unknown>): Record<string, unknown> {
  const r = kind.params.safeParse(raw);
  if (r.success) return r.data as Record<string, unknown>;
  throw invalid(detailsOf(r.error, "params"));
}

export function checkLimitsInput(raw: Partial<StrategyLimits>): StrategyLimits {
  const r = LimitsSchema.safeParse(raw);
  if (r.success) return r.data;
  throw invalid(detailsOf(r.error, "limits"));
}
