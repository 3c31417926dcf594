// Opens @clickhouse/client on a ClickHouse server (CLICKHOUSE_URL) or on chDB embedded in this
// process (optional npm package `chdb`, plugged in through `chdb/connection`; the compiled binary
// loads chDB's native part from beside itself, chdb-native.ts). Worker side only.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import {
  type ClickHouseClient,
  ClickHouseError,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from "@clickhouse/client";
import { useChdbLibDir } from "./chdb-native.ts";

export class ClickHouseUnavailable extends Error {
  override name = "ClickHouseUnavailable";
}

/** Settings every statement runs with: decimals as exact strings, retries deduplicated, MVs too. */
export const SETTINGS: ClickHouseSettings = {
  output_format_json_quote_decimals: 1,
  output_format_json_quote_64bit_integers: 0,
  deduplicate_blocks_in_dependent_materialized_views: 1,
  date_time_input_format: "basic",
};

let chdbLoadError: string | undefined;

export interface Opened {
  client: ClickHouseClient;
  mode: "url" | "chdb";
  where: string;
}

/**
 * @example const { client } = await openClickHouse({ chdbPath: "./data/clickhouse" })
 */
export async function openClickHouse(opts: { url?: string; chdbPath: string; chdbLibDir?: string }): Promise<Opened> {
  if (opts.url) {
    const u = new URL(opts.url);
    const where = `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`; // never the password
    const client = createClient({
      url: opts.url,
      clickhouse_settings: SETTINGS,
      request_timeout: 10_000,
      max_open_connections: 4,
      log: { level: ClickHouseLogLevel.OFF },
    }); // we log failures ourselves
    return { client, mode: "url", where };
  }
  let mod: typeof import("chdb/connection");
  if (chdbLoadError) throw new ClickHouseUnavailable(chdbLoadError);
  try {
    useChdbLibDir(opts.chdbLibDir);
    mod = await import("chdb/connection");
    if (typeof mod.createChdbConnection !== "function") throw new Error("chdb/connection has no createChdbConnection");
  } catch (err) {
    // A failed load stays failed in this process (a native library cannot be unloaded and retried).
    const why = (err as Error).message.split("\n")[0];
    chdbLoadError = Bun.isStandaloneExecutable
      ? `${why}; put the files of npm run build's dist/lib/chdb there and restart, or set CLICKHOUSE_URL`
      : `chDB is not installed or cannot load (${why}); set CLICKHOUSE_URL or install the optional dependency chdb`;
    throw new ClickHouseUnavailable(chdbLoadError);
  }
  const path = resolve(opts.chdbPath);
  mkdirSync(path, { recursive: true, mode: 0o700 }); // holds password hashes: owner-only
  let connection: unknown;
  try {
    connection = mod.createChdbConnection({ path });
  } catch (err) {
    throw new ClickHouseUnavailable(`chDB cannot open ${path}: ${(err as Error).message}`);
  }
  // The hook's Connection type comes from client-common; chdb re-exports that same contract.
  const client = createClient({
    connection: connection as never,
    clickhouse_settings: SETTINGS,
    log: { level: ClickHouseLogLevel.OFF },
  });
  return { client, mode: "chdb", where: path };
}

/** True when the error means "ClickHouse could not be reached or is overloaded" (worth retrying). */
export function isUnavailableError(err: unknown): boolean {
  if (err instanceof ClickHouseUnavailable) return true;
  if (!(err instanceof ClickHouseError)) return true; // sockets, timeouts, a closed chDB
  // 159 TIMEOUT_EXCEEDED, 202 TOO_MANY_SIMULTANEOUS_QUERIES, 209 SOCKET_TIMEOUT, 210 NETWORK_ERROR,
  // 241 MEMORY_LIMIT_EXCEEDED, 242 TABLE_IS_READ_ONLY, 252 TOO_MANY_PARTS, 425 SYSTEM_ERROR
  return [159, 202, 209, 210, 241, 242, 252, 425].includes(Number(err.code));
}
