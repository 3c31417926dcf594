// Entry point: runtime settings, configuration, start, and signals. `npm start` runs this.
import { reexecWithRuntimeEnv } from "./ops/runtime-env.ts";

// First of all: settings the runtime reads only at start (see ops/runtime-env.ts). When one is
// missing this executes the process again with them and does not return.
const notTuned = reexecWithRuntimeEnv();

const { ConfigError, loadConfig } = await import("./config.ts");
const { startServer } = await import("./server.ts");

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`tradewire: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

let running;
try {
  running = await startServer(config);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (code === "EADDRINUSE" || code === "EACCES") {
    process.stderr.write(`tradewire: cannot listen on ${config.HOST}:${config.PORT} (${code}); set PORT to a free port\n`);
    process.exit(1);
  }
  throw err;
}
if (notTuned) running.log.warn("runtime settings not applied; running without them", { reason: notTuned });
for (const sig of ["SIGTERM", "SIGINT"] as const) {
  process.on(sig, () => {
    running!.log.info("signal", { signal: sig });
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 2000);
    void running!.stop().then(() => {
      clearTimeout(force);
      process.exit(0);
    });
  });
}
