// A new strategy: its kind, name and instruments, the params form generated from the kind's JSON
// Schema and optional risk limits; the server validates, and each error of its 400 shows on the
// field it names. Started from another strategy (`from`: Duplicate), the form holds its settings.
// Backtest runs the form as it stands over a past period of one instrument (POST /api/backtests)
// and shows what it did (BacktestView), before anything is created.
import { computed, defineComponent, shallowRef, watch } from "vue";
import { ApiRequestError } from "../../client/http.ts";
import type { BacktestResult, StrategyView } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { useStrategyKinds, useStrategyWrites } from "../../vue/strategies.ts";
import { byField, type FormValues, fieldsOf, initialValues, toParams } from "../schema-form.ts";
import { BacktestView } from "./BacktestView.tsx";
import { SchemaFields, withCode } from "./SchemaForm.tsx";

/** Periods a backtest looks back over, in hours. */
const PERIODS = [
  { hours: 6, label: "last 6 hours" },
  { hours: 24, label: "last day" },
  { hours: 72, label: "last 3 days" },
  { hours: 168, label: "last 7 days" },
] as const;

const LIMITS = [
  { name: "maxPosition", hint: "largest position per instrument (base units)" },
  { name: "maxOrderNotional", hint: "largest value of one order (quote currency)" },
  { name: "maxOrdersPerSecond", hint: "orders per second" },
] as const;

