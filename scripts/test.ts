// `npm test`: runs `bun test` against a throwaway Redis on a free loopback port and ends with
// one line `N passed, N failed` that CI can read; installs redis-server with apt-get when missing.
//
// Tests get REDIS_TEST_URL, TEST_REDIS_PORT and REDIS_SERVER_BIN (to kill and restart Redis).
// Extra arguments go to `bun test`:  npm test -- tests/foo.test.ts -t "reconnect"
// TEST_TIMEOUT_S=<seconds> stops the whole run after that long (it then counts as failed).
import { accessSync, closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "./free-port.ts";
import { startFlags } from "./start-env.ts";

const say = (msg: string) => process.stderr.write(`[test] ${msg}\n`);

class SetupError extends Error {
  override name = "SetupError";
}

// --- Redis -----------------------------------------------------------------------------------

function findRedisServer(): string | undefined {
  const candidates = [
    process.env.REDIS_SERVER_BIN,
    Bun.which("redis-server"),
    "/usr/bin/redis-server",
    "/usr/sbin/redis-server",
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

async function installRedisServer(): Promise<void> {
  if (!Bun.which("apt-get")) {
    throw new SetupError(
      "redis-server is not installed and apt-get is not available: install Redis (redis-server) and retry, or set REDIS_SERVER_BIN",
    );
  }
  if (process.getuid?.() !== 0) {
    throw new SetupError(
      "redis-server is not installed; run as root to let `npm test` install it, or run: sudo apt-get install -y redis-server",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const cmd of [
    ["apt-get", "-q", "update"],
    ["apt-get", "-q", "install", "-y", "--no-install-recommends", "redis-server"],
  ]) {
    say(`redis-server is missing; running: ${cmd.join(" ")}`);
    const p = Bun.spawn(cmd, { env, stdio: ["ignore", "inherit", "inherit"] });
    track(p);
    if ((await p.exited) !== 0) throw new SetupError(`\`${cmd.join(" ")}\` failed (exit ${p.exitCode})`);
  }
}

/** Sends one inline command and resolves with the first reply line, or undefined on any error. */
function redisCommand(port: number, command: string, timeoutMs = 500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: "127.0.0.1", port });
    const done = (v: string | undefined) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(undefined));
    sock.once("error", () => done(undefined));
    sock.once("connect", () => sock.write(`${command}\r\n`));
    sock.once("data", (b) => done(b.toString().split("\r\n")[0]));
  });
}

interface Redis {
  proc: Subprocess;
  port: number;
}

async function startRedis(bin: string, dir: string): Promise<Redis> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const log = join(dir, `redis-${port}.log`);
    // No persistence, own dir, foreground: the process is ours to stop.
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
    ];
    const logFd = openSync(log, "a");
    const proc = Bun.spawn([bin, ...args], { stdio: ["ignore", logFd, logFd] });
    closeSync(logFd);
    track(proc);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && proc.exitCode === null) {
      if ((await redisCommand(port, "PING")) === "+PONG") return { proc, port };
      await Bun.sleep(50);
    }
    proc.kill("SIGKILL");
    await proc.exited;
    const tail = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n") : "";
    say(`redis-server on port ${port} did not answer PING (attempt ${attempt}/3)${tail ? `:\n${tail}` : ""}`);
  }
  throw new SetupError("could not start redis-server");
}

async function stopRedis(r: Redis): Promise<void> {
  r.proc.kill("SIGTERM");
  const exited = await Promise.race([r.proc.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
  if (!exited) r.proc.kill("SIGKILL");
  // A test may have restarted Redis on the same port with REDIS_SERVER_BIN: stop that one too.
  if ((await redisCommand(r.port, "PING", 200)) === "+PONG") await redisCommand(r.port, "SHUTDOWN NOSAVE", 2_000);
}

// --- bun test and its counts -------------------------------------------------------------------

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  /** Each failed test by file > describe > name, with why (its error's first lines). */
  failures: { name: string; why: string }[];
}

/** Lines of a failure's error kept in the closing report: CI shows only the log's tail. */
const WHY_LINES = 15;

/** Counts the testcases of bun's JUnit report (attribute values are XML-escaped, so `>` never occurs in a tag). */
export function countJunit(xml: string): Counts {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const m of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    const failure = body.match(/<(?:failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:failure|error)>)/);
    if (failure) {
      counts.failed++;
      const attr = (tag: string | undefined, k: string) =>
        unescapeXml(tag?.match(new RegExp(`\\b${k}="([^"]*)"`))?.[1] ?? "");
      const why = (failure[2] ? unescapeXml(failure[2]) : attr(failure[1], "message")).trim().split("\n");
      counts.failures.push({
        name: [attr(m[1], "file"), attr(m[1], "classname"), attr(m[1], "name")].filter(Boolean).join(" > "),
        why: why.slice(0, WHY_LINES).join("\n") + (why.length > WHY_LINES ? "\n..." : ""),
      });
    } else if (/<skipped\b/.test(body)) counts.skipped++;
    else counts.passed++;
  }
  return counts;
}

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
    if (named[e]) return named[e];
    return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

/** Bun's closing summary (` 12 pass`, ` 1 fail`, ` 1 error`): its fail count includes files that crashed on load. */
export function parseSummary(output: string): { pass?: number; fail?: number; error?: number } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes removed here
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const out: { pass?: number; fail?: number; error?: number } = {};
  for (const m of plain.matchAll(/^\s*(\d+) (pass|fail|error)\s*$/gm))
    out[m[2] as "pass" | "fail" | "error"] = Number(m[1]);
  return out;
}

