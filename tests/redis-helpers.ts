// Redis test helpers: the test command's Redis (one DB number per test file, so files never
// see each other's keys) and a private redis-server a test may kill and restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import Redis from "ioredis";
import { freePort } from "../scripts/free-port.ts";

/** Set by `npm test` (scripts/test.ts); absent under a bare `bun test`. */
export const REDIS_TEST_URL = process.env.REDIS_TEST_URL;
export const NO_REDIS = !REDIS_TEST_URL;

/** Call at the top of a Redis test file: says why its suites are skipped. */
export function noteSkip(file: string): void {
  if (NO_REDIS)
    console.warn(`[${file}] REDIS_TEST_URL is not set: skipping the Redis tests (run them with \`npm test\`)`);
}

/** The test Redis with its own DB number, emptied first. */
export async function testRedisUrl(db: number): Promise<string> {
  const url = `${REDIS_TEST_URL}/${db}`;
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  await r.flushdb();
  r.disconnect();
  return url;
}

/** A plain client for looking at keys. */
export async function inspect(url: string): Promise<Redis> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  r.on("error", () => {});
  await r.connect();
  return r;
}

export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL: the connection drops as in a crash. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the socket stays open and nothing answers (a hung server). */
  pause(): void;
  resume(): void;
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of the test's own (REDIS_SERVER_BIN), on a free loopback port, no persistence. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const bin = process.env.REDIS_SERVER_BIN ?? Bun.which("redis-server") ?? "redis-server";
  const dir = mkdtempSync(join(tmpdir(), "tw-own-redis-"));
  const port = await freePort();
  let proc: Subprocess | undefined;
  const url = `redis://127.0.0.1:${port}`;

  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    proc = Bun.spawn([bin, ...args], { stdio: ["ignore", "ignore", "ignore"] });
    const deadline = Date.now() + 5_000;
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {});
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`redis-server on ${port} did not start`);
        await Bun.sleep(30);
      } finally {
        probe.disconnect();
      }
    }
  };
  const kill = async () => {
    proc?.kill("SIGKILL");
    await proc?.exited;
    proc = undefined;
  };
  await start();
  return {
    url,
    port,
    kill,
    start,
    pause: () => void proc?.kill("SIGSTOP"),
    resume: () => void proc?.kill("SIGCONT"),
    stop: async () => {
      proc?.kill("SIGCONT");
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
