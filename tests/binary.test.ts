// The shipped form: `npm run build`'s binary and chDB library, laid out the way the Dockerfile's
// COPY lines put them and run with its ENV and ENTRYPOINT (no Docker needed). Embedded ClickHouse
// works there: a user, a strategy, orders and fills survive kill -9; the dashboard and /docs are
// served; Bun's raised header limit is compiled in. Without the library, /ready is not ready and
// the log says why.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../scripts/free-port.ts";
import { dockerCopies, dockerEntrypoint, dockerEnv } from "./binary-helpers.ts";
import { eventually } from "./helpers.ts";

const ADMIN_PASSWORD = "admin-password-for-binary-tests";
const INST = "BTC-USDT";
const work = mkdtempSync(join(tmpdir(), "tw-binary-"));
const procs: Subprocess[] = [];
let dist = "";

beforeAll(async () => {
  // In a process of its own: Bun's resolver caches what it saw of web/dist, which the dashboard
  // builds of earlier test files in this process replaced.
  const out = join(work, "dist");
  const p = Bun.spawn([process.execPath, join(import.meta.dir, "../scripts/build.ts"), "--out", out], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if ((await p.exited) !== 0) throw new Error(`npm run build into ${out} failed (exit ${p.exitCode})`);
  dist = out;
}, 180_000);
afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  await Promise.all(procs.map((p) => p.exited));
  rmSync(work, { recursive: true, force: true });
});

/** Hard link (the library is 541 MB), else a copy. */
function place(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  if (statSync(from).isDirectory()) {
    for (const e of readdirSync(from)) place(join(from, e), join(to, e));
    return;
  }
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** A root like the image's: every `COPY --from=build /src/dist/...` of the Dockerfile, minus `skip`. */
function layOut(name: string, skip?: RegExp): string {
  const root = join(work, name);
  for (const { from, to } of dockerCopies()) if (!skip?.test(to)) place(join(dist, from), join(root, to));
  return root;
}

interface Running {
  proc: Subprocess;
  url: string;
  /** Everything it logged so far. */
  log: () => string;
}

async function start(root: string, dataDir: string, port: number): Promise<Running> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const env = {
    ...dockerEnv(),
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    OKX_INSTRUMENTS: INST,
    RECORDER_FLUSH_MS: "50",
  };
  const proc = Bun.spawn([join(root, dockerEntrypoint())], { cwd: dataDir, env, stdout: "pipe", stderr: "pipe" });
  procs.push(proc);
  let out = "";
  const decoder = new TextDecoder();
  for (const s of [proc.stdout, proc.stderr])
    void (async () => {
      for await (const chunk of s) out += decoder.decode(chunk, { stream: true });
    })();
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (proc.exitCode !== null) throw new Error(`the binary exited (${proc.exitCode}):\n${out}`);
    return (await fetch(`${url}/health`).catch(() => null))?.status === 200;
  }, 60_000);
  return { proc, url, log: () => out };
}

async function kill9(r: Running): Promise<void> {
  r.proc.kill("SIGKILL");
  await r.proc.exited;
}

const call = async (url: string, method: string, path: string, token?: string, body?: unknown) => {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as any };
};

async function login(url: string, name: string, password: string): Promise<string> {
  const r = await call(url, "POST", "/api/auth/login", undefined, { name, password });
  expect(r.status).toBe(200);
  return r.body.accessToken;
}

async function ready(url: string): Promise<{ status: number; body: any }> {
  let last = { status: 0, body: null as any };
  try {
    await eventually(async () => (last = await call(url, "GET", "/ready")).status === 200, 60_000);
  } catch {
    throw new Error(`not ready: ${JSON.stringify(last.body)}`);
  }
  return last;
}

