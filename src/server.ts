// Wires the parts together and serves them: bus, hub, auth, routes, Bun.serve, shutdown.
//
// Data flows one way: the bus reader (bus/dispatcher.ts) hands every event, in order, to its
// consumers, registered here and unknown to each other: the latest state (at every take, so
// REST reads see what was just published), then at the batching cadence the stream fan-out,
// the polls and the state's persistence. The recorder reads the ring from its own Worker.

import { join } from "node:path";
import type { Server } from "bun";
import type { ReadinessCheck } from "./api/ops.ts";
import { createAuth } from "./auth/index.ts";
import { Dispatcher, type Publisher } from "./bus/dispatcher.ts";
import { createRing, type RingHandle, RingProducer } from "./bus/ring.ts";
import { type Config, tradableInstruments } from "./config.ts";
import type { EngineBridge } from "./engine/index.ts";
// The exchange side (OKX client, simulator) is imported only when OKX_ENABLED: a pure stream
// server does not carry its code (RSS).
import type { Ingest } from "./exchange/ingest.ts";
import { createApp } from "./http/app.ts";
import type { AppType } from "./http/app-type.ts";
import { auditRecorder } from "./http/audit.ts";
import { bunHeaderLimit } from "./http/middleware.ts";
import { createLogger, type Logger } from "./log.ts";
import { startHostTuning } from "./ops/host-tuning/index.ts";
import { Registry } from "./ops/metrics.ts";
import { processMetrics } from "./ops/process.ts";
import { AlertService } from "./services/alerts.ts";
import { BacktestService } from "./services/backtest.ts";
import { CandleHistory } from "./services/candles.ts";
import { CommandService } from "./services/commands.ts";
import { engineStrategies } from "./services/engine-strategies.ts";
import { GatewayUnavailable, type LeverageGateway, type OrderGateway } from "./services/gateway.ts";
import { LeverageService } from "./services/leverage.ts";
import { alertNotice, strategyNotice, WebhookNotifier } from "./services/notify.ts";
import { OrderService } from "./services/orders.ts";
import { ingestHistory, startReconciler } from "./services/reconcile.ts";
import { StrategyService } from "./services/strategies.ts";
import { strategyRunner } from "./services/strategy-commands.ts";
import type { SimOptions } from "./sim/options.ts";
import type { SimulatorThread } from "./sim/thread.ts";
import { StateStore } from "./state/store.ts";
import { openAuditLog } from "./store/audit-log.ts";
import type { History } from "./store/clickhouse/index.ts";
import { durableAlerts, durableStrategies, durableUsers, startHistoryFromConfig } from "./store/clickhouse/setup.ts";
import { secureDataDir } from "./store/data-dir.ts";
// Redis (ioredis: ~13 MB of RSS) is imported only when REDIS_URL is set (openRedis).
import type { RedisConn } from "./store/redis/connection.ts";
import { PositionsWatch } from "./strategies/positions-watch.ts";
import type { SupervisorTuning } from "./strategies/supervisor.ts";
import { StreamAccess } from "./stream/access.ts";
import { Hub } from "./stream/hub.ts";
import { StreamMetrics } from "./stream/metrics.ts";
import { Poller } from "./stream/poll.ts";
import { Seats } from "./stream/seats.ts";
import { type WsData, wsHandlers } from "./stream/ws.ts";

export const VERSION = "0.1.0";
/** How long a start waits for Redis before serving without the saved snapshot. */
const REDIS_START_WAIT_MS = 3_000;

export interface Running {
  server: Server<WsData>;
  /** The HTTP app (its routes, its OpenAPI document). */
  app: AppType;
  url: string;
  /** The main thread's one reader of the bus. */
  bus: Dispatcher;
  hub: Hub;
  /** Publishes without waking the reader (tests kick `bus` themselves). */
  producer: RingProducer;
  registry: Registry;
  state: StateStore;
  orders: OrderService;
  strategies: StrategyService;
  alerts: AlertService;
  commands: CommandService;
  /** The external engine bridge (REDIS_URL only). */
  engines: EngineBridge | undefined;
  history: History;
  ingest: Ingest | undefined;
  sim: SimulatorThread | undefined;
  log: Logger;
  /** Graceful: stop accepting, tell stream clients when to come back, close. */
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** The exchange for orders; tests may pass a fake. */
  gateway?: OrderGateway;
  /** Custom strategy kinds: module URLs whose default export is a Kind (src/strategies/kind.ts). */
  strategyKinds?: string[];
  strategyTuning?: Partial<SupervisorTuning>;
  /** Options for the embedded simulator beside its port, instruments and data (tests shorten its funding periods). */
  simulator?: Omit<SimOptions, "port" | "instruments" | "dataDir">;
}

