// Strategies' names by id for the page, each asked for once (GET /api/strategies/:id) the first
// time an order, fill or toast of it shows: orders carry only the id (in their clOrdId).
import { type ShallowRef, shallowRef } from "vue";
import { shared, useTradewire } from "../vue/context.ts";

export interface StrategyNames {
  /** Known names by id; replaced (a new Map) when one arrives. */
  names: ShallowRef<Map<string, string>>;
  /** The name when known; asks for it (once) when not. */
  nameOf(id: string): string | undefined;
}

export function useStrategyNames(): StrategyNames {
  const tw = useTradewire();
  return shared(tw, "strategy-names", () => {
    const names = shallowRef(new Map<string, string>());
    const asked = new Set<string>();
    return {
      names,
      nameOf(id: string) {
        const name = names.value.get(id);
        if (name !== undefined || asked.has(id)) return name;
        asked.add(id);
        tw.rest.strategies.get(id).then(
          (s) => (names.value = new Map(names.value).set(id, s.name)),
          () => {}, // gone, or not ours to read: the id stands for it
        );
        return undefined;
      },
    };
  });
}
