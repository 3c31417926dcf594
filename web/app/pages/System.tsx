// System: the connection states of OKX, Redis, ClickHouse and the engine (/ready), the engines
// the bridge knows (/api/engines, refreshed when a `system` event says one changed), the server's
// stream clients (/metrics), this page's stream (transport, tab role, counts) and its latency per leg.
import { computed, defineComponent, onScopeDispose, shallowRef, watch } from "vue";
import { ApiRequestError } from "../../client/http.ts";
import type { EngineView, HealthAnswer, ReadyAnswer } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { useEventStream } from "../../vue/stream.ts";
import { fmtMs, fmtTime, fmtWhen } from "../format.ts";
import { Histogram } from "../parts/Histogram.tsx";
import { useSession } from "../session.ts";

/** Sums of `name{label="x"} value` lines by label value. */
function gauge(text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${name}\\{[^}]*${label}="([^"]+)"[^}]*\\} ([0-9.eE+-]+)$`, "gm");
  for (const m of text.matchAll(re)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
}

/** The connections a trader cares about, by the /ready check that reports each, and what their absence means. */
const CONNECTIONS = [
  { check: "okx", title: "OKX", absent: "no exchange connection (OKX_ENABLED=false)" },
  { check: "redis", title: "Redis", absent: "not configured: sessions and state in memory (no REDIS_URL)" },
  { check: "clickhouse", title: "ClickHouse", absent: "not reported" },
  { check: "engine", title: "Engine", absent: "no engine bridge (needs REDIS_URL)" },
] as const;