export const StrategyCreate = defineComponent(
  (props: { instruments: string[]; from?: StrategyView | null; onCreated: (v: StrategyView) => void }) => {
    const tw = useTradewire();
    const kinds = useStrategyKinds();
    const put = useStrategyWrites();
    const from = props.from ?? null;
    const kindName = shallowRef(from?.kind ?? "");
    const name = shallowRef(from ? `${from.name}-copy`.slice(0, 64) : "");
    const picked = shallowRef<string[]>(from?.instruments ?? []);
    const values = shallowRef<FormValues>({});
    const limits = shallowRef<Record<string, string>>(
      Object.fromEntries(Object.entries(from?.limits ?? {}).map(([k, v]) => [k, String(v)])),
    );
    const errors = shallowRef<Record<string, string>>({});
    const formError = shallowRef<string | null>(null);
    const busy = shallowRef(false);
    const period = shallowRef(24);
    /** A backtest's position at the start (a stop guards one): signed, empty for flat. */
    const startPosition = shallowRef("");
    const testing = shallowRef(false);
    const tested = shallowRef<BacktestResult | null>(null);

    const kind = computed(() => kinds.value.find((k) => k.name === kindName.value) ?? kinds.value[0]);
    const fields = computed(() => fieldsOf(kind.value?.params));
    /** The name the form last gave (its kind's), not one the user typed. */
    let given = "";
    watch(
      kind,
      (k) => {
        // The duplicated strategy's params while its kind is picked, the kind's defaults otherwise.
        values.value = initialValues(fieldsOf(k?.params), k && k.name === from?.kind ? from.params : {});
        errors.value = {};
        // A name the form gave follows the kind; one the user typed stays.
        if (k && (!name.value || name.value === given)) name.value = given = `${k.name}-1`;
      },
      { immediate: true },
    );

    const toggle = (instId: string, on: boolean) => {
      picked.value = on ? [...picked.value, instId] : picked.value.filter((i) => i !== instId);
    };

    /** The form's kind, params and limits, or null with what is wrong shown on the fields. */
    const collect = () => {
      const k = kind.value;
      if (!k) return null;
      formError.value = null;
      const { params, errors: bad } = toParams(fields.value, values.value);
      const lim: Record<string, number> = {};
      for (const l of LIMITS) {
        const t = (limits.value[l.name] ?? "").trim();
        if (t === "") continue;
        if (Number.isFinite(Number(t))) lim[l.name] = Number(t);
        else bad[`limits.${l.name}`] = "a number";
      }
      errors.value = bad;
      if (Object.keys(bad).length) return null;
      return { kind: k.name, instruments: picked.value, params, ...(Object.keys(lim).length ? { limits: lim } : {}) };
    };
    const refused = (err: unknown) => {
      if (!(err instanceof ApiRequestError)) throw err;
      errors.value = byField(err.details);
      if (Object.keys(errors.value).length === 0) formError.value = err.message;
    };

    const submit = async (e: Event) => {
      e.preventDefault();
      const input = collect();
      if (!input) return;
      busy.value = true;
      try {
        const v = await tw.rest.strategies.create({ name: name.value.trim(), ...input });
        put(v);
        props.onCreated(v);
      } catch (err) {
        refused(err);
      } finally {
        busy.value = false;
      }
    };

    const backtest = async () => {
      const input = collect();
      if (!input) return;
      const held = startPosition.value.trim();
      if (held !== "" && !Number.isFinite(Number(held))) {
        errors.value = { startPosition: "a number (a short below 0)" };
        return;
      }
      testing.value = true;
      tested.value = null;
      try {
        const to = Date.now();
        tested.value = await tw.rest.backtests.run({
          ...input,
          from: to - period.value * 3_600_000,
          to,
          ...(held !== "" ? { startPosition: Number(held) } : {}),
        });
      } catch (err) {
        refused(err);
      } finally {
        testing.value = false;
      }
    };

    const err = (f: string) =>
      errors.value[f] && (
        <span class="field-error" data-testid={`new-${f.replace(".", "-")}-error`}>
          {errors.value[f]}
        </span>
      );

    return () => {
      const k = kind.value;
      return (
        <form class="card strategy-new" onSubmit={submit} novalidate data-testid="strategy-new">
          <h2>{from ? `New strategy like ${from.name}` : "New strategy"}</h2>
          <label class={{ invalid: !!errors.value.kind }}>
            Kind
            <select
              value={k?.name ?? ""}
              onChange={(e: Event) => (kindName.value = (e.target as HTMLSelectElement).value)}
              data-testid="new-kind"
            >
              {kinds.value.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.title}
                </option>
              ))}
            </select>
            {k && <small class="muted hint">{withCode(k.description)}</small>}
            {err("kind")}
          </label>
          <label class={{ invalid: !!errors.value.name }}>
            Name
            <input
              value={name.value}
              maxlength={64}
              onInput={(e: Event) => (name.value = (e.target as HTMLInputElement).value)}
              data-testid="new-name"
            />
            {err("name")}
          </label>
          <fieldset class={{ invalid: !!errors.value.instruments }}>
            <legend>
              Instruments{" "}
              {k && (
                <small class="muted">
                  (
                  {k.instruments.min === k.instruments.max
                    ? k.instruments.min
                    : `${k.instruments.min}–${k.instruments.max}`}
                  )
                </small>
              )}
            </legend>
            <div class="checks">
              {props.instruments.map((i) => (
                <label key={i} class="check">
                  <input
                    type="checkbox"
                    checked={picked.value.includes(i)}
                    onChange={(e: Event) => toggle(i, (e.target as HTMLInputElement).checked)}
                    data-testid={`new-inst-${i}`}
                  />
                  {i}
                </label>
              ))}
            </div>
            {err("instruments")}
          </fieldset>
          <h3>Params</h3>
          <SchemaFields
            fields={fields.value}
            values={values.value}
            errors={errors.value}
            onChange={(n: string, v: string | boolean) => (values.value = { ...values.value, [n]: v })}
            note={(n: string) => (k?.liveParams.includes(n) ? "live" : null)}
            testid="new-param"
          />
          <details>
            <summary>Risk limits</summary>
            {LIMITS.map((l) => (
              <label key={l.name} class={{ invalid: !!errors.value[`limits.${l.name}`] }}>
                {l.name}
                <input
                  type="number"
                  step="any"
                  placeholder="default"
                  value={limits.value[l.name] ?? ""}
                  onInput={(e: Event) =>
                    (limits.value = { ...limits.value, [l.name]: (e.target as HTMLInputElement).value })
                  }
                  data-testid={`new-limits-${l.name}`}
                />
                <small class="muted hint">{l.hint}</small>
                {err(`limits.${l.name}`)}
              </label>
            ))}
          </details>
          {formError.value && (
            <p class="error" role="alert" data-testid="new-error">
              {formError.value}
            </p>
          )}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy.value || !k} data-testid="new-submit">
              {busy.value ? "Creating…" : "Create (stopped)"}
            </button>
            <select
              value={period.value}
              onChange={(e: Event) => (period.value = Number((e.target as HTMLSelectElement).value))}
              aria-label="backtest period"
              data-testid="backtest-period"
            >
              {PERIODS.map((p) => (
                <option key={p.hours} value={p.hours}>
                  {p.label}
                </option>
              ))}
            </select>
            <input
              class={{ held: true, invalid: !!errors.value.startPosition }}
              inputmode="decimal"
              placeholder="held at start: flat"
              title="the backtest starts holding this (signed: a short below 0), bought at the first bar's open: a stop's position"
              value={startPosition.value}
              onInput={(e: Event) => (startPosition.value = (e.target as HTMLInputElement).value)}
              data-testid="backtest-start-position"
            />
            <button
              type="button"
              disabled={testing.value || !k}
              onClick={backtest}
              title="run these settings over the period's minute bars against a paper exchange: nothing is sent"
              data-testid="backtest-run"
            >
              {testing.value ? "Backtesting…" : "Backtest"}
            </button>
          </div>
          {err("startPosition")}
          {tested.value && <BacktestView result={tested.value} />}
        </form>
      );
    };
  },
  { props: ["instruments", "from", "onCreated"] },
);
