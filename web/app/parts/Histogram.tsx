// One latency leg: percentiles and the log-bucket histogram as bars.
import { defineComponent } from "vue";
import type { HistogramSnapshot } from "../../client/histogram.ts";
import { fmtMs } from "../format.ts";

export const Histogram = defineComponent(
  (props: { title: string; hint: string; h: HistogramSnapshot }) => {
    return () => {
      const h = props.h;
      const max = Math.max(1, ...h.buckets.map((b) => b.n));
      return (
        <div class="hist" data-testid={`latency-${props.title.split(" ")[0]!.toLowerCase()}`}>
          <h3>
            {props.title} <small class="muted">{props.hint}</small>
          </h3>
          <p class="figures">
            <span>
              p50 <strong data-testid="p50">{fmtMs(h.p50)}</strong>
            </span>
            <span>
              p99 <strong data-testid="p99">{fmtMs(h.p99)}</strong>
            </span>
            <span>max {fmtMs(h.max)}</span>
            <span class="muted">{h.count} events</span>
          </p>
          <div class="bars" aria-hidden="true">
            {h.buckets.map((b) => (
              <span
                key={b.le}
                class="b"
                style={{ height: `${Math.max(2, (b.n / max) * 100)}%` }}
                title={`≤ ${fmtMs(b.le)}: ${b.n}`}
              />
            ))}
          </div>
          {h.buckets.length > 0 && (
            <p class="axis muted">
              <span>{fmtMs(h.buckets[0]!.le)}</span>
              <span>{fmtMs(h.buckets.at(-1)!.le)}</span>
            </p>
          )}
        </div>
      );
    };
  },
  { props: ["title", "hint", "h"] },
);
