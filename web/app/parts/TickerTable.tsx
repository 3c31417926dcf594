// Instruments with their live last price, 24h change, best bid/ask and 24h turnover in the quote
// currency (spot and derivatives alike, see turnover.ts), and a mark where
// the user has set a price alert; a click selects the instrument, a star puts it at the top. A
// filter narrows the list by name (Enter picks the first match, the arrows the next or previous
// one, Escape clears it; "/" anywhere on the page goes to it), and a click on a column's header
// sorts by it (again: the other way); sorted by a live column, the list is put in order again
// every second, not on every tick, so rows do not jump under the pointer. The table renders its
// rows (one per instrument, keyed); each row re-renders only when it is (de)selected or
// (un)starred, and writes its prices in place when its ticker changes: fifty instruments ticking
// ten times a second cost text writes, not re-renders.
//
// The list repaints five times a second, in every second update of the page: fifty prices
// changing ten times a second cannot be read at that rate, while the selected instrument's book,
// tape and chart, where a trader acts, keep every update. The list's text is most of a frame's
// layout, so this takes it out of every other frame.
import { computed, defineComponent, onMounted, onUnmounted, shallowRef, toRaw, watch } from "vue";
import type { Ticker } from "../../client/types.ts";
import { useAlerts } from "../../vue/alerts.ts";
import { onNextFrame } from "../../vue/frame.ts";
import { useDigits } from "../digits.ts";
import { favourites, toggleFavourite } from "../favourites.ts";
import { type Digits, fmtPct, fmtPx, fmtQty, pctChange } from "../format.ts";
import { LiveCell } from "../live.ts";
import { turnover24h } from "../turnover.ts";

/** The least time between two repaints of the list. */
const LIST_GAP_MS = 200;
/** Each mounted row's paint; a row writes only when its ticker changed since it last painted. */
const rows = new Set<() => void>();
/** Runs after the stores' flush in the same update, so every row shows what that update brought. */
const repaint = () => {
  for (const paint of rows) paint();
};

const Row = defineComponent(
  (props: {
    tickers: Map<string, Ticker>;
    digits: (instId: string) => Digits | undefined;
    instId: string;
    selected: boolean;
    alerted: boolean;
    favourite: boolean;
    onPick: (instId: string) => void;
  }) => {
    const ticker = computed(() => props.tickers.get(props.instId));
    const row = shallowRef<HTMLTableRowElement | null>(null);
    let cells: LiveCell[] = [];
    let dir = "";
    /** The ticker the row shows; its last price against the new one gives the arrow's direction. */
    let painted: Ticker | undefined;
    /** The instrument's decimals, once its rules are loaded. */
    let known: Digits | undefined;
    const paint = () => {
      const t = ticker.value;
      const [last, change, bid, ask, vol] = cells;
      if (t === painted || !t || !last || !change || !bid || !ask || !vol) return;
      if (painted && t.last !== painted.last) dir = Number(t.last) > Number(painted.last) ? " up" : " down";
      painted = t;
      known ??= props.digits(props.instId);
      last.set(fmtPx(t.last, known?.px), `num last${dir}`);
      const ch = pctChange(t.last, t.open24h);
      change.set(fmtPct(ch), ch === null ? "num" : ch >= 0 ? "num up" : "num down");
      bid.set(fmtPx(t.bidPx, known?.px));
      ask.set(fmtPx(t.askPx, known?.px));
      vol.set(fmtQty(turnover24h(t)));
    };
    onMounted(() => {
      cells = [...(row.value?.cells ?? [])].slice(1).map((td) => new LiveCell(td));
      rows.add(paint);
      paint();
    });
    watch(ticker, () => onNextFrame(repaint, LIST_GAP_MS));
    onUnmounted(() => rows.delete(paint));
    return () => (
      <tr
        ref={row}
        class={{ selected: props.selected }}
        onClick={() => props.onPick(props.instId)}
        data-testid={`ticker-${props.instId}`}
      >
        <td class="inst" title={props.instId}>
          <button
            type="button"
            class={{ star: true, on: props.favourite }}
            aria-pressed={props.favourite}
            aria-label={`${props.favourite ? "Unstar" : "Star"} ${props.instId}`}
            onClick={(e: MouseEvent) => {
              e.stopPropagation();
              toggleFavourite(props.instId);
            }}
            data-testid="star"
          >
            {props.favourite ? "★" : "☆"}
          </button>
          {props.instId}
          {props.alerted && (
            <span class="alert-mark" title="A price alert is set" data-testid="alert-mark">
              {" "}
              ◆
            </span>
          )}
        </td>
        <td class="num last" data-testid="last" />
        <td class="num" />
        <td class="num list-wide" />
        <td class="num list-wide" />
        <td class="num list-mid hide-narrow" />
      </tr>
    );
  },
  { props: ["tickers", "digits", "instId", "selected", "alerted", "favourite", "onPick"] },
);

type SortKey = "inst" | "last" | "change" | "bid" | "ask" | "vol";
interface Sort {
  key: SortKey;
  desc: boolean;
}
const COLUMNS: { key: SortKey; label: string; cls: string; title?: string }[] = [
  { key: "inst", label: "Instrument", cls: "" },
  { key: "last", label: "Last", cls: "num" },
  { key: "change", label: "24h", cls: "num" },
  { key: "bid", label: "Bid", cls: "num list-wide" },
  { key: "ask", label: "Ask", cls: "num list-wide" },
  { key: "vol", label: "Vol", cls: "num list-mid hide-narrow", title: "24h turnover in the quote currency" },
];
/** How often a list sorted by a live column is put in order again. */
const RESORT_MS = 1000;
const SORT_KEY = "tradewire.instruments.sort";

