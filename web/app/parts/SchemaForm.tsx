// The inputs of a form generated from a JSON Schema (schema-form.ts): one per field, with its
// bounds and description as hints, the default as placeholder, its error under it, and a note
// per field (e.g. "live" or "applies when stopped") from the caller.
import { defineComponent } from "vue";
import { boundsOf, type Field, type FormValue, type FormValues } from "../schema-form.ts";

/** Text with its `code` spans as <code> (the kinds' descriptions name their params that way). */
export const withCode = (text: string) =>
  text.split("`").map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part));

export const SchemaFields = defineComponent(
  (props: {
    fields: Field[];
    values: FormValues;
    errors: Record<string, string>;
    onChange: (name: string, v: FormValue) => void;
    /** Fields that may not change now. */
    locked?: (name: string) => boolean;
    note?: (name: string) => string | null;
    testid?: string;
  }) => {
    const input = (f: Field) => {
      const v = props.values[f.name];
      const locked = props.locked?.(f.name) ?? false;
      const id = `${props.testid ?? "field"}-${f.name}`;
      const set = (e: Event) => {
        const t = e.target as HTMLInputElement | HTMLSelectElement;
        props.onChange(f.name, t instanceof HTMLInputElement && t.type === "checkbox" ? t.checked : t.value);
      };
      if (f.kind === "boolean")
        return <input id={id} type="checkbox" checked={v === true} disabled={locked} onChange={set} data-testid={id} />;
      if (f.kind === "enum")
        return (
          <select id={id} value={String(v ?? "")} disabled={locked} onChange={set} data-testid={id}>
            {!f.required && (
              <option value="">{f.default === undefined ? "–" : `default (${String(f.default)})`}</option>
            )}
            {f.options?.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        );
      const numeric = f.kind === "number" || f.kind === "integer";
      return (
        <input
          id={id}
          type={numeric ? "number" : "text"}
          inputmode={numeric ? "decimal" : undefined}
          step={f.kind === "integer" ? "1" : "any"}
          min={f.min}
          max={f.max}
          value={String(v ?? "")}
          placeholder={f.default === undefined ? (f.required ? "required" : "optional") : String(f.default)}
          disabled={locked}
          onInput={set}
          data-testid={id}
        />
      );
    };
    return () => (
      <div class="schema-fields">
        {props.fields.map((f) => {
          const err = props.errors[f.name];
          const note = props.note?.(f.name);
          const bounds = boundsOf(f);
          return (
            <label
              key={f.name}
              for={`${props.testid ?? "field"}-${f.name}`}
              class={{ invalid: !!err, check: f.kind === "boolean" }}
            >
              <span class="name">
                {f.name}
                {f.required && <abbr title="required"> *</abbr>}
                {note && <small class="tag"> {note}</small>}
              </span>
              {input(f)}
              {(f.description || bounds) && (
                <small class="muted hint">
                  {f.description && withCode(f.description)}
                  {f.description && bounds ? " · " : ""}
                  {bounds}
                </small>
              )}
              {err && (
                <span class="field-error" data-testid={`${props.testid ?? "field"}-${f.name}-error`}>
                  {err}
                </span>
              )}
            </label>
          );
        })}
      </div>
    );
  },
  { props: ["fields", "values", "errors", "onChange", "locked", "note", "testid"] },
);
