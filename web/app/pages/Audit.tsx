// The audit log (admins): every order request, command, strategy and user change, newest first,
// with who, what, on what, the answer (status and code) and how long it took; narrowed by user
// and action, a page at a time (GET /api/audit; "Older" follows its cursor).
import { defineComponent, onMounted, shallowRef } from "vue";
import { errorText } from "../../client/http.ts";
import type { AuditRow } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { fmtDateTime } from "../format.ts";

const PAGE = 100;
/** A row's detail as one short line (its full JSON on hover). */
const detailOf = (d: unknown) => (d === undefined || d === null ? "" : JSON.stringify(d));

export const Audit = defineComponent(() => {
  const tw = useTradewire();
  const user = shallowRef("");
  const action = shallowRef("");
  const rows = shallowRef<AuditRow[]>([]);
  const next = shallowRef<string | null>(null);
  const busy = shallowRef(false);
  const error = shallowRef("");
  /** Actions seen so far, offered as the filter's choices. */
  const actions = shallowRef<string[]>([]);
  let gen = 0;

  /** The first page for the filters (`more`: the page after the rows shown). */
  const load = async (more = false) => {
    const my = more ? gen : ++gen;
    busy.value = true;
    error.value = "";
    try {
      const page = await tw.rest.history.audit({
        limit: String(PAGE),
        ...(user.value.trim() ? { user: user.value.trim() } : {}),
        ...(action.value.trim() ? { action: action.value.trim().toLowerCase() } : {}),
        ...(more && next.value ? { cursor: next.value } : {}),
      });
      if (my !== gen) return;
      rows.value = more ? [...rows.value, ...page.data] : page.data;
      next.value = page.next;
      actions.value = [...new Set([...actions.value, ...page.data.map((r) => r.action)])].sort();
    } catch (err) {
      if (my === gen) error.value = errorText(err);
    } finally {
      if (my === gen) busy.value = false;
    }
  };
  onMounted(() => load());

  const field = (label: string, value: typeof user, list?: string) => (
    <label>
      {label}
      <input
        value={value.value}
        list={list}
        onInput={(e: Event) => (value.value = (e.target as HTMLInputElement).value)}
        data-testid={`audit-${label.toLowerCase()}`}
      />
    </label>
  );

  return () => (
    <section class="card audit" data-testid="audit">
      <h2>Audit log</h2>
      <form
        class="row filters"
        onSubmit={(e: Event) => {
          e.preventDefault();
          void load();
        }}
      >
        {field("User", user)}
        {field("Action", action, "audit-actions")}
        <datalist id="audit-actions">
          {actions.value.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit" disabled={busy.value}>
          Show
        </button>
      </form>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <div>
        <table class="grid">
          <thead>
            <tr>
              <th>Time</th>
              <th>User</th>
              <th>Action</th>
              <th>Target</th>
              <th>Answer</th>
              <th class="num hide-narrow">ms</th>
              <th class="hide-narrow">Detail</th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((r, i) => (
              <tr key={`${r.ts}-${i}`} data-testid="audit-row">
                <td>{fmtDateTime(r.ts)}</td>
                <td>{r.user}</td>
                <td>{r.action}</td>
                <td class="cut" title={r.target}>
                  {r.target}
                </td>
                <td class={r.status >= 400 ? "down" : ""}>
                  {r.status} {r.code}
                </td>
                <td class="num hide-narrow">{r.ms.toFixed(1)}</td>
                <td class="cut hide-narrow muted" title={detailOf(r.detail)}>
                  {detailOf(r.detail)}
                </td>
              </tr>
            ))}
            {rows.value.length === 0 && !busy.value && (
              <tr>
                <td colspan={7} class="empty">
                  No entries.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {next.value && (
        <button type="button" class="ghost" disabled={busy.value} onClick={() => load(true)} data-testid="audit-older">
          Older
        </button>
      )}
    </section>
  );
});
