// Who may import whom (ARCHITECTURE.md "Boundaries"): every import of every non-test module in
// src/ (value, type-only, re-export and dynamic) is checked against the layer rules, and the
// module graph must have no cycle. A failure names the file and the import.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * Violations that other branches are removing at the time of writing; each is one edge
 * `importer -> imported`. TEMPORARY: the lead empties this list once those branches are merged.
 * An entry that no longer occurs fails the test too, so the list only ever shrinks.
 */
const ALLOWED: string[] = [];

/** Layer rules: a module under `from` must not import one under any of `not`. */
const RULES: Array<{ from: string; not: string[]; why: string }> = [
  {
    from: "bus/",
    not: ["*"],
    why: "the bus imports nothing of ours above it; domain/ is the shared vocabulary below everything",
  },
  { from: "domain/", not: ["*"], why: "the shared vocabulary depends on nothing of ours" },
  {
    from: "exchange/",
    not: ["http/", "api/", "stream/", "services/"],
    why: "the exchange side publishes into the bus only",
  },
  { from: "sim/", not: ["http/", "api/", "stream/", "services/"], why: "the simulator is a separate program" },
  { from: "exchange/", not: ["sim/"], why: "the OKX client never reaches into the simulator" },
  { from: "stream/", not: ["exchange/", "sim/"], why: "the stream side reads the bus, not the exchange" },
  { from: "state/", not: ["stream/"], why: "latest state is fed from the bus, not the stream" },
  { from: "store/", not: ["http/", "api/", "services/"], why: "stores import no HTTP and no services" },
  { from: "auth/", not: ["api/"], why: "auth is below the routes" },
  { from: "http/", not: ["store/"], why: "http/ maps domain errors, it does not know the stores" },
];

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "src");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const isTest = (p: string) => /\.(test|contract)\.ts$/.test(p);

/**
 * Module specifiers a TypeScript source imports: `import ... from`, `import type`, `export ...
 * from`, bare `import "x"` and `import("x")`. Line comments are dropped first; static imports
 * are matched at the start of a line (how every file here is formatted).
 */
function importsOf(code: string): string[] {
  const text = code
    .split("\n")
    .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l))
    .join("\n");
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/^import\s*["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The repository-relative path of a relative import, or undefined for packages. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = resolve(dirname(from), spec);
  for (const p of [base, `${base}.ts`, join(base, "index.ts")])
    if (existsSync(p) && statSync(p).isFile()) return relative(ROOT, p);
  return relative(ROOT, base);
}

/** importer -> imported, both repository-relative (src/...). */
function graph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const file of walk(SRC)) {
    if (!file.endsWith(".ts") || isTest(file)) continue;
    const deps = new Set<string>();
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      const dep = resolveImport(file, spec);
      if (dep && !isTest(dep)) deps.add(dep);
    }
    g.set(relative(ROOT, file), deps);
  }
  return g;
}

/** The layer rule an edge breaks, if any. */
function broken(from: string, to: string): string | undefined {
  const a = from.slice("src/".length);
  const b = to.slice("src/".length);
  for (const r of RULES) {
    if (!a.startsWith(r.from)) continue;
    const hit = r.not.some((n) => (n === "*" ? !b.startsWith(r.from) && !b.startsWith("domain/") : b.startsWith(n)));
    if (hit)
      return `${r.from} must not import ${r.not.join(", ").replace("*", "anything outside it and domain/")} (${r.why})`;
  }
  return undefined;
}

/** Every cycle's strongly connected set, as one concrete loop `a -> b -> ... -> a` each. */
function cycles(g: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const sccs: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || g.get(v)?.has(v)) sccs.push(scc);
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  // A shortest loop through the first member, by breadth-first search inside the set.
  return sccs.map((scc) => {
    const members = new Set(scc);
    const start = [...scc].sort()[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of [...(g.get(v) ?? [])].sort()) {
        if (!members.has(w)) continue;
        if (w === start) {
          const path = [start];
          for (let u = v; u !== start; u = prev.get(u)!) path.splice(1, 0, u);
          return [...path, start];
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

describe("import boundaries", () => {
  const g = graph();
  const edges = [...g].flatMap(([from, deps]) => [...deps].map((to) => ({ from, to, edge: `${from} -> ${to}` })));

  test("the scanner sees value, type-only, multi-line, re-exported and dynamic imports", () => {
    const code = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      "import {",
      "  c,",
      "  type C,",
      '} from "./c.ts";',
      'export type { D } from "./d.ts";',
      'export * from "./e.ts";',
      'import "./f.ts";',
      'const g = await import("./g.ts");',
      '// import { h } from "./h.ts";',
      'import { z } from "zod";',
    ].join("\n");
    expect(importsOf(code)).toEqual(["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts", "zod", "./f.ts", "./g.ts"]);
    expect(g.get("src/server.ts")).toContain("src/stream/hub.ts");
    expect(g.get("src/server.ts")).toContain("src/sim/thread.ts"); // a dynamic import
  });

  test("every import resolves to a file", () => {
    const missing = edges.filter((e) => !existsSync(join(ROOT, e.to))).map((e) => e.edge);
    expect(missing).toEqual([]);
  });

  test("layer rules hold (ARCHITECTURE.md Boundaries)", () => {
    const found = edges.flatMap((e) => {
      const why = broken(e.from, e.to);
      return why && !ALLOWED.includes(e.edge) ? [`${e.edge}: ${why}`] : [];
    });
    expect(found).toEqual([]);
  });

  test("the temporary allowlist names only violations that still exist", () => {
    const stale = ALLOWED.filter((a) => !edges.some((e) => e.edge === a && broken(e.from, e.to)));
    expect(stale).toEqual([]);
  });

  test("no module imports one that imports it back (no cycles)", () => {
    expect(cycles(g).map((c) => c.join(" -> "))).toEqual([]);
  });
});