function savedSort(): Sort {
  try {
    const s = JSON.parse(localStorage.getItem(SORT_KEY) ?? "null") as Sort | null;
    if (s && COLUMNS.some((c) => c.key === s.key)) return { key: s.key, desc: s.desc === true };
  } catch {}
  return { key: "inst", desc: false };
}

/** Each live column's figure in a ticker. */
const FIGURES: Record<Exclude<SortKey, "inst">, (t: Ticker) => number> = {
  last: (t) => Number(t.last),
  change: (t) => pctChange(t.last, t.open24h) ?? Number.NaN,
  bid: (t) => Number(t.bidPx),
  ask: (t) => Number(t.askPx),
  vol: turnover24h,
};

/** A ticker's figure in a live column (missing ones sort below every other). */
function figure(t: Ticker | undefined, key: Exclude<SortKey, "inst">): number {
  const n = t ? FIGURES[key](t) : Number.NaN;
  return Number.isFinite(n) ? n : Number.NEGATIVE_INFINITY;
}

const sameOrder = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const TickerTable = defineComponent(
  (props: { tickers: Map<string, Ticker>; selected: string; onPick: (instId: string) => void }) => {
    const digits = useDigits();
    const alerts = useAlerts();
    const alerted = computed(() => new Set(alerts.waiting.value.map((a) => a.instId)));
    const filter = shallowRef("");
    const sort = shallowRef<Sort>(savedSort());
    /** Moves every RESORT_MS while the list is sorted by a live column. */
    const clock = shallowRef(0);
    let timer: ReturnType<typeof setInterval> | undefined;
    watch(
      sort,
      (s) => {
        clearInterval(timer);
        timer = s.key === "inst" ? undefined : setInterval(() => clock.value++, RESORT_MS);
      },
      { immediate: true },
    );
    onUnmounted(() => clearInterval(timer));
    let shown: string[] = [];
    const ids = computed(() => {
      const all = [...props.tickers.keys()]; // tracks instruments coming and going, not their prices
      void clock.value;
      const { key, desc } = sort.value;
      const f = filter.value.trim().toUpperCase();
      const raw = toRaw(props.tickers);
      const dir = desc ? -1 : 1;
      const starred = favourites.value;
      const star = (id: string) => (starred.has(id) ? 0 : 1);
      const next = (f ? all.filter((id) => id.includes(f)) : all).sort(
        (a, b) =>
          star(a) - star(b) ||
          (key === "inst"
            ? a.localeCompare(b) * dir
            : (figure(raw.get(a), key) - figure(raw.get(b), key)) * dir || a.localeCompare(b)),
      );
      // The same order is the same array: the table does not render again.
      if (!sameOrder(next, shown)) shown = next;
      return shown;
    });
    const sortBy = (key: SortKey) => {
      const s = sort.value;
      sort.value = s.key === key ? { key, desc: !s.desc } : { key, desc: key !== "inst" };
      localStorage.setItem(SORT_KEY, JSON.stringify(sort.value));
    };
    /** The sorted column's arrow; none for the usual order (by name, A to Z), which needs no saying. */
    const arrow = (key: SortKey) => {
      const s = sort.value;
      if (s.key !== key || (key === "inst" && !s.desc)) return "";
      return s.desc ? " ↓" : " ↑";
    };
    const ariaSort = (key: SortKey) =>
      sort.value.key !== key ? undefined : sort.value.desc ? "descending" : "ascending";
    /** From the filter, the keyboard picks: Enter the first match, arrows the next or previous one, Escape clears. */
    const keys = (e: KeyboardEvent) => {
      const list = ids.value;
      const at = list.indexOf(props.selected);
      const to =
        e.key === "Enter"
          ? list[0]
          : e.key === "ArrowDown"
            ? list[Math.min(at + 1, list.length - 1)]
            : e.key === "ArrowUp"
              ? list[Math.max(at - 1, 0)]
              : undefined;
      if (e.key === "Escape") filter.value = "";
      else if (!to) return;
      else props.onPick(to);
      e.preventDefault();
    };
    /** "/" on the page (not while typing elsewhere) goes to the filter, as in most tools with a search box. */
    const input = shallowRef<HTMLInputElement | null>(null);
    const slash = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
      e.preventDefault();
      input.value?.focus();
    };
    onMounted(() => document.addEventListener("keydown", slash));
    onUnmounted(() => document.removeEventListener("keydown", slash));
    return () => (
      <>
        <input
          ref={input}
          type="search"
          class="filter"
          placeholder="Filter"
          aria-label="Filter instruments"
          value={filter.value}
          onInput={(e: Event) => (filter.value = (e.target as HTMLInputElement).value)}
          onKeydown={keys}
          data-testid="ticker-filter"
        />
        <div class="rows">
          <table class="grid tickers" data-testid="tickers">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.key} class={c.cls} title={c.title} aria-sort={ariaSort(c.key)}>
                    <button type="button" class="sort" onClick={() => sortBy(c.key)} data-testid={`sort-${c.key}`}>
                      {c.label}
                      {arrow(c.key)}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ids.value.map((id) => (
                <Row
                  key={id}
                  tickers={props.tickers}
                  digits={digits}
                  instId={id}
                  selected={id === props.selected}
                  alerted={alerted.value.has(id)}
                  favourite={favourites.value.has(id)}
                  onPick={props.onPick}
                />
              ))}
              {ids.value.length === 0 && (
                <tr>
                  <td colspan={6} class="empty">
                    {props.tickers.size === 0 ? "Waiting for market data…" : `No instrument matches “${filter.value}”.`}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </>
    );
  },
  { props: ["tickers", "selected", "onPick"] },
);
