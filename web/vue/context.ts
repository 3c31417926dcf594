// One tradewire connection per Vue app: the session, the EventClient and the REST calls,
// installed as a plugin and found by every composable with useTradewire().
import { type App, type InjectionKey, inject } from "vue";
import { Session, type SessionOptions } from "../client/auth.ts";
import { EventClient, type EventClientOptions } from "../client/client.ts";
import { type Rest, restApi } from "../client/rest.ts";
import { setFrameGap } from "./frame.ts";

export interface Tradewire {
  session: Session;
  client: EventClient;
  rest: Rest;
  /** Shared per-app state of the composables (stores by kind), dropped when the user changes. */
  shared: Map<string, Shared>;
  install(app: App): void;
}

interface Shared {
  value: unknown;
  undo: Array<() => void>;
}

export const TRADEWIRE: InjectionKey<Tradewire> = Symbol("tradewire");

/**
 * @example
 * const tw = createTradewire();
 * createApp(App).use(tw).mount("#app");
 * await tw.session.restore(); // or tw.session.login(name, password)
 */
export function createTradewire(
  opts: SessionOptions &
    Omit<EventClientOptions, "session"> & {
      /** Least time between two updates of the page, ms (default 100; 0: every animation frame). */
      frameGapMs?: number;
    } = {},
): Tradewire {
  if (opts.frameGapMs !== undefined) setFrameGap(opts.frameGapMs);
  const session = new Session(opts);
  const client = new EventClient({ ...opts, session }).start();
  const tw: Tradewire = {
    session,
    client,
    rest: restApi(session.fetch),
    shared: new Map(),
    install(app) {
      app.provide(TRADEWIRE, tw);
    },
  };
  // Another user's state must not linger: stores go with the identity they were made for.
  let who = "";
  session.onChange((s) => {
    const now = s.status === "authenticated" && s.user ? `${s.user.name}:${s.user.role}` : "";
    if (now === who) return;
    who = now;
    for (const e of tw.shared.values()) for (const u of e.undo) u();
    tw.shared.clear();
  });
  return tw;
}

export function useTradewire(): Tradewire {
  const tw = inject(TRADEWIRE, null);
  if (!tw) throw new Error("tradewire: install createTradewire() with app.use() before using its composables");
  return tw;
}

/**
 * A per-app store made on first use; `make` registers what undoes it (its event handlers),
 * run when the signed-in user changes. Components are remounted then (App keys the shell by
 * user), so none keeps a dropped store.
 */
export function shared<T>(tw: Tradewire, key: string, make: (undo: (fn: () => void) => void) => T): T {
  let e = tw.shared.get(key);
  if (!e) {
    const undo: Array<() => void> = [];
    e = { value: make((fn) => undo.push(fn)), undo };
    tw.shared.set(key, e);
  }
  return e.value as T;
}
