// A form from a JSON Schema object (a strategy kind's params): its fields with type, bounds,
// default and description, the values as the inputs hold them (text and booleans), and back to
// params. Only what a flat params object uses: number, integer, enum, boolean, string. Pure.

export type FieldKind = "number" | "integer" | "enum" | "boolean" | "string";

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  default?: unknown;
  options?: string[];
  min?: number;
  max?: number;
  /** The bound itself is not allowed (exclusiveMinimum/Maximum). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  minLength?: number;
  maxLength?: number;
}

/** What an input holds: text for numbers, enums and strings; a boolean for checkboxes. */
export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** The fields of an object schema, in its order; properties of another shape are left out. */
export function fieldsOf(schema: unknown): Field[] {
  const s = obj(schema);
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const out: Field[] = [];
  for (const [name, raw] of Object.entries(obj(s.properties))) {
    const p = obj(raw);
    const base = {
      name,
      required: required.has(name),
      ...(typeof p.description === "string" ? { description: p.description } : {}),
      ...("default" in p ? { default: p.default } : {}),
    };
    if (Array.isArray(p.enum) && p.enum.every((x) => typeof x === "string")) {
      out.push({ ...base, kind: "enum", options: p.enum as string[] });
    } else if (p.type === "number" || p.type === "integer") {
      const exMin = num(p.exclusiveMinimum);
      const exMax = num(p.exclusiveMaximum);
      const min = exMin ?? num(p.minimum);
      const max = exMax ?? num(p.maximum);
      out.push({
        ...base,
        kind: p.type,
        ...(min !== undefined ? { min, minExclusive: exMin !== undefined } : {}),
        ...(max !== undefined ? { max, maxExclusive: exMax !== undefined } : {}),
      });
    } else if (p.type === "boolean") {
      out.push({ ...base, kind: "boolean" });
    } else if (p.type === "string") {
      const minLength = num(p.minLength);
      const maxLength = num(p.maxLength);
      out.push({
        ...base,
        kind: "string",
        ...(minLength !== undefined ? { minLength } : {}),
        ...(maxLength !== undefined ? { maxLength } : {}),
      });
    }
  }
  return out;
}

/** The inputs' starting values: the given params, else the defaults (numbers as text; empty = default). */
export function initialValues(fields: Field[], params: Record<string, unknown> = {}): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = f.name in params ? params[f.name] : f.default;
    if (f.kind === "boolean") out[f.name] = v === true;
    else if (f.kind === "enum" && v === undefined && f.required) out[f.name] = f.options?.[0] ?? "";
    else out[f.name] = v === undefined || v === null ? "" : String(v);
  }
  return out;
}

/** "1 – 50", "> 0", "≥ 0 · ≤ 10": the bounds as a hint. */
export function boundsOf(f: Field): string {
  const parts: string[] = [];
  if (f.min !== undefined && f.max !== undefined && !f.minExclusive && !f.maxExclusive) return `${f.min} – ${f.max}`;
  if (f.min !== undefined) parts.push(`${f.minExclusive ? ">" : "≥"} ${f.min}`);
  if (f.max !== undefined) parts.push(`${f.maxExclusive ? "<" : "≤"} ${f.max}`);
  if (f.minLength !== undefined || f.maxLength !== undefined)
    parts.push(`${f.minLength ?? 0} – ${f.maxLength ?? "…"} characters`);
  return parts.join(" · ");
}

/**
 * The params from the inputs: numbers parsed, empty optional fields left out (the server fills in
 * defaults), only `only` when given (a change). Errors name what cannot be read at all; bounds
 * are the server's to check, its 400 names the field.
 */
export function toParams(
  fields: Field[],
  values: FormValues,
  only?: ReadonlySet<string>,
): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    if (only && !only.has(f.name)) continue;
    const v = values[f.name];
    if (f.kind === "boolean") {
      params[f.name] = v === true;
      continue;
    }
    const text = typeof v === "string" ? v.trim() : "";
    if (text === "") {
      if (f.required && f.default === undefined) errors[f.name] = "required";
      else if (only) params[f.name] = null; // a change that clears the field: back to its default
      continue;
    }
    if (f.kind === "number" || f.kind === "integer") {
      const n = Number(text);
      if (!Number.isFinite(n)) errors[f.name] = "a number";
      else if (f.kind === "integer" && !Number.isInteger(n)) errors[f.name] = "a whole number";
      else params[f.name] = n;
    } else params[f.name] = text;
  }
  return { params, errors };
}

/** The names whose input differs from `before` (the fields a change sends). */
export function changed(fields: Field[], values: FormValues, before: FormValues): Set<string> {
  return new Set(fields.filter((f) => values[f.name] !== before[f.name]).map((f) => f.name));
}

/**
 * Error details of a 400/409 by field: `params.levels` -> `levels` (with the default prefix),
 * other fields as named (`name`, `instruments`, `limits.maxPosition`); the first message wins.
 */
export function byField(
  details: ReadonlyArray<{ field?: string; message: string }>,
  prefix = "params.",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details) {
    if (!d.field) continue;
    const f = d.field.replace(/^json\./, "");
    out[f.startsWith(prefix) ? f.slice(prefix.length) : f] ??= d.message;
  }
  return out;
}
