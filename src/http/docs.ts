// /openapi.json and /docs: the route registry as an OpenAPI document and as one self-contained
// HTML page rendered on the server (no CDN, no script), so the reference works offline.
import { Hono } from "hono";
import { z } from "zod";
import { buildOpenApi, doc, routeDocs } from "./openapi.ts";

type Info = { title: string; version: string };
type Json = Record<string, unknown>;

/**
 * The docs sub-app; mount it at the root so the two paths match what it records.
 * @example app.route("/", docsRoutes({ title: "tradewire", version: "0.1.0" }))
 */
export function docsRoutes(info: Info): Hono {
  const app = new Hono();
  // Routes register at import time and the registry only grows: rebuild when it has.
  let cached: { size: number; spec: Json; html: string } | undefined;
  const current = () => {
    const size = routeDocs().length;
    if (cached?.size !== size) {
      const spec = buildOpenApi(info);
      cached = { size, spec, html: renderDocs(spec) };
    }
    return cached;
  };

  doc({
    method: "get",
    path: "/openapi.json",
    summary: "This API as an OpenAPI 3.1 document",
    tags: ["ops"],
    responses: { 200: { description: "the OpenAPI document", schema: z.record(z.string(), z.unknown()) } },
  });
  app.get("/openapi.json", (c) => c.json(current().spec));

  doc({
    method: "get",
    path: "/docs",
    summary: "This API as a readable HTML reference",
    tags: ["ops"],
    responses: { 200: { description: "HTML page", contentType: "text/html", schema: z.string() } },
  });
  app.get("/docs", (c) => {
    // The page loads nothing: say so to the browser too.
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    return c.html(current().html);
  });
  return app;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const objs = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObj) : []);
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** A short type label: `string`, `"buy" | "sell"`, `array<integer>`, `string | null`. */
export function typeLabel(s: Json): string {
  if (typeof s.$ref === "string") return s.$ref.split("/").pop() ?? "object";
  if ("const" in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const union = objs(s.anyOf ?? s.oneOf);
  if (union.length) return union.map(typeLabel).join(" | ");
  const types = Array.isArray(s.type) ? s.type.map(String) : typeof s.type === "string" ? [s.type] : [];
  if (!types.length) return "any";
  return types.map((t) => (t === "array" && isObj(s.items) ? `array<${typeLabel(s.items)}>` : t)).join(" | ");
}

/** Constraints worth reading: format, bounds, lengths, default, description. */
function notes(s: Json): string[] {
  const out: string[] = [];
  const num = (k: string, label: string) => {
    const v = s[k];
    if (typeof v === "number" && Math.abs(v) < SAFE_INT) out.push(`${label} ${v}`);
  };
  if (typeof s.format === "string") out.push(s.format);
  num("minimum", "≥");
  num("exclusiveMinimum", ">");
  num("maximum", "≤");
  num("exclusiveMaximum", "<");
  num("minLength", "min length");
  num("maxLength", "max length");
  num("minItems", "min items");
  num("maxItems", "max items");
  if (typeof s.pattern === "string" && !s.format) out.push(`pattern ${s.pattern.length > 60 ? `${s.pattern.slice(0, 60)}…` : s.pattern}`);
  if ("default" in s) out.push(`default ${JSON.stringify(s.default)}`);
  if (typeof s.description === "string") out.push(s.description);
  return out;
}

/** The object (or objects) inside a schema whose fields deserve their own table. */
function nestedObjects(s: Json): Json[] {
  if (isObj(s.properties)) return [s];
  if (isObj(s.items)) return nestedObjects(s.items);
  return objs(s.anyOf ?? s.oneOf).flatMap(nestedObjects);
}

/** Renders a JSON schema as a field table, nesting objects; anything else as its type line. */
export function schemaHtml(s: Json, depth = 0): string {
  const tables = nestedObjects(s);
  if (!tables.length || depth > 6) {
    const n = notes(s);
    return `<p class="type"><code>${esc(typeLabel(s))}</code>${n.length ? ` <span class="notes">${esc(n.join("; "))}</span>` : ""}</p>`;
  }
  const head = isObj(s.properties) ? "" : `<p class="type"><code>${esc(typeLabel(s))}</code></p>`;
  return head + tables.map((t) => fieldTable(t, depth)).join("");
}

function fieldTable(s: Json, depth: number): string {
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const rows = Object.entries(isObj(s.properties) ? s.properties : {}).map(([name, raw]) => {
    const p = isObj(raw) ? raw : {};
    const inner = depth < 6 ? nestedObjects(p).map((t) => fieldTable(t, depth + 1)).join("") : "";
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ""}</td><td><code>${esc(typeLabel(p))}</code></td><td>${esc(notes(p).join("; "))}${inner}</td></tr>`;
  });
  if (!rows.length) return `<p class="type"><code>object</code> <span class="notes">any keys</span></p>`;
  return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function parametersHtml(params: Json[]): string {
  if (!params.length) return "";
  const rows = params.map((p) => {
    const s = isObj(p.schema) ? p.schema : {};
    return `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ""}</td><td>${esc(p.in)}</td><td><code>${esc(typeLabel(s))}</code></td><td>${esc(notes(s).join("; "))}</td></tr>`;
  });
  return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** The schema and media type of a request body or response, if any. */
function content(x: Json): { type: string; schema: Json } | undefined {
  const entries = Object.entries(isObj(x.content) ? x.content : {});
  const [type, media] = entries[0] ?? [];
  return type && isObj(media) ? { type, schema: isObj(media.schema) ? media.schema : {} } : undefined;
}

function operationHtml(method: string, path: string, op: Json): string {
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
  const access = op.security ? String(op.description ?? "authenticated") : "public";
  const body = isObj(op.requestBody) ? content(op.requestBody) : undefined;
  const responses = Object.entries(isObj(op.responses) ? op.responses : {}).map(([status, raw]) => {
    const r = isObj(raw) ? raw : {};
    // Every route shares the error answer; the page header shows its shape once.
    const c = status === "default" ? undefined : content(r);
    const schema = c ? `<div class="media">${esc(c.type)}</div>${schemaHtml(c.schema)}` : "";
    return `<div class="resp"><div><span class="status">${esc(status)}</span> ${esc(r.description ?? "")}</div>${schema}</div>`;
  });
  return `<details class="op" id="${esc(id)}">
<summary><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code class="path">${esc(path)}</code> <span class="sum">${esc(op.summary ?? "")}</span> <span class="access">${esc(access)}</span></summary>
${parametersHtml(objs(op.parameters))}${body ? `<h4>Request body <span class="media">${esc(body.type)}</span></h4>${schemaHtml(body.schema)}` : ""}
<h4>Responses</h4>${responses.join("")}
</details>`;
}

/** The whole reference page from an OpenAPI document: grouped by tag, sorted by path. */
export function renderDocs(spec: Json): string {
  const info = isObj(spec.info) ? spec.info : {};
  const byTag = new Map<string, string[]>();
  const paths = isObj(spec.paths) ? spec.paths : {};
  for (const path of Object.keys(paths).sort()) {
    const item = paths[path];
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const tag = Array.isArray(op.tags) && op.tags.length ? String(op.tags[0]) : "other";
      let list = byTag.get(tag);
      if (!list) byTag.set(tag, (list = []));
      list.push(operationHtml(method, path, op));
    }
  }
  const tags = [...byTag.keys()].sort();
  const sections = tags.map((t) => `<section id="tag-${esc(t)}"><h2>${esc(t)}</h2>${(byTag.get(t) ?? []).join("\n")}</section>`);
  const title = `${String(info.title ?? "API")} ${String(info.version ?? "")}`.trim();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — API reference</title>
<style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1>
<p>API reference; machine-readable as <a href="./openapi.json">openapi.json</a>. Every error (<span class="status">default</span> below) answers
<code>{ "error": { "code": string, "message": string, "details"?: [{ "field"?: string, "message": string }] } }</code> with a 4xx/5xx status.</p>
<nav>${tags.map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(" · ")}</nav></header>
<main>${sections.join("\n") || "<p>No routes are documented.</p>"}</main></body></html>`;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#5b6475;--bg:#fff;--line:#dde1e8;--code:#f3f5f8}
@media (prefers-color-scheme:dark){:root{--fg:#e3e6ec;--muted:#98a0ae;--bg:#15181e;--line:#2d333d;--code:#1f242c}}
body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1100px;padding:1rem 1.5rem 4rem}
h1{margin:.2rem 0}h2{margin-top:2rem;border-bottom:1px solid var(--line);text-transform:capitalize}h4{margin:1rem 0 .4rem}
a{color:#2f6fde}nav a{margin-right:.2rem}
code{font:13px/1.4 ui-monospace,monospace;background:var(--code);padding:.05rem .3rem;border-radius:3px}
details.op{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
details.op[open]{padding-bottom:.8rem}summary{cursor:pointer;display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
.m{font:600 12px ui-monospace,monospace;color:#fff;border-radius:3px;padding:.1rem .4rem;min-width:3.6rem;text-align:center}
.m-get{background:#2f7fd8}.m-post{background:#2a9d5c}.m-put{background:#b7791f}.m-patch{background:#8a5cd0}.m-delete{background:#c9403a}
.path{font-weight:600}.sum{flex:1}.access,.media,.notes{color:var(--muted);font-size:13px}
.req{color:#c9403a;font-size:12px}.status{font-weight:600;font-family:ui-monospace,monospace}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600}td table{margin-top:.4rem}
.resp{margin:.4rem 0 .6rem}.type{margin:.3rem 0}
`;
