import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the per-request series, registered in a
 * prom-client Registry and printed by it exactly as its own Counter and
 * Histogram print (same values, labels and order), but recorded without
 * prom-client's per-call work (label validation, hashing, a closure per
 * observation): a label set is resolved once to a series object, and
 * recording is a few additions. With prom-client these hooks took 5% of the
 * server's time on the smallest programs.
 *
 *   const requests = new FastCounter(register, { name, help, labelNames: ['route'] });
 *   requests.series({ route: '/v1/evaluate' }).inc();
 */

type Labels<Names extends string> = Record<Names, string>;

interface MetricOptions<Names extends string> {
  name: string;
  help: string;
  labelNames: readonly Names[];
}

interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  metricName?: string;
}

/** Label sets by their values (in labelNames order): resolved once each. */
abstract class SeriesMetric<Names extends string, Series> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  protected readonly labelNames: readonly Names[];
  protected readonly bySeries = new Map<string, { labels: Labels<Names>; series: Series }>();

  constructor(register: Registry, options: MetricOptions<Names>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    register.registerMetric(this as never);
  }

  /** Without labels, the one series exists from the start (at zero), as in prom-client. */
  protected startUnlabelled(): void {
    if (this.labelNames.length === 0) this.series({} as Labels<Names>);
  }

  /** The series of these label values (created at zero the first time). */
  series(labels: Labels<Names>): Series {
    let key = '';
    for (const name of this.labelNames) key += labels[name] + '\u0000';
    let entry = this.bySeries.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, series: this.create() };
      this.bySeries.set(key, entry);
    }
    return entry.series;
  }

  protected abstract create(): Series;
}

export class CounterSeries {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

export class FastCounter<Names extends string> extends SeriesMetric<Names, CounterSeries> {
  readonly type = 'counter';

  constructor(register: Registry, options: MetricOptions<Names>) {
    super(register, options);
    this.startUnlabelled();
  }

  protected create(): CounterSeries {
    return new CounterSeries();
  }

  get(): { name: string; help: string; type: string; values: ExportedValue[]; aggregator: string } {
    const values = [...this.bySeries.values()].map(({ labels, series }) => ({ value: series.value, labels }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last counts those above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let b = 0;
    while (b < bounds.length && value > bounds[b]) b++;
    this.counts[b] += 1;
    this.sum += value;
    this.count += 1;
  }
}

export class FastHistogram<Names extends string> extends SeriesMetric<Names, HistogramSeries> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(register: Registry, options: MetricOptions<Names> & { buckets: readonly number[] }) {
    super(register, options);
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    this.startUnlabelled();
  }

  protected create(): HistogramSeries {
    return new HistogramSeries(this.bounds);
  }

  /** prom-client's histogram export: cumulative buckets (le first), +Inf, _sum, _count per series. */
  get(): { name: string; help: string; type: string; values: ExportedValue[]; aggregator: string } {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, series } of this.bySeries.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, b) => {
        cumulative += series.counts[b];
        values.push({ labels: { le: bound }, sharedLabels: labels, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: series.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels: labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}
