// The built-in kinds, by name: the Worker runs them from here (no dynamic import, so they are in
// the compiled binary), the service reads their params schemas from here.
import type { Kind } from "../kind.ts";
import grid from "./grid.ts";
import stop from "./stop.ts";
import twap from "./twap.ts";

export const BUILT_IN_KINDS: ReadonlyMap<string, Kind> = new Map([grid, twap, stop].map((k) => [k.name, k]));
