// A Prometheus histogram read from a /metrics text, the difference of two scrapes, and its
// quantiles interpolated within buckets as histogram_quantile() does (so a quantile is only as
// fine as the buckets around it).

export type PromHistogram = { buckets: Array<[le: number, cumulative: number]>; sum: number; count: number };
export type BucketSummary = { count: number; mean: number; p50: number; p90: number; p99: number };

const labelText = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(",");

/** The series of histogram `name` with exactly these labels (empty when absent). */
export function parseHistogram(text: string, name: string, labels: Record<string, string>): PromHistogram {
  const want = labelText(labels);
  const out: PromHistogram = { buckets: [], sum: 0, count: 0 };
  for (const line of text.split("\n")) {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || !m[1]!.startsWith(name)) continue;
    const value = Number(m[3]);
    if (m[1] === `${name}_bucket`) {
      const le = /,?le="([^"]+)"$/.exec(m[2]!);
      if (le && m[2]!.slice(0, le.index) === want)
        out.buckets.push([le[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(le[1]), value]);
    } else if (m[2] === want && m[1] === `${name}_sum`) out.sum = value;
    else if (m[2] === want && m[1] === `${name}_count`) out.count = value;
  }
  out.buckets.sort((a, b) => a[0] - b[0]);
  return out;
}

/** What was observed between two scrapes of the same series. */
export function delta(after: PromHistogram, before: PromHistogram): PromHistogram {
  const was = new Map(before.buckets);
  return {
    buckets: after.buckets.map(([le, n]) => [le, n - (was.get(le) ?? 0)]),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/** The q-quantile in the histogram's unit, interpolated linearly inside its bucket. */
export function quantile(h: PromHistogram, q: number): number {
  if (h.count === 0) return Number.NaN;
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (const [le, n] of h.buckets) {
    if (n >= rank) {
      if (!Number.isFinite(le)) return lower; // beyond the last bound: all that can be said
      return lower + (le - lower) * ((rank - below) / Math.max(1, n - below));
    }
    lower = le;
    below = n;
  }
  return lower;
}

/** count, mean and p50/p90/p99 in ms of a histogram in seconds. */
export function summarizeSeconds(h: PromHistogram): BucketSummary {
  const ms = (s: number) => s * 1000;
  return {
    count: h.count,
    mean: h.count ? ms(h.sum / h.count) : Number.NaN,
    p50: ms(quantile(h, 0.5)),
    p90: ms(quantile(h, 0.9)),
    p99: ms(quantile(h, 0.99)),
  };
}
