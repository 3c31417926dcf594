// useEventStream: the connection as the page shows it (status, last error, latency, resync
// notices) plus channels held for the component's lifetime and handlers removed on unmount.
import { computed, type MaybeRefOrGetter, onScopeDispose, shallowRef, toValue, watch } from "vue";
import type { ClientInfo, Notice } from "../client/client.ts";
import type { DispatchMeta } from "../client/dispatch.ts";
import type { LatencyReport } from "../client/stats.ts";
import type { StreamEvent, TypeOf } from "../client/types.ts";
import { useTradewire } from "./context.ts";

export interface EventStreamOptions {
  /** How often `latency` is refreshed (ms; 0: never). Default 1000. */
  latencyEveryMs?: number;
}

/**
 * @example
 * const { status, latency, on } = useEventStream(["orders"]);
 * on("order", (ev) => console.log(ev.data.state));
 */
export function useEventStream(channels: MaybeRefOrGetter<string[]> = [], options: EventStreamOptions = {}) {
  const { client } = useTradewire();
  const info = shallowRef<ClientInfo>(client.info);
  const latency = shallowRef<LatencyReport>(client.stats.report());
  const notice = shallowRef<Notice | null>(null);
  const undo: Array<() => void> = [
    client.onStatus((i) => (info.value = i)),
    client.onNotice((n) => (notice.value = n)),
  ];
  let release = () => {};
  const stop = watch(
    () => [...toValue(channels)].sort().join(","),
    (key) => {
      release();
      release = key ? client.subscribe(key.split(",")) : () => {};
    },
    { immediate: true },
  );
  const every = options.latencyEveryMs ?? 1000;
  const timer = every > 0 ? setInterval(() => (latency.value = client.stats.report()), every) : undefined;
  onScopeDispose(() => {
    stop();
    release();
    clearInterval(timer);
    for (const u of undo) u();
  });
  return {
    status: computed(() => info.value.status),
    error: computed(() => info.value.error),
    info,
    latency,
    /** The last resync (`reset` or new epoch: snapshots reloaded) and its end. */
    notice,
    /** A handler for this component's lifetime. */
    on<P extends string>(pattern: P, handler: (ev: StreamEvent<TypeOf<P>>, meta: DispatchMeta) => void): () => void {
      const off = client.on(pattern, handler);
      undo.push(off);
      return off;
    },
  };
}