async function runBunTest(args: string[], env: Record<string, string | undefined>, junit: string) {
  // Raise the soft open-files limit to the hard one: socket tests open many connections.
  const wrapper = ["sh", "-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; exec "$@"', "sh"];
  // bunfig.toml's [test] timeout is not read by this Bun: the per-test default (a loaded machine
  // can take a few seconds for a test that starts servers) is given here.
  const cmd = [
    ...wrapper,
    process.execPath,
    // Bun's own flags as `npm start` gives them (its HTTP limits), so servers under test answer alike.
    ...startFlags(),
    "test",
    "--timeout=30000",
    "--reporter=junit",
    `--reporter-outfile=${junit}`,
    ...args,
  ];
  const proc = Bun.spawn(cmd, {
    env: { ...env, ...(process.stderr.isTTY && !env.NO_COLOR ? { FORCE_COLOR: "1" } : {}) },
    stdio: ["inherit", "inherit", "pipe"],
  });
  track(proc);
  // bun writes its report to stderr: pass it through and keep the tail for the summary.
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of proc.stderr) {
    process.stderr.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-16_384);
  }
  const code = await proc.exited;
  return { code, signal: proc.signalCode, summary: parseSummary(tail) };
}

// --- process lifetime --------------------------------------------------------------------------

const children = new Set<Subprocess>();
function track(p: Subprocess): void {
  children.add(p);
  void p.exited.then(() => children.delete(p));
}

let interrupted: NodeJS.Signals | undefined;
let interruptCode = 130;
let redis: Redis | undefined;
let tmp: string | undefined;

async function cleanup(): Promise<void> {
  const r = redis;
  redis = undefined;
  if (r) await stopRedis(r).catch((e) => say(`stopping redis: ${String(e)}`));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

function interrupt(sig: NodeJS.Signals, why: string, code = 130): void {
  if (interrupted) {
    // Second time: stop waiting for anyone.
    for (const c of children) c.kill("SIGKILL");
    process.exit(130);
  }
  interrupted = sig;
  interruptCode = code;
  say(`${why}: stopping`);
  for (const c of children) if (c !== redis?.proc) c.kill(sig);
}

/** Returns the exit code; the closing `N passed, N failed` line is printed by the caller. */
async function main(result: { passed: number; failed: number }): Promise<number> {
  let bin = findRedisServer();
  if (!bin) {
    await installRedisServer();
    bin = findRedisServer();
    if (!bin) throw new SetupError("redis-server is still not found after apt-get install");
  }
  if (interrupted) return interruptCode;
  tmp = mkdtempSync(join(tmpdir(), "tradewire-test-"));
  redis = await startRedis(bin, tmp);
  say(`redis-server ${bin} on 127.0.0.1:${redis.port}`);
  if (interrupted) return interruptCode;

  const junit = join(tmp, "junit.xml");
  const env = {
    ...process.env,
    REDIS_TEST_URL: `redis://127.0.0.1:${redis.port}`,
    TEST_REDIS_PORT: String(redis.port),
    REDIS_SERVER_BIN: bin,
    // As the service runs (src/ops/runtime-env.ts): ending a stuck strategy Worker must not take chDB down.
    BUN_JSC_usePollingTraps: process.env.BUN_JSC_usePollingTraps ?? "true",
  };
  const run = await runBunTest(process.argv.slice(2), env, junit);
  const fromXml = existsSync(junit) ? countJunit(readFileSync(junit, "utf8")) : undefined;
  await cleanup();

  // The JUnit report names the tests; bun's summary also counts files that failed to load,
  // which have no testcase in the report.
  result.passed = fromXml?.passed ?? run.summary.pass ?? 0;
  result.failed = Math.max(fromXml?.failed ?? 0, run.summary.fail ?? 0, run.summary.error ?? 0);
  // Why each failed, again at the end: a CI log is often read from its tail only.
  if (fromXml?.failures.length)
    say(`failed:\n${fromXml.failures.map((f) => `  ${f.name}\n${f.why.replace(/^/gm, "      ")}`).join("\n")}`);
  const outside = result.failed - (fromXml?.failed ?? 0);
  if (outside > 0)
    say(`${outside} failure(s) outside any test: a test file that did not load or an error between tests (see above)`);
  let ok = result.failed === 0 && result.passed > 0 && run.code === 0;
  if (run.signal) say(`bun test was killed by ${run.signal}`);
  else if (run.code !== 0 && result.failed === 0) say(`bun test exited with code ${run.code}`);
  if (!fromXml && run.summary.pass === undefined) {
    say("bun test printed no summary and wrote no report");
    ok = false;
  }
  if (result.passed + result.failed === 0) say("no test ran");
  if (interrupted) return interruptCode;
  return ok ? 0 : 1;
}

if (import.meta.main) {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => interrupt(sig, sig));
  const limitS = Number(process.env.TEST_TIMEOUT_S ?? 0);
  if (limitS > 0)
    setTimeout(() => interrupt("SIGTERM", `time limit of ${limitS}s reached`, 124), limitS * 1000).unref();
  const result = { passed: 0, failed: 0 };
  let code = 1;
  try {
    code = await main(result);
  } catch (e) {
    say(e instanceof SetupError ? e.message : String((e as Error)?.stack ?? e));
  } finally {
    await cleanup();
  }
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exit(code);
}
