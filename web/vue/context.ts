// One tradewire connection per Vue app: the session, the EventClient and the REST calls,
// installed as a plugin and found by every composable with useTradewire().
import { type App, inject, type InjectionKey } from "vue";
import { Session, type SessionOptions } from "../client/auth.ts";
import { EventClient, type EventClientOptions } from "../client/client.ts";
import { restApi, type Rest } from "../client/rest.ts";

export interface Tradewire {
  session: Session;
  client: EventClient;
  rest: Rest;
  /** Shared per-app state of the composables (stores by kind and key). */
  shared: Map<string, unknown>;
  install(app: App): void;
}

export const TRADEWIRE: InjectionKey<Tradewire> = Symbol("tradewire");

/**
 * @example
 * const tw = createTradewire();
 * createApp(App).use(tw).mount("#app");
 * await tw.session.restore(); // or tw.session.login(name, password)
 */
export function createTradewire(opts: SessionOptions & Omit<EventClientOptions, "session"> = {}): Tradewire {
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
  return tw;
}

export function useTradewire(): Tradewire {
  const tw = inject(TRADEWIRE, null);
  if (!tw) throw new Error("tradewire: install createTradewire() with app.use() before using its composables");
  return tw;
}

/** A per-app singleton made on first use (the stores behind the composables). */
export function shared<T>(tw: Tradewire, key: string, make: () => T): T {
  let v = tw.shared.get(key) as T | undefined;
  if (v === undefined) tw.shared.set(key, (v = make()));
  return v;
}
