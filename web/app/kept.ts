// A choice among a few (a chart's bar size, a curve's range) kept by this browser across reloads.
import { type ShallowRef, shallowRef, watch } from "vue";

/** A ref holding one of `choices`: the one kept under `key` (else `fallback`), kept again on each change. */
export function keptChoice<T extends string>(key: string, choices: readonly T[], fallback: T): ShallowRef<T> {
  let start = fallback;
  try {
    const v = localStorage.getItem(key);
    if (v && (choices as readonly string[]).includes(v)) start = v as T;
  } catch {}
  const choice = shallowRef<T>(start) as ShallowRef<T>;
  watch(choice, (v) => {
    try {
      localStorage.setItem(key, v);
    } catch {}
  });
  return choice;
}
