// The toasts of notices.ts in a corner of every page: what happened to a trader's orders (fills,
// cancels, rejections) and strategies (stopped or failed without them) while they look elsewhere,
// and the user's price alerts as the service fires them; on the desktop too while the tab is
// hidden if the user turned that on (desktop.ts). A click on × takes one away. The Notices are the
// shell's, which the Activity menu reads too.
import { defineComponent, onScopeDispose, watch } from "vue";
import { strategyOfOrder } from "../client/index.ts";
import type { StrategyEvent, StrategyStatus } from "../client/types.ts";
import { useAlerts } from "../vue/alerts.ts";
import { useTradewire } from "../vue/context.ts";
import { browserStorage, importBrowserAlerts, toldKey, untold } from "./alerts.ts";
import { notifyDesktop } from "./desktop.ts";
import type { Notices } from "./notices.ts";
import { go } from "./router.ts";
import { useSession } from "./session.ts";
import { playTone } from "./sound.ts";
import { useStrategyNames } from "./strategy-names.ts";

export const Toasts = defineComponent(
  (props: { notices: Notices }) => {
    const tw = useTradewire();
    const notices = props.notices;
    // A strategy's toast says its name once known (asked for once per id).
    const { names, nameOf } = useStrategyNames();
    const name = (clOrdId: string) => {
      const id = strategyOfOrder(clOrdId);
      const known = id && nameOf(id);
      if (id && known) notices.nameStrategy(id, known);
    };
    watch(names, (m) => {
      for (const [id, n] of m) if (!notices.knowsStrategy(id)) notices.nameStrategy(id, n);
    });
    /** Runs `tell`; what it put on top of the toasts goes to the desktop too (a hidden tab), and sounds its tone. */
    const told = (tell: () => void) => {
      const before = notices.list.value;
      tell();
      const top = notices.list.value[0];
      if (notices.list.value !== before && top) {
        notifyDesktop(top);
        playTone(top);
      }
    };
    // News only: a snapshot (a load, a resync) states what is, it did not just happen.
    const offFill = tw.client.on("fill", (ev, meta) => {
      if (meta.snapshot) return;
      told(() => notices.fill(ev.data));
      name(ev.data.clOrdId);
    });
    const offOrder = tw.client.on("order", (ev, meta) => meta.snapshot || told(() => notices.order(ev.data)));
    // The user's strategies stopping or failing without them (the first event of each says where it stands).
    const me = useSession().state.value.user?.name ?? "";
    const states = new Map<string, string>();
    const builtIn = (e: StrategyEvent): e is StrategyStatus => "owner" in e && "figures" in e;
    const offStrategy = tw.client.on("strategy", (ev, meta) => {
      const s = ev.data;
      if (!builtIn(s)) return;
      const was = states.get(s.id);
      states.set(s.id, s.state);
      if (!meta.snapshot && was !== undefined && s.owner === me) told(() => notices.strategyState(s, was, me));
    });
    // The user's price alerts as the service fires them (it checks every ticker, page open or not):
    // each told once by this browser, those that fired while none of its pages was open too.
    const alerts = useAlerts();
    const storage = browserStorage();
    /** The newest fired alert this page told (kept by the browser too, where it lets the page keep anything). */
    let toldUntil = 0;
    watch(alerts.fired, (fired) => {
      // Another tab may have told some since: the newer of the two counts.
      const since = Math.max(toldUntil, Number(storage?.getItem(toldKey(me))) || 0);
      const { news, until } = untold(fired, since > 0 ? since : undefined, Date.now());
      for (const a of news) told(() => notices.alert(a, a.firedPx!));
      if (!news.length || until === undefined) return;
      toldUntil = until;
      try {
        storage?.setItem(toldKey(me), String(until));
      } catch {
        // storage full or refused: this page remembers
      }
    });
    // Alerts this browser kept itself before are handed to the service once.
    void importBrowserAlerts(me, {
      storage,
      lasts: async () => new Map((await tw.rest.market.tickers()).data.map((t) => [t.instId, Number(t.last)])),
      create: (instId, price) => tw.rest.alerts.create({ instId, price }),
      reached: (a, last) => told(() => notices.alert(a, last)),
    }).catch(() => {}); // kept by the browser: tried again at the next sign-in
    let timer: ReturnType<typeof setInterval> | undefined;
    const stopTimer = () => {
      clearInterval(timer);
      timer = undefined;
    };
    watch(notices.list, (list) => {
      if (list.length && !timer) timer = setInterval(() => notices.sweep() || stopTimer(), 500);
    });
    onScopeDispose(() => {
      offFill();
      offOrder();
      offStrategy();
      stopTimer();
    });
    return () => (
      <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
        {notices.list.value.map((t) => (
          <div class={["toast", t.tone]} key={t.key} data-testid="toast">
            <strong>{t.title}</strong>{" "}
            {t.href ? (
              <a
                href={t.href}
                onClick={(e: MouseEvent) => {
                  e.preventDefault();
                  go(t.href!);
                }}
              >
                {t.text}
              </a>
            ) : (
              <span>{t.text}</span>
            )}
            <button type="button" class="ghost" aria-label="Dismiss" onClick={() => notices.dismiss(t.key)}>
              ×
            </button>
          </div>
        ))}
      </div>
    );
  },
  { props: ["notices"] },
);