/** Until an exchange connection exists, orders answer 503. */
const noGateway: OrderGateway = {
  instrument: () => undefined,
  place: () => Promise.reject(new GatewayUnavailable("no exchange connection")),
  cancel: () => Promise.reject(new GatewayUnavailable("no exchange connection")),
  amend: () => Promise.reject(new GatewayUnavailable("no exchange connection")),
  get: () => Promise.reject(new GatewayUnavailable("no exchange connection")),
};
const noLeverage: LeverageGateway = {
  leverage: () => Promise.reject(new GatewayUnavailable("no exchange connection")),
  setLeverage: () => Promise.reject(new GatewayUnavailable("no exchange connection")),
};

export async function startServer(config: Config, opts: StartOptions = {}): Promise<Running> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const started = Date.now();
  secureDataDir(config.DATA_DIR, log); // before anything writes there: the secret, chDB
  const registry = new Registry();
  const streamMetrics = new StreamMetrics(registry);
  const stopProcessMetrics = processMetrics(registry);
  const hostTuning = startHostTuning(config, log, registry);

  const ring = createRing({ capacity: config.BUS_CAPACITY, bytes: config.BUS_BYTES });
  const producer = new RingProducer(ring);
  const bus = new Dispatcher({
    ring,
    log,
    metrics: streamMetrics,
    coalesceMs: config.STREAM_COALESCE_MS,
    batchLoad: config.STREAM_BATCH_LOAD,
  });
  /** Main-thread publishers (POST /api/events, command announcements) wake the reader at once. */
  const publisher = bus.publisher(producer);
  const state = new StateStore({ beforeRead: () => bus.head() });
  const hub = new Hub({
    bus,
    snapshots: (filter) => state.snapshot(filter),
    log,
    metrics: streamMetrics,
    maxPendingBytes: config.CLIENT_MAX_PENDING_BYTES,
    heartbeatMs: config.HEARTBEAT_MS,
    stallMs: Math.max(30_000, config.HEARTBEAT_MS * 3),
  });
  const poller = new Poller(bus, streamMetrics);
  bus.onTake((events) => state.apply(events));
  // The account's positions for strategies that follow them, from before the exchange starts.
  const positions = new PositionsWatch();
  bus.onTake((events) => positions.consume(events));
  bus.onBatch((events) => hub.fanOut(events));
  bus.onBatch(() => poller.wake());

  // Redis (REDIS_URL): sessions, tickets and rate limits shared by instances, and the state
  // snapshot saved for the next start (loaded here, before serving). Without it: memory.
  const redis = config.REDIS_URL ? await openRedis(config.REDIS_URL, state, log) : undefined;
  const persistence = redis?.persistence;
  if (persistence) {
    await persistence.start(REDIS_START_WAIT_MS);
    bus.onBatch(() => persistence.poke());
  }

  // ClickHouse (CLICKHOUSE_URL, else chDB under DATA_DIR) in its own Worker: the recorder reads
  // the ring from there; started before the exchange so it sees every event.
  const history = await startHistoryFromConfig(config, ring, log, registry);

  // The exchange: OKX when keys or URLs are configured, else the built-in simulator on loopback.
  let sim: SimulatorThread | undefined;
  let ingest: Ingest | undefined;
  let gateway = opts.gateway ?? noGateway;
  let leverageGateway = noLeverage;
  if (config.OKX_ENABLED) {
    const [
      { startSimulatorThread },
      { startIngest },
      { ingestConfigFromEnv },
      { okxGateway, okxLeverageGateway },
      { TradeMetrics },
    ] = await Promise.all([
      import("./sim/thread.ts"),
      import("./exchange/ingest.ts"),
      import("./exchange/config.ts"),
      import("./services/okx-gateway.ts"),
      import("./exchange/trade-metrics.ts"),
    ]);
    const keys = Boolean(config.OKX_API_KEY && config.OKX_SECRET_KEY && config.OKX_PASSPHRASE);
    if (!keys && !config.OKX_REST_URL && !config.OKX_WS_URL) {
      // Its orders and fills outlive the process (DATA_DIR/sim), so history can be reconciled with it.
      // It runs in a Worker of its own: its market steps never hold up the stream's fan-out.
      sim = await startSimulatorThread(
        { ...opts.simulator, port: 0, instruments: config.OKX_INSTRUMENTS, dataDir: join(config.DATA_DIR, "sim") },
        (why) => log.error("the embedded OKX simulator ended", { error: why }),
      );
      log.info("embedded OKX simulator", { url: sim.url, wsUrl: sim.wsUrl });
    }
    const fallback = sim ? { restUrl: sim.url, wsUrl: sim.wsUrl, credentials: sim.credentials } : undefined;
    ingest = startIngest({
      ring,
      config: ingestConfigFromEnv(config, fallback),
      log: log.child({ component: "okx" }),
      metrics: new TradeMetrics(registry),
    });
    gateway = opts.gateway ?? okxGateway(ingest);
    leverageGateway = okxLeverageGateway(ingest);
  }
  // Order states and fills the recorder missed (a crash, a lost connection) come back from the exchange.
  const reconciler = ingest ? startReconciler({ history, exchange: ingestHistory(ingest), log }) : undefined;
  const limits = {
    instruments: new Set(tradableInstruments(config)),
    maxNotional: config.RISK_MAX_NOTIONAL,
    maxOpenOrders: config.RISK_MAX_OPEN_ORDERS,
    ordersPerSecond: config.RISK_ORDERS_PER_S,
  };
  // Audit entries are journaled under DATA_DIR before a request is answered, then recorded.
  const auditLog = openAuditLog({
    dir: join(config.DATA_DIR, "journal"),
    history,
    log,
    fsync: config.AUDIT_JOURNAL_FSYNC,
  });
  const audit = auditRecorder(auditLog.record);
  const orders = new OrderService({ gateway, state, limits, log, audit });
  const engines =
    config.REDIS_URL && redis && config.ENGINE_BRIDGE
      ? await startEngines(config, config.REDIS_URL, redis.conn, ring, publisher, streamMetrics, log, registry)
      : undefined;
  const commands = new CommandService({
    orders,
    audit,
    engines,
    metrics: registry,
    log,
    timeoutMs: config.ENGINE_COMMAND_TIMEOUT_MS,
    announce: (rec) => {
      publisher.publish({ type: "command", channel: "commands", dataJson: JSON.stringify(rec) });
    },
  });

  if (process.env.BUN_JSC_usePollingTraps !== "true")
    log.warn(
      "BUN_JSC_usePollingTraps is not true: stopping a strategy Worker that hangs signals the thread, which the embedded ClickHouse takes for a crash; start with npm start, the Dockerfile or deploy/tradewire.service",
    );
  const notices = registry.counter(
    "notify_webhook_notices_total",
    "Webhook notices by how they ended (sent, failed, dropped)",
  );
  const notifier = config.NOTIFY_WEBHOOK_URL
    ? new WebhookNotifier({
        url: config.NOTIFY_WEBHOOK_URL,
        secret: config.NOTIFY_WEBHOOK_SECRET,
        log: log.child({ component: "notify" }),
        count: (outcome) => notices.inc({ outcome }, 1),
      })
    : undefined;
  const strategies = await StrategyService.open({
    orders,
    positions,
    state,
    publisher,
    ring,
    store: durableStrategies(history, log),
    log: log.child({ component: "strategies" }),
    audit,
    ...(opts.strategyKinds ? { kindModules: opts.strategyKinds } : {}),
    tuning: { idle: config.STRATEGY_THREADS === "idle", nice: config.STRATEGY_NICE, ...opts.strategyTuning },
    ...(engines ? { external: engineStrategies(engines, commands) } : {}),
    ...(notifier ? { onEnded: (rec) => notifier.notify(strategyNotice(rec)) } : {}),
  });
  bus.onBatch((events) => strategies.consume(events));
  commands.useStrategies(strategyRunner(strategies));
  const alerts = await AlertService.open({
    store: durableAlerts(history, log),
    publisher,
    state,
    instruments: new Set(config.OKX_INSTRUMENTS),
    log: log.child({ component: "alerts" }),
    ...(notifier ? { onFire: (a) => notifier.notify(alertNotice(a)) } : {}),
  });
  bus.onBatch((events) => alerts.consume(events));

  const users = await durableUsers(history, log);
  const auth = await createAuth({ config, log, stores: { ...redis?.authStores, ...(users ? { users } : {}) } });
  // A deleted user's price alerts go with them.
  auth.revocations.on((r) => {
    if (r.kind === "user" && r.reason === "user_deleted") void alerts.forget(r.user);
  });
  // Open streams end when their session does: at once for ends made here, within a check
  // interval for ends made on another instance (stream/access.ts).
  const access = new StreamAccess({
    targets: [hub, poller],
    check: (p) => auth.sessions.check(p),
    revocations: auth.revocations,
    everyMs: config.STREAM_AUTH_CHECK_MS,
    log,
  });

  const candles = new CandleHistory({ history, since: started, ...(ingest ? { exchange: ingest } : {}) });
  const app = createApp({
    config,
    log,
    version: VERSION,
    auth,
    ops: { registry, started, checks: readiness(ingest, redis?.check, history, engines) },
    state,
    orders,
    leverage: new LeverageService({
      gateway: leverageGateway,
      tradable: limits.instruments,
      instrument: (i) => orders.instrument(i),
      audit,
      publish: (l) =>
        void publisher.publish({ type: "leverage", channel: `leverage:${l.instId}`, dataJson: JSON.stringify(l) }),
    }),
    commands,
    strategies,
    ...(engines ? { engines: () => engines.engines() } : {}),
    history,
    candles,
    alerts,
    backtests: new BacktestService({
      kind: (name) => strategies.kind(name),
      kindNames: () => strategies.kindNames(),
      tradable: limits.instruments,
      instrument: (i) => orders.instrument(i),
      candles,
    }),
    events: {
      hub,
      producer: publisher,
      poller,
      metrics: streamMetrics,
      seats: new Seats(config.MAX_STREAMS_PER_USER),
    },
  });

  const server = Bun.serve<WsData>({
    port: config.PORT,
    hostname: config.HOST,
    idleTimeout: config.IDLE_TIMEOUT_S,
    // No limit of Bun's own (its 413 has an empty body): every body reaches our limit, which answers
    // in the JSON error shape, refusing a large Content-Length before reading. A body nobody reads
    // is not buffered: Bun closes the connection after the answer.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (req, srv) => app.fetch(req, srv),
    websocket: wsHandlers(hub, {
      maxSubscriptions: config.MAX_SUBSCRIPTIONS,
      maxMessageBytes: 64 * 1024,
      msgsPerS: config.WS_MAX_MSGS_PER_S,
      msgBurst: config.WS_MSG_BURST,
      current: (p) => access.current(p),
    }),
  });
  const bunHeaderBytes = bunHeaderLimit();
  if (bunHeaderBytes <= config.MAX_HEADER_BYTES)
    log.warn("bun's own header limit is not above MAX_HEADER_BYTES: larger headers get its empty 431", {
      bunLimit: bunHeaderBytes,
      MAX_HEADER_BYTES: config.MAX_HEADER_BYTES,
      fix: "start bun with --max-http-header-size (npm start and the binary do)",
    });
  bus.start();
  hub.start();
  access.start();
  const url = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${server.port}`;
  log.info("tradewire listening", { url, epoch: hub.epoch });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("shutting down");
      const s = server;
      void s.stop(false); // no new connections; requests in flight may finish
      access.stop();
      hub.shutdown(config.SSE_RETRY_MS);
      poller.flush();
      hub.stop();
      bus.stop();
      await persistence?.stop().catch(() => {});
      commands.stop();
      await engines?.stop().catch(() => {});
      stopProcessMetrics();
      hostTuning.stop();
      await strategies
        .close()
        .catch((err: Error) => log.error("strategies did not stop cleanly", { error: err.message }));
      await reconciler?.stop();
      // Notices on their way get a moment to leave (one in its retry waits is given up).
      if (notifier) await Promise.race([notifier.idle(), Bun.sleep(2_000)]);
      await auditLog.stopSettling();
      await ingest?.stop().catch(() => {});
      await sim?.stop().catch(() => {});
      await history.stop(); // after the exchange: the recorder writes its last events
      await Promise.race([Bun.sleep(config.SHUTDOWN_GRACE_MS), s.stop(false)]);
      s.stop(true);
      await auditLog.close(); // after the last request: what it still audits is journaled, settled at the next start
      await redis?.conn.close(); // last: requests still in flight above may need it
    })());

  return {
    server,
    app,
    url,
    bus,
    hub,
    producer,
    registry,
    state,
    orders,
    commands,
    engines,
    strategies,
    alerts,
    history,
    ingest,
    sim,
    log,
    stop,
  };
}

/** Redis and what lives there: the connection, the state snapshot, the auth stores, the /ready check. */
async function openRedis(url: string, state: StateStore, log: Logger) {
  const m = await import("./store/redis/index.ts");
  const conn = m.connectRedis(url, log.child({ component: "redis" }));
  return {
    conn,
    persistence: new m.StatePersistence(conn, state, log.child({ component: "state" })),
    authStores: m.redisAuthStores(conn),
    check: m.redisCheck(conn),
  };
}

/** The engine bridge (docs/engine-protocol.md) on the instance's Redis and bus. */
async function startEngines(
  config: Config,
  url: string,
  conn: RedisConn,
  ring: RingHandle,
  publisher: Publisher,
  metrics: StreamMetrics,
  log: Logger,
  registry: Registry,
) {
  const { startEngineBridge } = await import("./engine/index.ts");
  return startEngineBridge({
    url,
    redis: conn,
    ring,
    publisher,
    published: (n) => metrics.published.inc({ source: "engine" }, n),
    log,
    metrics: registry,
    expected: config.ENGINE_IDS,
    maxEventBytes: config.MAX_EVENT_BYTES,
    budget: { bytesPerS: config.PUBLISH_BYTES_PER_S, burstBytes: config.PUBLISH_BURST_BYTES },
  });
}

/**
 * /ready: the bus always; Redis when configured; ClickHouse unless disabled (history, users and
 * strategies are not durable without it); each OKX connection when there is an exchange; engines
 * with the bridge.
 */
function readiness(
  ingest: Ingest | undefined,
  redisReady: ReadinessCheck | undefined,
  history: History,
  engines?: EngineBridge,
): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [() => ({ name: "bus", ok: true })];
  if (redisReady) checks.push(redisReady);
  checks.push(() => {
    const h = history.status();
    if (h.mode === "off") return { name: "clickhouse", ok: true, detail: "disabled (CLICKHOUSE_ENABLED=false)" };
    if (!h.ready) return { name: "clickhouse", ok: false, detail: h.error ?? "not ready" };
    const st = history.stats(); // the recorder's latest report: whether its writes get through now
    if (st && !st.connected) return { name: "clickhouse", ok: false, detail: `unreachable: ${st.lastError ?? "?"}` };
    return { name: "clickhouse", ok: true, detail: h.mode === "chdb" ? "embedded (chDB)" : "server" };
  });
  if (engines) checks.push(() => engines.readiness());
  if (!ingest) return checks;
  checks.push(() => {
    const st = ingest.status();
    const down = Object.entries(st.connections)
      .filter(([, c]) => c?.state !== "ready")
      .map(([n]) => n);
    const ok = st.running && down.length === 0 && Object.keys(st.connections).length > 0;
    return {
      name: "okx",
      ok,
      ...(ok ? {} : { detail: st.running ? `down: ${down.join(", ") || "starting"}` : "ingest stopped" }),
    };
  });
  return checks;
}
