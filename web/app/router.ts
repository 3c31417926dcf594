// A tiny history router: the path as a ref, links that push state, back/forward followed.
import { shallowRef } from "vue";

export const route = shallowRef(location.pathname);

export function go(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, "", path);
  route.value = path;
}

addEventListener("popstate", () => (route.value = location.pathname));