test("the binary as the image lays it out keeps a user, a strategy, orders and fills through kill -9", async () => {
  const root = layOut("image");
  const dataDir = join(work, "data");
  const port = await freePort();

  // First life: storage up, then a trader, a strategy, a filled market order and a resting limit order.
  let tw = await start(root, dataDir, port);
  const r = await ready(tw.url);
  expect(r.body.checks).toContainEqual({ name: "clickhouse", ok: true, detail: "embedded (chDB)" });
  const admin = await login(tw.url, "admin", ADMIN_PASSWORD);
  const made = await call(tw.url, "POST", "/api/users", admin, {
    name: "carol",
    password: "carol-pw-123",
    role: "trader",
  });
  expect(made.status).toBe(201);
  let carol = await login(tw.url, "carol", "carol-pw-123");
  const strategy = await call(tw.url, "POST", "/api/strategies", carol, {
    name: "binary grid",
    kind: "grid",
    instruments: [INST],
    params: { levels: 2, spacingPct: 2, size: 0.001 },
  });
  expect(strategy.status).toBe(201);
  const order = (body: object) => call(tw.url, "POST", "/api/orders", carol, { instId: INST, side: "buy", ...body });
  let market = { status: 0, body: null as any };
  // The first order waits for the simulator's first ticker (risk needs a price).
  await eventually(async () => (market = await order({ ordType: "market", sz: "0.001" })).status === 201, 15_000);
  const limit = await order({ ordType: "limit", sz: "0.001", px: "1000" });
  expect(limit.status).toBe(201);
  const ids = [market.body.ordId, limit.body.ordId];
  await eventually(async () => {
    const h = await call(tw.url, "GET", "/api/orders/history?limit=100", carol);
    const f = await call(tw.url, "GET", "/api/fills?limit=100", carol);
    return (
      ids.every((id) => h.body?.data?.some((o: any) => o.ordId === id)) &&
      f.body?.data?.some((x: any) => x.ordId === market.body.ordId)
    );
  }, 15_000);
  await kill9(tw);

  // Second life on the same DATA_DIR: all of it is there.
  tw = await start(root, dataDir, port);
  await ready(tw.url);
  carol = await login(tw.url, "carol", "carol-pw-123");
  const strategies = await call(tw.url, "GET", "/api/strategies", carol);
  expect(strategies.body.data.map((s: any) => [s.id, s.name, s.params.levels])).toEqual([
    [strategy.body.id, "binary grid", 2],
  ]);
  const history = await call(tw.url, "GET", "/api/orders/history?limit=100", carol);
  expect(ids.filter((id) => !history.body.data.some((o: any) => o.ordId === id))).toEqual([]);
  const fills = await call(tw.url, "GET", "/api/fills?limit=100", carol);
  expect(fills.body.data.map((f: any) => f.ordId)).toContain(market.body.ordId);
  expect(tw.log()).not.toContain("NOT durable");
  // A backtest's thread is in the binary too.
  const bt = await call(tw.url, "POST", "/api/backtests", carol, {
    kind: "grid",
    instruments: [INST],
    params: { levels: 2, spacingPct: 0.05, size: 0.001 },
    from: Date.now() - 3_600_000,
  });
  expect(bt.status).toBe(200);
  expect(bt.body.bars).toBeGreaterThan(30);
  await kill9(tw);
}, 180_000);

test("the binary serves the dashboard at / and Swagger UI at /docs, and answers big headers itself", async () => {
  const tw = await start(layOut("image-web"), join(work, "data-web"), await freePort());
  const page = await fetch(`${tw.url}/`);
  expect(page.headers.get("content-type")).toContain("text/html");
  const html = await page.text();
  const script = html.match(/<script[^>]+src="(\/assets\/[^"]+\.js)"/)?.[1];
  expect(script).toBeString();
  const js = await fetch(`${tw.url}${script}`);
  expect(js.status).toBe(200);
  const code = await js.text();
  expect(code.length).toBeGreaterThan(10_000);
  // The files the page loads later (the chart's chunk, the order book's Worker) are inside too.
  const later = [...new Set(code.match(/[\w.-]+\.js(?=`)/g) ?? [])].filter((f) => !script!.endsWith(f));
  expect(later.some((f) => f.startsWith("book-worker-"))).toBe(true);
  expect(later.some((f) => f.startsWith("lightweight-charts"))).toBe(true);
  for (const f of later) expect((await fetch(`${tw.url}/assets/${f}`)).status).toBe(200);
  const docs = await fetch(`${tw.url}/docs`);
  expect(docs.status).toBe(200);
  expect(await docs.text()).toContain("swagger-ui");
  // Over MAX_HEADER_BYTES (16 KiB) and Bun's default limit: our JSON 431 only if the binary
  // carries --max-http-header-size (scripts/build.ts EXEC_ARGV).
  const big = await call(tw.url, "GET", "/health", "x".repeat(20_000));
  expect(big.status).toBe(431);
  expect(big.body.error.code).toBe("headers_too_large");
  await kill9(tw);
}, 120_000);

test("without chDB's library beside it, /ready is not ready and the log says where it looked", async () => {
  const root = layOut("image-no-chdb", /chdb/);
  const tw = await start(root, join(work, "data-no-chdb"), await freePort());
  const r = await call(tw.url, "GET", "/ready");
  expect(r.status).toBe(503);
  const ch = r.body.checks.find((c: any) => c.name === "clickhouse");
  expect(ch.ok).toBe(false);
  const expected = `chDB's native library (chdb_node.node, libchdb.so) is not in ${join(root, "usr/local/bin/lib/chdb")} nor ${join(root, "usr/local/lib/tradewire/chdb")}`;
  expect(ch.detail).toStartWith(expected);
  expect(ch.detail).toEndWith(
    "put the files of npm run build's dist/lib/chdb there and restart, or set CLICKHOUSE_URL",
  );
  const started = tw
    .log()
    .split("\n")
    .find((l) => l.includes("starting without ClickHouse"));
  expect(started).toContain(expected);
  await kill9(tw);
}, 120_000);
