// `npm run sim -- --port N`: the simulator as its own program, configured by flags or SIM_* env,
// printing the URLs and credentials in use; stops cleanly on SIGINT/SIGTERM.
import { DEFAULT_CREDENTIALS, type SimOptions, startSimulator } from "./index.ts";

const USAGE = `usage: bun src/sim/main.ts [--port N] [--host H] [--seed N] [--instruments BTC-USDT,ETH-USDT]
                       [--checksum on|off] [--tick-ms N] [--funding-interval-ms N] [--funding-push-ms N]
                       [--data-dir DIR] [--no-rate-limits] [--lenient-ws-paths] [--verbose]
env: SIM_PORT SIM_HOST SIM_SEED SIM_INSTRUMENTS SIM_CHECKSUM SIM_TICK_MS SIM_FUNDING_INTERVAL_MS SIM_FUNDING_PUSH_MS
     SIM_DATA_DIR SIM_API_KEY SIM_SECRET_KEY SIM_PASSPHRASE`;

class UsageError extends Error {
  override name = "UsageError";
}

export function parseArgs(argv: string[], env: Record<string, string | undefined>): SimOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") throw new UsageError(USAGE);
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument "${a}"\n${USAGE}`);
    const [name, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const boolean = ["no-rate-limits", "lenient-ws-paths", "verbose"].includes(name);
    const value = inline ?? (boolean ? "true" : argv[++i]);
    if (value === undefined) throw new UsageError(`--${name} needs a value\n${USAGE}`);
    flags.set(name, value);
  }
  const get = (flag: string, envName: string) => flags.get(flag) ?? env[envName];
  const int = (flag: string, envName: string) => {
    const v = get(flag, envName);
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError(`--${flag} / ${envName} must be a non-negative integer, got "${v}"`);
    return n;
  };
  const checksum = get("checksum", "SIM_CHECKSUM");
  if (checksum !== undefined && !["on", "off", "true", "false", "1", "0"].includes(checksum))
    throw new UsageError(`--checksum must be on or off, got "${checksum}"`);
  const instruments = get("instruments", "SIM_INSTRUMENTS");
  return {
    port: int("port", "SIM_PORT") ?? 0,
    host: get("host", "SIM_HOST"),
    seed: int("seed", "SIM_SEED"),
    tickMs: int("tick-ms", "SIM_TICK_MS"),
    fundingIntervalMs: int("funding-interval-ms", "SIM_FUNDING_INTERVAL_MS"),
    fundingPushMs: int("funding-push-ms", "SIM_FUNDING_PUSH_MS"),
    instruments: instruments
      ? instruments
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    checksum: checksum === undefined ? undefined : ["on", "true", "1"].includes(checksum),
    rateLimits: flags.has("no-rate-limits") ? false : undefined,
    lenientWsPaths: flags.has("lenient-ws-paths") ? true : undefined,
    verbose: flags.has("verbose") ? true : undefined,
    dataDir: get("data-dir", "SIM_DATA_DIR") || undefined,
    credentials: { apiKey: env.SIM_API_KEY, secretKey: env.SIM_SECRET_KEY, passphrase: env.SIM_PASSPHRASE },
  };
}

async function main(): Promise<void> {
  let opts: SimOptions;
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(e instanceof UsageError && e.message === USAGE ? 0 : 2);
  }
  const sim = await startSimulator(opts);
  const c = sim.credentials;
  const secret = c.secretKey === DEFAULT_CREDENTIALS.secretKey ? c.secretKey : "(from SIM_SECRET_KEY, not printed)";
  const passphrase =
    c.passphrase === DEFAULT_CREDENTIALS.passphrase ? c.passphrase : "(from SIM_PASSPHRASE, not printed)";
  process.stdout.write(
    [
      `OKX simulator listening`,
      `  REST      ${sim.url}/api/v5`,
      `  WS        ${sim.wsUrl}/public  ${sim.wsUrl}/private  ${sim.wsUrl}/business`,
      `  admin     ${sim.url}/sim/faults  ${sim.url}/sim/price  ${sim.url}/sim/funding  ${sim.url}/sim/health`,
      `  apiKey    ${c.apiKey}`,
      `  secretKey ${secret}`,
      `  passphrase ${passphrase}`,
      `  instruments ${sim.instruments.map((i) => i.instId).join(" ")}`,
      "",
    ].join("\n"),
  );
  const stop = async () => {
    await sim.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.main) await main();
