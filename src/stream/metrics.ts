// Stream and bus figures for /metrics: clients by transport, bytes, overruns, resets, latency.

import type { DispatchMetrics } from "../bus/dispatcher.ts";
import type { BusEvent } from "../bus/ring.ts";
import type { Registry } from "../ops/metrics.ts";
import type { Transport } from "./transport.ts";

export type Stage = "ingest" | "bus" | "write";

export class StreamMetrics implements DispatchMetrics {
  private readonly clients = new Map<Transport, number>([
    ["sse", 0],
    ["ws", 0],
    ["poll", 0],
  ]);
  private readonly connects;
  private readonly disconnects;
  private readonly bytes;
  private readonly frames;
  private readonly resets;
  private readonly overruns;
  private readonly busEvents;
  private readonly stages: Record<Stage, (s: number) => void>;
  private readonly batches;
  readonly published;

  constructor(reg: Registry) {
    const gauge = reg.gauge("tradewire_stream_clients", "Connected stream clients by transport");
    for (const t of this.clients.keys()) gauge.set({ transport: t }, () => this.clients.get(t) ?? 0);
    this.connects = reg.counter("tradewire_stream_connects_total", "Stream clients connected, by transport");
    this.disconnects = reg.counter(
      "tradewire_stream_disconnects_total",
      "Stream clients gone, by transport and reason",
    );
    this.bytes = reg.counter("tradewire_stream_bytes_written_total", "Event bytes handed to client sockets");
    this.frames = reg.counter("tradewire_stream_events_written_total", "Events handed to client sockets");
    this.resets = reg.counter(
      "tradewire_stream_resets_total",
      "Clients told to reset (overrun or lagging past the cap)",
    );
    this.overruns = reg.counter(
      "tradewire_bus_overruns_total",
      "Times the main thread's bus reader fell a whole ring behind",
    );
    this.busEvents = reg.counter("tradewire_bus_events_total", "Events read from the bus by the main thread");
    this.published = reg.counter("tradewire_events_published_total", "Events published, by source");
    const latency = reg.histogram(
      "tradewire_latency_seconds",
      "Per-stage latency: ingest = receive->publish, bus = publish->batch handed out, write = publish->batch done (last socket write)",
    );
    this.stages = {
      ingest: latency.bind({ stage: "ingest" }),
      bus: latency.bind({ stage: "bus" }),
      write: latency.bind({ stage: "write" }),
    };
    this.batches = reg.histogram(
      "tradewire_hub_batch_seconds",
      "Time to hand one batch to every consumer (the fan-out to every client included)",
    );
  }

  connected(t: Transport): void {
    this.clients.set(t, (this.clients.get(t) ?? 0) + 1);
    this.connects.inc({ transport: t });
  }
  disconnected(t: Transport, reason: string): void {
    this.clients.set(t, (this.clients.get(t) ?? 1) - 1);
    this.disconnects.inc({ transport: t, reason });
  }
  /** Per-batch totals by transport (the hub adds up per client and reports once). */
  wrote(t: Transport, bytes: number, events: number): void {
    (this.bytesBy[t] ??= this.bytes.bind({ transport: t }))(bytes);
    (this.framesBy[t] ??= this.frames.bind({ transport: t }))(events);
  }
  private readonly bytesBy: Partial<Record<Transport, (n: number) => void>> = {};
  private readonly framesBy: Partial<Record<Transport, (n: number) => void>> = {};
  reset(t: Transport, reason: string): void {
    this.resets.inc({ transport: t, reason });
  }
  overrun(): void {
    this.overruns.inc();
  }
  stage(stage: Stage, ms: number): void {
    this.stages[stage](Math.max(0, ms) / 1000);
  }
  /** A batch went to every consumer of the bus reader, from `startMs` to `endMs`. */
  delivered(events: BusEvent[], startMs: number, endMs: number): void {
    for (const ev of events) {
      this.stage("ingest", ev.pubTs - ev.rxTs);
      this.stage("bus", startMs - ev.pubTs);
    }
    this.stage("write", endMs - events[events.length - 1]!.pubTs);
    this.busEvents.inc({}, events.length);
    this.batches.observe({}, (endMs - startMs) / 1000);
  }
  count(t: Transport): number {
    return this.clients.get(t) ?? 0;
  }
}
