// The Fills panel's export: every fill of a period (the last day, week, month, or all) as a CSV
// file (export.ts) the browser downloads, with how many it held.
import { defineComponent, shallowRef } from "vue";
import { errorText } from "../../client/http.ts";
import { useTradewire } from "../../vue/context.ts";
import { collect, FILL_COLUMNS, toCsv } from "../export.ts";

const DAY = 86_400_000;
const PERIODS: { label: string; ms: number | null }[] = [
  { label: "last 24 h", ms: DAY },
  { label: "last 7 days", ms: 7 * DAY },
  { label: "last 30 days", ms: 30 * DAY },
  { label: "all", ms: null },
];
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Hands `text` to the browser as a file download. */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const ExportFills = defineComponent(() => {
  const tw = useTradewire();
  const period = shallowRef(1);
  const busy = shallowRef(false);
  const note = shallowRef("");
  const error = shallowRef("");

  const run = async () => {
    busy.value = true;
    note.value = error.value = "";
    const to = Date.now();
    const span = PERIODS[period.value]?.ms ?? null;
    const from = span === null ? undefined : to - span;
    try {
      const { rows, complete } = await collect((cursor) =>
        tw.rest.history.fills({
          ...(from !== undefined ? { from: String(from) } : {}),
          to: String(to),
          limit: "1000",
          ...(cursor ? { cursor } : {}),
        }),
      );
      rows.reverse(); // oldest first, as a ledger reads
      download(`tradewire-fills-${day(from ?? rows[0]?.ts ?? to)}-to-${day(to)}.csv`, toCsv(rows, FILL_COLUMNS));
      note.value = complete ? `${rows.length} fills` : `the newest ${rows.length} fills only`;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  };

  return () => (
    <span class="export" data-testid="export-fills">
      <select
        aria-label="Fills of"
        value={period.value}
        onChange={(e: Event) => (period.value = Number((e.target as HTMLSelectElement).value))}
      >
        {PERIODS.map((p, i) => (
          <option key={p.label} value={i}>
            {p.label}
          </option>
        ))}
      </select>
      <button type="button" class="ghost small" disabled={busy.value} onClick={run}>
        {busy.value ? "Exporting…" : "Export CSV"}
      </button>
      {note.value && <small class="muted">{note.value}</small>}
      {error.value && <small class="error">{error.value}</small>}
    </span>
  );
});
