// Choices kept by this browser across reloads: one among a few (a chart's bar size, a curve's range) or some
// of them (a chart's indicators).
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

/** A ref holding some of `choices` (in their order): those kept under `key`, kept again on each change. */
export function keptChoices<T extends string>(key: string, choices: readonly T[]): ShallowRef<T[]> {
  let start: T[] = [];
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? "[]") as unknown;
    if (Array.isArray(v)) start = choices.filter((c) => v.includes(c));
  } catch {}
  const picked = shallowRef<T[]>(start) as ShallowRef<T[]>;
  watch(picked, (v) => {
    try {
      localStorage.setItem(key, JSON.stringify(v));
    } catch {}
  });
  return picked;
}
