// The stop strategies guarding positions (TP/SL), live, as one list that stays the same array
// while no guard comes, goes or moves: what reads it (the Positions panel, the chart's lines)
// renders or redraws then, not with every running strategy's figures each second. And setting one.
import { type ComputedRef, computed } from "vue";
import type { NewStrategy, Rest } from "../client/rest.ts";
import { useStrategies } from "../vue/strategies.ts";
import { type Guard, guardsOf } from "./protect.ts";

export function useGuards(): ComputedRef<Guard[]> {
  const { list } = useStrategies();
  let last: Guard[] = [];
  let lastJson = "[]";
  return computed(() => {
    const next = guardsOf(list.value);
    const json = JSON.stringify(next);
    if (json !== lastJson) [last, lastJson] = [next, json];
    return last;
  });
}

/**
 * Creates a guard's stop strategy and starts it; one that cannot start (the kill switch is on,
 * say) is removed again, not left behind, and the refusal is thrown.
 */
export async function startGuard(rest: Rest, s: NewStrategy): Promise<void> {
  const created = await rest.strategies.create(s);
  await rest.strategies.start(created.id).catch(async (err: unknown) => {
    await rest.strategies.remove(created.id).catch(() => {});
    throw err;
  });
}
