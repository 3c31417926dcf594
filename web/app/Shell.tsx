// The signed-in frame: navigation for what the role may do, the stream status, the user, the
// kill switch when it is on (for those who trade), toasts of what happens to their orders and of
// their price alerts (and the Activity menu that keeps them), and the page for the current path.
import { type Component, computed, defineComponent, h } from "vue";
import { useTradewire } from "../vue/context.ts";
import { useEventStream } from "../vue/stream.ts";
import { ActivityMenu } from "./ActivityMenu.tsx";
import { useDigits } from "./digits.ts";
import { Equity } from "./Equity.tsx";
import { KillBanner } from "./KillBanner.tsx";
import { Notices } from "./notices.ts";
import { Audit } from "./pages/Audit.tsx";
import { Commands } from "./pages/Commands.tsx";
import { Markets } from "./pages/Markets.tsx";
import { Strategies } from "./pages/Strategies.tsx";
import { System } from "./pages/System.tsx";
import { Trading } from "./pages/Trading.tsx";
import { Users } from "./pages/Users.tsx";
import { go, route } from "./router.ts";
import { StatusPill } from "./StatusPill.tsx";
import { useSession } from "./session.ts";
import { Toasts } from "./Toasts.tsx";
import { usePriceInTitle } from "./title.ts";

interface Page {
  path: string;
  title: string;
  view: Component;
  /** Who sees it. */
  show: "all" | "traders" | "admins";
}

const PAGES: Page[] = [
  { path: "/markets", title: "Markets", view: Markets, show: "all" },
  { path: "/trading", title: "Trading", view: Trading, show: "traders" },
  { path: "/strategies", title: "Strategies", view: Strategies, show: "all" },
  { path: "/commands", title: "Commands", view: Commands, show: "traders" },
  { path: "/system", title: "System", view: System, show: "all" },
  { path: "/users", title: "Users", view: Users, show: "admins" },
  { path: "/audit", title: "Audit", view: Audit, show: "admins" },
];

export const Shell = defineComponent(() => {
  const tw = useTradewire();
  const { state, canTrade, isAdmin } = useSession();
  const pages = computed(() =>
    PAGES.filter(
      (p) => p.show === "all" || (p.show === "traders" && canTrade.value) || (p.show === "admins" && isAdmin.value),
    ),
  );
  // Channels every page uses stay on the connection, so moving between pages does not reconnect.
  useEventStream(
    () =>
      canTrade.value
        ? ["tickers:*", "orders", "fills", "positions", "balances", "account", "commands", "strategy:*"]
        : ["tickers:*"],
    { latencyEveryMs: 0 },
  );
  usePriceInTitle();
  /** What was told (toasts) and the history of it (Activity), for this session. */
  const notices = new Notices(useDigits());
  const current = computed(
    () => pages.value.find((p) => route.value === p.path || route.value.startsWith(`${p.path}/`)) ?? pages.value[0]!,
  );
  const link = (p: Page) => (
    <a
      href={p.path}
      class={{ active: current.value === p }}
      data-testid={`nav-${p.title.toLowerCase()}`}
      onClick={(e: MouseEvent) => {
        e.preventDefault();
        go(p.path);
      }}
    >
      {p.title}
    </a>
  );
  return () => {
    return (
      <div class="shell">
        <header class="top">
          <span class="brand">tradewire</span>
          <nav>{pages.value.map(link)}</nav>
          {canTrade.value && <Equity />}
          <StatusPill />
          <ActivityMenu notices={notices} />
          <span class="user" data-testid="user">
            {state.value.user?.name} <small>({state.value.user?.role})</small>
          </span>
          <button type="button" class="ghost" data-testid="logout" onClick={() => void tw.session.logout()}>
            Sign out
          </button>
        </header>
        {canTrade.value && <KillBanner />}
        <main class="page">{h(current.value.view)}</main>
        <Toasts notices={notices} />
      </div>
    );
  };
});
