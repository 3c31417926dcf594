// The instruments a trader starred: listed first in the instrument list, kept by this browser
// (localStorage, followed across its tabs).
import { type ShallowRef, shallowRef } from "vue";

const KEY = "tradewire.instruments.favourites";

function saved(): Set<string> {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? "[]") as unknown;
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

/** The starred instruments; a new Set on each change. */
export const favourites: ShallowRef<Set<string>> = shallowRef(saved());

addEventListener("storage", (e) => {
  if ((e as Event & { key: string | null }).key === KEY) favourites.value = saved();
});

export function toggleFavourite(instId: string): void {
  const next = new Set(favourites.value);
  if (!next.delete(instId)) next.add(instId);
  favourites.value = next;
  try {
    localStorage.setItem(KEY, JSON.stringify([...next]));
  } catch {}
}
