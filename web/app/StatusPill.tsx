// The stream's state in the header: connecting / live / resyncing / offline, the page leg's
// p99, and a banner while snapshots are being reloaded after a reset.
import { computed, defineComponent } from "vue";
import { useEventStream } from "../vue/stream.ts";
import { fmtMs } from "./format.ts";

export const StatusPill = defineComponent(() => {
  const { status, info, latency, notice } = useEventStream([], { latencyEveryMs: 1000 });
  const title = computed(() => {
    const i = info.value;
    const parts = [`${i.transport.toUpperCase()} (${i.role})`, `last id ${i.lastEventId ?? "–"}`];
    if (i.error) parts.push(`${i.error.code}: ${i.error.message}`);
    return parts.join(" · ");
  });
  return () => (
    <div class="status-wrap">
      <span class={`pill status-${status.value}`} title={title.value} data-testid="stream-status">
        {status.value}
        {status.value === "live" && latency.value.legs.page.p99 !== null && (
          <small> p99 {fmtMs(latency.value.legs.page.p99)}</small>
        )}
      </span>
      {notice.value?.kind === "resync" && status.value === "resyncing" && (
        <span class="note warn" role="status">
          stream reset ({notice.value.reason}): reloading
        </span>
      )}
    </div>
  );
});
