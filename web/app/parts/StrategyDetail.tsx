// One strategy live (useStrategy): state and reason, PnL and its curve over the run, positions,
// open orders, counters and log lines from `strategy:<id>`; for whoever may manage it, start,
// stop (keep orders or not), delete, and its params: live ones apply at once, the others only
// while it is stopped (an
// external strategy's form comes from its engine's schema, and its engine decides).
import { computed, defineComponent, shallowRef, watch } from "vue";
import { ApiRequestError } from "../../client/http.ts";
import type { StrategyView } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { engineOf, figuresOf, useStrategy, useStrategyKinds, useStrategyWrites } from "../../vue/strategies.ts";
import { fmtTime, fmtWhen } from "../format.ts";
import { byField, changed, type FormValues, fieldsOf, initialValues, toParams } from "../schema-form.ts";
import { Confirm } from "./Confirm.tsx";
import { PnlChart } from "./PnlChart.tsx";
import { SchemaFields } from "./SchemaForm.tsx";
import { StrategyFiguresView } from "./StrategyFigures.tsx";

const ACTIVE = new Set(["starting", "running", "stopping"]);

export const StrategyDetail = defineComponent(
  (props: {
    id: string;
    canManage: (v: StrategyView) => boolean;
    onDeleted: () => void;
    /** A new strategy like this one (for those who may create one). */
    onDuplicate?: (v: StrategyView) => void;
    /** The page's whole width: its figures and orders, and its params and log, side by side. */
    wide?: boolean;
  }) => {
    const tw = useTradewire();
    const { strategy, logs } = useStrategy(() => props.id);
    const kinds = useStrategyKinds();
    const put = useStrategyWrites();
    const keepOrders = shallowRef(false);
    const busy = shallowRef<string | null>(null);
    const error = shallowRef<string | null>(null);
    const asking = shallowRef(false);
    const values = shallowRef<FormValues>({});
    const before = shallowRef<FormValues>({});
    const paramErrors = shallowRef<Record<string, string>>({});
    const json = shallowRef("");

    const kind = computed(() => kinds.value.find((k) => k.name === strategy.value?.kind));
    // A built-in kind's params schema, or the one an external strategy's engine sent (if any).
    const schema = computed(() => kind.value?.params ?? strategy.value?.paramsSchema);
    const fields = computed(() => fieldsOf(schema.value));
    const running = computed(() => ACTIVE.has(strategy.value?.state ?? ""));
    // The form follows the strategy's params (a new object only when they were fetched again),
    // except fields the user is editing.
    let jsonBefore = "";
    watch(
      [() => strategy.value?.params, fields],
      ([p]) => {
        const next = initialValues(fields.value, p ?? {});
        if (changed(fields.value, values.value, before.value).size === 0) values.value = next;
        before.value = next;
        const text = JSON.stringify(p ?? {}, null, 2);
        if (json.value === jsonBefore) json.value = text;
        jsonBefore = text;
      },
      { immediate: true },
    );

    const act = async (what: string, call: () => Promise<StrategyView | undefined>) => {
      busy.value = what;
      error.value = null;
      try {
        const v = await call();
        if (v) put(v);
        return true;
      } catch (err) {
        if (!(err instanceof ApiRequestError)) throw err;
        error.value = err.message;
        paramErrors.value = byField(err.details);
        return false;
      } finally {
        busy.value = null;
      }
    };

    const saveParams = async () => {
      const v = strategy.value;
      if (!v) return;
      let params: Record<string, unknown>;
      if (!schema.value) {
        try {
          params = JSON.parse(json.value) as Record<string, unknown>;
        } catch {
          error.value = "params: not valid JSON";
          return;
        }
      } else {
        const only = changed(fields.value, values.value, before.value);
        const r = toParams(fields.value, values.value, only);
        paramErrors.value = r.errors;
        if (Object.keys(r.errors).length || only.size === 0) return;
        params = r.params;
      }
      if (await act("params", () => tw.rest.strategies.update(v.id, { params }))) paramErrors.value = {};
    };

    // An external strategy's engine decides what applies live: its fields are never locked here.
    const live = (n: string) => !kind.value || kind.value.liveParams.includes(n);
    const note = (n: string) => (!kind.value ? null : live(n) ? "live" : running.value ? "when stopped" : null);

    return () => {
      const v = strategy.value;
      if (!v) return <section class="card">Loading {props.id}…</section>;
      const manage = props.canManage(v);
      const engine = engineOf(v);
      const figures = figuresOf(v);
      return (
        <section class={{ card: true, strategy: true, wide: props.wide }} data-testid={`strategy-${v.id}`}>
          <h2>
            {v.name}{" "}
            <span class={`pill state-${v.state}`} data-testid="strategy-state">
              {v.state}
            </span>
          </h2>
          <p class="muted">
            {v.kind}
            {engine && (
              <>
                {" "}
                on engine <strong data-testid="strategy-engine">{engine}</strong>
              </>
            )}{" "}
            · {v.owner} · {v.instruments.join(", ")} · updated {fmtWhen(v.updatedAt)}
          </p>
          {v.reason && (
            <p class={v.state === "error" ? "error" : "muted"} data-testid="strategy-reason">
              {v.reason}
            </p>
          )}
          {(manage || (props.onDuplicate && v.kind !== "external")) && (
            <div class="row" data-testid="strategy-controls">
              {manage && !running.value && (
                <button
                  type="button"
                  class="primary"
                  disabled={!!busy.value}
                  onClick={() => act("start", () => tw.rest.strategies.start(v.id))}
                  data-testid="strategy-start"
                >
                  Start
                </button>
              )}
              {manage && running.value && (
                <>
                  <button
                    type="button"
                    class="danger"
                    disabled={!!busy.value}
                    onClick={() => act("stop", () => tw.rest.strategies.stop(v.id, keepOrders.value))}
                    data-testid="strategy-stop"
                  >
                    Stop
                  </button>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={keepOrders.value}
                      onChange={(e: Event) => (keepOrders.value = (e.target as HTMLInputElement).checked)}
                      data-testid="strategy-keep-orders"
                    />
                    keep its open orders
                  </label>
                </>
              )}
              {manage && !running.value && v.kind !== "external" && (
                <button type="button" class="ghost" onClick={() => (asking.value = true)} data-testid="strategy-delete">
                  Delete
                </button>
              )}
              {props.onDuplicate && v.kind !== "external" && (
                <button
                  type="button"
                  class="ghost"
                  onClick={() => props.onDuplicate?.(v)}
                  data-testid="strategy-duplicate"
                  title="A new strategy with this one's kind, instruments, params and limits: to change, backtest or create"
                >
                  Duplicate
                </button>
              )}
            </div>
          )}
          {error.value && (
            <p class="error" role="alert" data-testid="strategy-error">
              {error.value}
            </p>
          )}
          <div class="strategy-body">
            <div class="strategy-live">
              {figures ? (
                <>
                  <StrategyFiguresView figures={figures} />
                  {v.kind !== "external" && (
                    <PnlChart id={v.id} total={figures.pnl.total} startedAt={figures.startedAt} />
                  )}
                </>
              ) : (
                <pre class="figures-raw" data-testid="strategy-figures">
                  {JSON.stringify(v.figures, null, 2)}
                </pre>
              )}
            </div>
            <div class="strategy-setup">
              <h3>Params</h3>
              {schema.value ? (
                <SchemaFields
                  fields={fields.value}
                  values={values.value}
                  errors={paramErrors.value}
                  onChange={(n: string, x: string | boolean) => (values.value = { ...values.value, [n]: x })}
                  locked={(n: string) => !manage || (running.value && !live(n))}
                  note={note}
                  testid="param"
                />
              ) : (
                <textarea
                  class="json"
                  rows={6}
                  readonly={!manage}
                  value={json.value}
                  onInput={(e: Event) => (json.value = (e.target as HTMLTextAreaElement).value)}
                  data-testid="param-json"
                />
              )}
              {manage && (
                <button
                  type="button"
                  class="ghost"
                  disabled={!!busy.value}
                  onClick={saveParams}
                  data-testid="strategy-save-params"
                >
                  {busy.value === "params" ? "Saving…" : running.value ? "Apply live params" : "Save params"}
                </button>
              )}
              <h3>Log</h3>
              <ol class="log" data-testid="strategy-log">
                {logs.value.map((l, i) => (
                  <li key={`${l.ts}-${i}`} class={l.level}>
                    <time>{fmtTime(l.ts)}</time> {l.msg}
                  </li>
                ))}
              </ol>
            </div>
          </div>
          {asking.value && (
            <Confirm
              title={`Delete ${v.name}?`}
              text="The strategy and its configuration go; its history stays in the audit log."
              action="Delete"
              danger
              onYes={async () => {
                asking.value = false;
                if (await act("delete", () => tw.rest.strategies.remove(v.id).then(() => undefined))) props.onDeleted();
              }}
              onNo={() => (asking.value = false)}
            />
          )}
        </section>
      );
    };
  },
  { props: ["id", "canManage", "onDeleted", "onDuplicate", "wide"] },
);
