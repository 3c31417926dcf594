// The stop strategies guarding positions (TP/SL), live, as one list that stays the same array
// while no guard comes, goes or moves: what reads it (the Positions panel, the chart's lines)
// renders or redraws then, not with every running strategy's figures each second.
import { type ComputedRef, computed } from "vue";
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