export const System = defineComponent(() => {
  const tw = useTradewire();
  const { canTrade, role } = useSession();
  const { info, latency, on, status } = useEventStream(["system"], { latencyEveryMs: 1000 });
  const ready = shallowRef<ReadyAnswer | null>(null);
  const health = shallowRef<HealthAnswer | null>(null);
  const clients = shallowRef<Record<string, number> | null>(null);
  const engines = shallowRef<EngineView[] | null>(null);
  const error = shallowRef<string | null>(null);
  const checkedAt = shallowRef(0);
  /** Engines are private (not for viewers). */
  const seesEngines = computed(() => canTrade.value || role.value === "engine");

  const loadEngines = async () => {
    if (!seesEngines.value) return;
    try {
      engines.value = (await tw.rest.engines.list()).data;
    } catch (err) {
      if (!(err instanceof ApiRequestError)) throw err;
    }
  };
  const refresh = async () => {
    try {
      const [r, h, m] = await Promise.all([tw.rest.ops.ready(), tw.rest.ops.health(), tw.rest.ops.metrics()]);
      ready.value = r;
      health.value = h;
      clients.value = gauge(m, "tradewire_stream_clients", "transport");
      error.value = null;
    } catch (err) {
      error.value = (err as Error).message;
    }
    await loadEngines();
    checkedAt.value = Date.now();
  };
  void refresh();
  const timer = setInterval(refresh, 3_000);
  onScopeDispose(() => clearInterval(timer));
  // An engine came up, fell silent or stopped: show it now, not at the next poll.
  on("system", (ev) => {
    if (ev.data.kind === "engine") void refresh();
  });
  // This page's own stream counts among the clients: read them again once it is live (a page
  // opened here asks before its stream has connected).
  watch(status, (now, was) => {
    if (now === "live" && was !== "live") void refresh();
  });
  const totalClients = computed(() => Object.values(clients.value ?? {}).reduce((a, b) => a + b, 0));

  const connections = () => {
    const checks = ready.value?.checks ?? [];
    return CONNECTIONS.map((c) => {
      const ch = checks.find((x) => x.name === c.check);
      const state = !ready.value ? "…" : !ch ? "n/a" : ch.ok ? "up" : "down";
      return (
        <tr key={c.check} data-testid={`check-${c.check}`}>
          <td>{c.title}</td>
          <td class={state === "up" ? "up" : state === "down" ? "down" : "muted"} data-testid="state">
            {state}
          </td>
          <td class="muted wrap">{ch ? (ch.detail ?? "") : ready.value ? c.absent : ""}</td>
        </tr>
      );
    });
  };

  const engineTable = () => (
    <section class="card" data-testid="engines">
      <h2>Engines</h2>
      <table class="grid">
        <thead>
          <tr>
            <th>Engine</th>
            <th>State</th>
            <th>Since</th>
            <th>Last heartbeat</th>
            <th class="num">Strategies</th>
            <th class="hide-narrow">Instances</th>
          </tr>
        </thead>
        <tbody>
          {engines.value?.map((e) => (
            <tr key={e.engineId} data-testid={`engine-${e.engineId}`}>
              <td>{e.engineId}</td>
              <td class={e.state === "up" ? "up" : "down"}>{e.state}</td>
              <td>{fmtWhen(e.since)}</td>
              <td>
                {fmtWhen(e.lastSeen)} <small class="muted">(every {e.heartbeatMs} ms)</small>
              </td>
              <td class="num">{e.strategies}</td>
              <td class="hide-narrow">{e.instances.join(", ")}</td>
            </tr>
          ))}
          {engines.value?.length === 0 && (
            <tr>
              <td colspan={6} class="empty">
                No engine has registered.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );

  return () => {
    const i = info.value;
    const l = latency.value;
    const c = l.counts;
    const others = (ready.value?.checks ?? []).filter((ch) => !CONNECTIONS.some((x) => x.check === ch.name));
    return (
      <div class="system">
        <section class="card" data-testid="readiness">
          <h2>
            Service{" "}
            <span class={`pill ${ready.value?.status === "ready" ? "status-live" : "status-offline"}`}>
              {ready.value?.status ?? "…"}
            </span>
          </h2>
          {error.value && <p class="error">{error.value}</p>}
          <table class="grid">
            <tbody>
              {connections()}
              {others.map((ch) => (
                <tr key={ch.name} data-testid={`check-${ch.name}`}>
                  <td>{ch.name}</td>
                  <td class={ch.ok ? "up" : "down"} data-testid="state">
                    {ch.ok ? "up" : "down"}
                  </td>
                  <td class="muted wrap">{ch.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            {health.value && `v${health.value.version}, up ${health.value.uptimeS} s · `}checked{" "}
            {fmtTime(checkedAt.value)}
          </p>
        </section>
        <section class="card" data-testid="server-clients">
          <h2>
            Stream clients on the server{" "}
            <strong data-testid="client-count">{clients.value ? totalClients.value : "…"}</strong>
          </h2>
          <p class="muted">
            {clients.value &&
              Object.entries(clients.value)
                .map(([t, n]) => `${t} ${n}`)
                .join(" · ")}
          </p>
        </section>
        {seesEngines.value && engines.value !== null && engineTable()}
        <section class="card" data-testid="this-stream">
          <h2>This page's stream</h2>
          <dl class="facts">
            <dt>status</dt>
            <dd data-testid="sys-status">{i.status}</dd>
            <dt>transport</dt>
            <dd data-testid="sys-transport">{i.transport}</dd>
            <dt>tab</dt>
            <dd data-testid="sys-role">
              {i.role === "follower" ? "follower (another tab holds the connection)" : i.role}
            </dd>
            <dt>last id</dt>
            <dd>{i.lastEventId ?? "–"}</dd>
            <dt>channels</dt>
            <dd>{i.channels.join(", ") || "–"}</dd>
            <dt>clock offset</dt>
            <dd>
              {fmtMs(l.offsetMs)} {l.rttMs !== null && <small class="muted">(round trip {fmtMs(l.rttMs)})</small>}
            </dd>
            <dt>events</dt>
            <dd data-testid="sys-counts">
              {c.events} (caught up after reconnects {c.replayed}) · snapshots {c.snapshots} · duplicates dropped{" "}
              {c.duplicates} · resets {c.resets} (gaps {c.gaps}) · malformed {c.malformed} · unknown {c.unknown} ·
              handler errors {c.handlerErrors} · reconnects {c.reconnects}
            </dd>
            {i.error && (
              <>
                <dt>last error</dt>
                <dd class="down">
                  {i.error.code}: {i.error.message} ({fmtWhen(i.error.at)})
                </dd>
              </>
            )}
          </dl>
        </section>
        <section class="card latency" data-testid="latency">
          <h2>Stream latency</h2>
          <Histogram title="Exchange → tradewire" hint="rx − ex" h={l.legs.exchange} />
          <Histogram title="Ingest → bus" hint="pub − rx" h={l.legs.ingest} />
          <Histogram title="Bus → this page" hint="now + offset − pub" h={l.legs.page} />
          <Histogram title="End to end: exchange → this page" hint="now + offset − ex" h={l.legs.total} />
        </section>
      </div>
    );
  };
});
