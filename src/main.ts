// Entry point: configuration, start, and signals. `npm start` runs this with the runtime
// settings of package.json's start script; a plain `bun src/main.ts` runs as it was started.
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { type Running, startServer } from "./server.ts";

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`tradewire: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

let running: Running;
try {
  running = await startServer(config);
} catch (err) {
  const code = (err as { code?: string }).code;
  if (code === "EADDRINUSE" || code === "EACCES") {
    process.stderr.write(
      `tradewire: cannot listen on ${config.HOST}:${config.PORT} (${code}); set PORT to a free port\n`,
    );
    process.exit(1);
  }
  throw err;
}
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
