// System: readiness of each dependency (/ready), the server's stream clients (/metrics), this
// page's stream (transport, tab role, counts) and its latency per leg.
import { computed, defineComponent, onScopeDispose, shallowRef } from "vue";
import type { HealthAnswer, ReadyAnswer } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { useEventStream } from "../../vue/stream.ts";
import { fmtMs, fmtTime } from "../format.ts";
import { Histogram } from "../parts/Histogram.tsx";

/** Sums of `name{label="x"} value` lines by label value. */
function gauge(text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${name}\\{[^}]*${label}="([^"]+)"[^}]*\\} ([0-9.eE+-]+)$`, "gm");
  for (const m of text.matchAll(re)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
}

export const System = defineComponent(() => {
  const tw = useTradewire();
  const { info, latency } = useEventStream([], { latencyEveryMs: 1000 });
  const ready = shallowRef<ReadyAnswer | null>(null);
  const health = shallowRef<HealthAnswer | null>(null);
  const clients = shallowRef<Record<string, number> | null>(null);
  const error = shallowRef<string | null>(null);
  const checkedAt = shallowRef(0);

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
    checkedAt.value = Date.now();
  };
  void refresh();
  const timer = setInterval(refresh, 3_000);
  onScopeDispose(() => clearInterval(timer));
  const totalClients = computed(() => Object.values(clients.value ?? {}).reduce((a, b) => a + b, 0));

  return () => {
    const i = info.value;
    const l = latency.value;
    const c = l.counts;
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
              {ready.value?.checks.map((ch) => (
                <tr key={ch.name} data-testid={`check-${ch.name}`}>
                  <td>{ch.name}</td>
                  <td class={ch.ok ? "up" : "down"}>{ch.ok ? "ok" : "down"}</td>
                  <td class="muted">{ch.detail ?? ""}</td>
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
            <dd>
              {c.events} (caught up after reconnects {c.replayed}) · snapshots {c.snapshots} · duplicates dropped{" "}
              {c.duplicates} · resets {c.resets} (gaps {c.gaps}) · malformed {c.malformed} · unknown {c.unknown} ·
              handler errors {c.handlerErrors} · reconnects {c.reconnects}
            </dd>
            {i.error && (
              <>
                <dt>last error</dt>
                <dd class="down">
                  {i.error.code}: {i.error.message} ({fmtTime(i.error.at)})
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
        </section>
      </div>
    );
  };
});
