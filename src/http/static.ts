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
    if (!file) return next();
    const type = file.type || "application/octet-stream";
    const headers: Record<string, string> = { "Content-Type": type, "Cache-Control": cache, "X-Content-Type-Options": "nosniff" };
    if (cache === IMMUTABLE && GZIP_TYPES.test(type) && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      let body = gz.get(path);
      if (!body) gz.set(path, (body = Bun.gzipSync(new Uint8Array(await file.arrayBuffer()))));
      return c.body(body, 200, { ...headers, "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
    }
    return c.body(await file.arrayBuffer(), 200, headers);
  });
  return app;
}
