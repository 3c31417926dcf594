// Strategies: every strategy live (state, kind or engine, owner, PnL, open orders), a new one from
// its kind's generated form (traders, admins; or one like another: Duplicate), and the one picked
// (/strategies/<id>) in detail.
// Viewers read; traders manage their own; admins all (the server decides either way).
import { computed, defineComponent, shallowRef } from "vue";
import type { StrategyView } from "../../client/rest.ts";
import { engineOf, figuresOf, useStrategies } from "../../vue/strategies.ts";
import { StrategyCreate } from "../parts/StrategyCreate.tsx";
import { StrategyDetail } from "../parts/StrategyDetail.tsx";
import { go, route } from "../router.ts";
import { useSelection } from "../selection.ts";
import { useSession } from "../session.ts";

const BASE = "/strategies";

/** Total PnL: a built-in strategy's own figures, or what an engine reports (realizedPnl + unrealizedPnl). */
function pnlOf(v: StrategyView): number | null {
  const f = figuresOf(v);
  if (f) return f.pnl.total;
  const r = Number(v.figures.realizedPnl ?? Number.NaN);
  const u = Number(v.figures.unrealizedPnl ?? 0);
  return Number.isFinite(r) ? r + (Number.isFinite(u) ? u : 0) : null;
}

function openOrdersOf(v: StrategyView): number | null {
  const f = figuresOf(v);
  if (f) return f.openOrders.length;
  const n = Number(v.figures.openOrders);
  return Number.isFinite(n) ? n : null;
}

type SortKey = "name" | "kind" | "owner" | "state" | "pnl" | "open";
const COLUMNS: Array<{ key: SortKey; label: string; cls?: string }> = [
  { key: "name", label: "Name" },
  { key: "kind", label: "Kind" },
  { key: "owner", label: "Owner", cls: "hide-narrow" },
  { key: "state", label: "State" },
  { key: "pnl", label: "PnL", cls: "num" },
  { key: "open", label: "Open", cls: "num hide-narrow" },
];

/** Strategies by a column, then by name; unknown figures last whichever way. */
function sortStrategies(list: StrategyView[], key: SortKey, desc: boolean): StrategyView[] {
  const figure = (v: StrategyView) => (key === "pnl" ? pnlOf(v) : key === "open" ? openOrdersOf(v) : null);
  const dir = desc ? -1 : 1;
  return [...list].sort((a, b) => {
    if (key === "pnl" || key === "open") {
      const x = figure(a);
      const y = figure(b);
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0) || a.name.localeCompare(b.name);
      return (x - y) * dir || a.name.localeCompare(b.name);
    }
    return String(a[key]).localeCompare(String(b[key])) * dir || a.name.localeCompare(b.name);
  });
}

export const Strategies = defineComponent(() => {
  const { list } = useStrategies();
  const { instruments } = useSelection();
  const { state, canTrade, isAdmin } = useSession();
  const creating = shallowRef(false);
  /** The strategy a new one starts from (Duplicate), or none. */
  const like = shallowRef<StrategyView | null>(null);
  const selected = computed(() => {
    const rest = route.value.startsWith(`${BASE}/`) ? route.value.slice(BASE.length + 1) : "";
    return rest ? decodeURIComponent(rest) : null;
  });
  const canManage = (v: StrategyView) => isAdmin.value || (canTrade.value && v.owner === state.value.user?.name);
  /** The list as the server gives it, or sorted by a column (a click on its header; again: the other way). */
  const sort = shallowRef<{ key: SortKey; desc: boolean } | null>(null);
  const sortBy = (key: SortKey) => {
    const s = sort.value;
    sort.value = s?.key === key ? { key, desc: !s.desc } : { key, desc: key === "pnl" || key === "open" };
  };
  const rows = computed(() => (sort.value ? sortStrategies(list.value, sort.value.key, sort.value.desc) : list.value));

  return () => (
    <div class="strategies">
      <section class="card">
        <h2>
          Strategies{" "}
          {canTrade.value && (
            <button
              type="button"
              class="ghost"
              onClick={() => {
                creating.value = !creating.value;
                like.value = null;
              }}
              data-testid="strategy-new-open"
            >
              {creating.value ? "Close" : "New strategy"}
            </button>
          )}
        </h2>
        <table class="grid" data-testid="strategy-list">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  class={c.cls}
                  aria-sort={sort.value?.key !== c.key ? undefined : sort.value.desc ? "descending" : "ascending"}
                >
                  <button
                    type="button"
                    class="sort"
                    onClick={() => sortBy(c.key)}
                    data-testid={`strategy-sort-${c.key}`}
                  >
                    {c.label}
                    {sort.value?.key === c.key ? (sort.value.desc ? " ↓" : " ↑") : ""}
                  </button>
                </th>
              ))}
              <th class="wide-only">Instruments</th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((v) => {
              const pnl = pnlOf(v);
              const open = openOrdersOf(v);
              const engine = engineOf(v);
              return (
                <tr
                  key={v.id}
                  class={{ selected: v.id === selected.value }}
                  onClick={() => go(`${BASE}/${encodeURIComponent(v.id)}`)}
                  data-testid={`strategy-row-${v.id}`}
                >
                  <td>{v.name}</td>
                  <td>
                    {v.kind}
                    {engine && <small class="muted"> · {engine}</small>}
                  </td>
                  <td class="hide-narrow">{v.owner}</td>
                  <td>
                    <span class={`pill state-${v.state}`} data-testid="row-state">
                      {v.state}
                    </span>
                  </td>
                  <td class={`num ${pnl === null ? "" : pnl > 0 ? "up" : pnl < 0 ? "down" : ""}`}>
                    {pnl === null ? "–" : pnl.toFixed(2)}
                  </td>
                  <td class="num hide-narrow">{open ?? "–"}</td>
                  <td class="wide-only">{v.instruments.join(", ")}</td>
                </tr>
              );
            })}
            {list.value.length === 0 && (
              <tr>
                <td colspan={7} class="empty">
                  No strategies yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      {creating.value && canTrade.value && (
        <StrategyCreate
          key={like.value?.id ?? ""}
          instruments={instruments.value}
          from={like.value}
          onCreated={(v: StrategyView) => {
            creating.value = false;
            like.value = null;
            go(`${BASE}/${encodeURIComponent(v.id)}`);
          }}
        />
      )}
      {selected.value && (
        <StrategyDetail
          key={selected.value}
          id={selected.value}
          canManage={canManage}
          onDeleted={() => go(BASE)}
          onDuplicate={
            canTrade.value
              ? (v: StrategyView) => {
                  like.value = v;
                  creating.value = true;
                }
              : undefined
          }
          wide={!(creating.value && canTrade.value)}
        />
      )}
    </div>
  );
});
