// Channel patterns on the client side: which pattern covers which, the smallest set that
// covers a union, and what a role may ask for (so a viewer never asks for a private channel).

import type { Role } from "./rest.ts";
import { PRIVATE_CHANNELS } from "./types.ts";

/** Whether pattern `a` selects everything pattern `b` selects. */
export function covers(a: string, b: string): boolean {
  if (a === "*" || a === b) return true;
  if (a.endsWith(":*")) return b.startsWith(a.slice(0, -1)) && b !== a.slice(0, -2);
  return false;
}

export const coveredBy = (patterns: readonly string[], by: readonly string[]): boolean =>
  patterns.every((p) => by.some((a) => covers(a, p)));

/** The union of pattern lists without patterns another one covers, sorted. */
export function union(lists: Iterable<readonly string[]>): string[] {
  const all = new Set<string>();
  for (const l of lists) for (const p of l) all.add(p);
  const list = [...all];
  return list.filter((p) => !list.some((q) => q !== p && covers(q, p))).sort();
}

/** Drops patterns the role may not read (the server would refuse the whole request). */
export function readable(patterns: readonly string[], role: Role | undefined): string[] {
  if (role !== "viewer") return [...patterns];
  return patterns.filter((p) => !PRIVATE_CHANNELS.has(p.split(":", 1)[0]!));
}
