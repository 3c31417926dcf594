// The strategy kinds this run knows, by name: the built-in ones and custom ones loaded from module
// URLs, each described (its params as JSON Schema) for the kinds route.
import { z } from "zod";
import { StrategyConflict } from "../strategies/errors.ts";
import type { Kind } from "../strategies/kind.ts";
import { BUILT_IN_KINDS } from "../strategies/kinds/index.ts";
import type { StrategyRecord } from "../strategies/model.ts";
import type { KindInfo } from "./strategy-types.ts";

/** The kind every external strategy shows (an engine's); no built-in or custom kind has this name. */
export const EXTERNAL = "external";

/** A kind as loaded: a custom one carries the module URL its Worker imports. */
export type LoadedKind = Kind & { url?: string };

export class StrategyKinds {
  private readonly byName = new Map<string, LoadedKind>();

  private constructor() {}

  /** The built-in kinds and those of `urls`: module URLs whose default export is a Kind (see defineKind). */
  static async load(urls: readonly string[] = []): Promise<StrategyKinds> {
    const kinds = new StrategyKinds();
    for (const k of BUILT_IN_KINDS.values()) kinds.byName.set(k.name, k);
    for (const url of urls) {
      const k = ((await import(url)) as { default?: Kind }).default;
      if (!k?.name || !k.params || typeof k.create !== "function")
        throw new Error(`${url}: its default export is not a strategy kind`);
      if (kinds.byName.has(k.name) || k.name === EXTERNAL) throw new Error(`${url}: kind ${k.name} exists already`);
      kinds.byName.set(k.name, { ...k, url });
    }
    return kinds;
  }

  get(name: string): LoadedKind | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The kind of a strategy of this service; a conflict when this run does not have it. */
  of(rec: StrategyRecord): LoadedKind {
    const k = this.byName.get(rec.kind);
    if (!k) throw new StrategyConflict(`kind ${rec.kind} is not available in this run`, "kind_unavailable");
    return k;
  }

  info(): KindInfo[] {
    return [...this.byName.values()].map((k) => ({
      name: k.name,
      title: k.title,
      description: k.description,
      instruments: k.instruments,
      liveParams: [...k.liveParams],
      params: z.toJSONSchema(k.params, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
    }));
  }
}
