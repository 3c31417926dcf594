// What the client may use from its host, found at run time: it runs in a browser page, a
// worker, or Bun (tests), and uses each ability only where it exists.

interface EventHost {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}
interface PageDocument extends EventHost {
  visibilityState?: string;
}
export interface LockManagerLike {
  request(
    name: string,
    opts: { mode?: "exclusive"; steal?: boolean; signal?: AbortSignal },
    cb: () => Promise<unknown>,
  ): Promise<unknown>;
}

const g = globalThis as unknown as {
  document?: PageDocument;
  window?: EventHost;
  navigator?: { onLine?: boolean; locks?: LockManagerLike };
  requestAnimationFrame?: (cb: () => void) => number;
};

/** True in a page with a document (cookies, visibility). */
export const inBrowserPage = (): boolean => typeof g.document !== "undefined";

/** false only when the host says the network is down. */
export const isOnline = (): boolean => g.navigator?.onLine !== false;

export const isHidden = (): boolean => g.document?.visibilityState === "hidden";

export const lockManager = (): LockManagerLike | undefined => g.navigator?.locks;

export const hasBroadcastChannel = (): boolean => typeof BroadcastChannel === "function";

/**
 * Calls `online`, `offline` and `visible` when the page says so; returns the undo.
 * Nothing happens where there is no window/document.
 */
export function watchPage(h: {
  online?: () => void;
  offline?: () => void;
  visible?: () => void;
  hide?: () => void;
}): () => void {
  const undo: Array<() => void> = [];
  const on = (target: EventHost | undefined, type: string, fn: (() => void) | undefined) => {
    if (!target || !fn) return;
    target.addEventListener(type, fn);
    undo.push(() => target.removeEventListener(type, fn));
  };
  on(g.window, "online", h.online);
  on(g.window, "offline", h.offline);
  on(g.window, "pagehide", h.hide);
  const vis = () => {
    if (!isHidden()) h.visible?.();
  };
  if (h.visible) on(g.document, "visibilitychange", vis);
  return () => {
    for (const u of undo) u();
  };
}
