// The dashboard at `/`: the built files of web/dist (embedded in the binary by `npm run build`,
// else read from disk), hashed assets cached for a year, index.html never, and any other
// non-API path without a file extension answered with index.html (the app's own routes).
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { BunFile } from "bun";
import { Hono } from "hono";

/** URL path ("/assets/index-abc.js") -> file path; set by the binary's entry before start. */
let embedded: ReadonlyMap<string, string> | undefined;

export function embedDashboard(files: Record<string, string>): void {
  embedded = new Map(Object.entries(files));
}

/** `/` when there is no built dashboard: where to go instead. */
const HOME = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tradewire</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>tradewire</h1>
<p>The dashboard is not built here (<code>npm run build:web</code> builds it; <code>npm start</code> does so by itself).
This service speaks HTTP and streams. The API reference, where you can also try each request
with a token, is at <a href="./docs">/docs</a> (the OpenAPI document: <a href="./openapi.json">/openapi.json</a>).</p>
<p>Start with <code>POST /api/auth/login</code>, then <b>Authorize</b> with the <code>accessToken</code> it answers.
Liveness: <a href="./health">/health</a>, readiness: <a href="./ready">/ready</a>.</p>
</body>
</html>
`;

const HOME_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));
const IMMUTABLE = "public, max-age=31536000, immutable";
const GZIP_TYPES = /^(text\/|application\/(javascript|json)|image\/svg)/;

/** A file of the dashboard by URL path, or undefined. */
async function lookup(dir: string, urlPath: string): Promise<BunFile | undefined> {
  if (embedded) {
    const p = embedded.get(urlPath);
    return p === undefined ? undefined : Bun.file(p);
  }
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes("\0")) return undefined;
  const full = resolve(join(dir, rel));
  if (!full.startsWith(dir + sep)) return undefined; // no way out of the folder
  const f = Bun.file(full);
  return (await f.exists()) ? f : undefined;
}

/** Routes to mount last at `/`. */
export function dashboardRoutes(opts: { dir?: string } = {}): Hono {
  const dir = resolve(opts.dir ?? DIST);
  const app = new Hono();
  /** Gzipped bodies of immutable assets, made once. */
  const gz = new Map<string, Uint8Array<ArrayBuffer>>();

  app.get("*", async function dashboard(c, next) {
    const path = c.req.path;
    if (path === "/api" || path.startsWith("/api/")) return next();
    const last = path.slice(path.lastIndexOf("/") + 1);
    let file = path === "/" ? undefined : await lookup(dir, path);
    let cache = path.startsWith("/assets/") ? IMMUTABLE : "no-cache";
    if (!file && !last.includes(".")) {
      file = await lookup(dir, "/index.html");
      cache = "no-cache";
    }
    if (!file && path === "/")
      return c.html(HOME, 200, { "Content-Security-Policy": HOME_CSP, "Cache-Control": "no-cache" });
    if (!file) return next();
    const type = file.type || "application/octet-stream";
    const headers: Record<string, string> = {
      "Content-Type": type,
      "Cache-Control": cache,
      "X-Content-Type-Options": "nosniff",
    };
    if (cache === IMMUTABLE && GZIP_TYPES.test(type) && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      let body = gz.get(path);
      if (!body) gz.set(path, (body = Bun.gzipSync(new Uint8Array(await file.arrayBuffer()))));
      return c.body(body, 200, { ...headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
    }
    return c.body(await file.arrayBuffer(), 200, headers);
  });
  return app;
}
