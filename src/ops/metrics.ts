// A small Prometheus registry: counters, gauges and fixed-bucket histograms, rendered as text.
type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/["\\\n]/g, "_")}"`)
    .join(",");

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
  ) {}
  abstract render(): string[];
}

export class Counter extends Metric {
  private values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  /** An incrementer for one label set, for hot paths (no label key built per call). */
  bind(labels: Labels = {}): (by?: number) => void {
    const k = key(labels);
    if (!this.values.has(k)) this.values.set(k, 0);
    return (by = 1) => this.values.set(k, this.values.get(k)! + by);
  }
  render(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([k, v]) => (k ? `${this.name}{${k}} ${v}` : `${this.name} ${v}`));
  }
}

export class Gauge extends Metric {
  private values = new Map<string, number | (() => number)>();
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  set(labels: Labels, v: number | (() => number)): void {
    this.values.set(key(labels), v);
  }
  render(): string[] {
    return [...this.values].map(([k, v]) => {
      const n = typeof v === "function" ? v() : v;
      return k ? `${this.name}{${k}} ${n}` : `${this.name} ${n}`;
    });
  }
}

/** Buckets in seconds, as Prometheus expects. observe() takes seconds. */
export class Histogram extends Metric {
  private series = new Map<string, { counts: Float64Array; sum: number; n: number }>();
  constructor(
    name: string,
    help: string,
    readonly buckets: number[] = [
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
    ],
  ) {
    super(name, help, "histogram");
  }
  observe(labels: Labels, seconds: number): void {
    this.bind(labels)(seconds);
  }
  /** An observer for one label set, for hot paths (no label key built per call). */
  bind(labels: Labels): (seconds: number) => void {
    const k = key(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: new Float64Array(this.buckets.length), sum: 0, n: 0 }));
    const series = s;
    return (seconds) => this.record(series, seconds);
  }
  private record(s: { counts: Float64Array; sum: number; n: number }, seconds: number): void {
    s.sum += seconds;
    s.n++;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) if (seconds <= b[i]!) s.counts[i]!++;
  }
  count(labels: Labels = {}): number {
    return this.series.get(key(labels))?.n ?? 0;
  }
  /** Sum of the observed values (seconds). */
  sum(labels: Labels = {}): number {
    return this.series.get(key(labels))?.sum ?? 0;
  }
  render(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.series) {
      const sep = k ? "," : "";
      for (const [i, b] of this.buckets.entries()) out.push(`${this.name}_bucket{${k}${sep}le="${b}"} ${s.counts[i]}`);
      out.push(`${this.name}_bucket{${k}${sep}le="+Inf"} ${s.n}`);
      out.push(k ? `${this.name}_sum{${k}} ${s.sum}` : `${this.name}_sum ${s.sum}`);
      out.push(k ? `${this.name}_count{${k}} ${s.n}` : `${this.name}_count ${s.n}`);
    }
    return out;
  }
}

export class Registry {
  private metrics: Metric[] = [];
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  gauge(name: string, help: string): Gauge {
    return this.add(new Gauge(name, help));
  }
  histogram(name: string, help: string, buckets?: number[]): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }
  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  render(): string {
    const lines: string[] = [];
    for (const m of this.metrics) {
      lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.render());
    }
    return `${lines.join("\n")}\n`;
  }
}
