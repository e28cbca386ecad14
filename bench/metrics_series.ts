/**
 * What recording one request's metrics costs with prom-client's own Counter and Histogram (what
 * plugins/metrics.ts uses) against a hand-written cache of label sets (what src/plugins/series.ts
 * did until it was measured here and dropped: a label set resolved once to a series object,
 * recording a few additions), recording what plugins/metrics.ts records per answered request: a
 * counter and a histogram by method, route and status. Run: npx tsx bench/metrics_series.ts
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { Bench } from 'tinybench';

/** The dropped alternative, reduced to its recording path: label values to a series, a Map lookup away. */
class CachedSeries<S> {
  private readonly byLabels = new Map<string, S>();
  constructor(
    private readonly labelNames: readonly string[],
    private readonly create: () => S,
  ) {}

  series(labels: Record<string, string>): S {
    let key = '';
    for (const name of this.labelNames) key += labels[name] + '\u0000';
    let series = this.byLabels.get(key);
    if (series === undefined) this.byLabels.set(key, (series = this.create()));
    return series;
  }
}

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LABEL_NAMES = ['method', 'route', 'status'] as const;
// A mix of what a server answers: a few routes and statuses.
const REQUESTS = [
  { method: 'POST', route: '/v1/evaluate', status: '200' },
  { method: 'POST', route: '/v1/evaluate', status: '422' },
  { method: 'POST', route: '/v1/run', status: '200' },
  { method: 'GET', route: '/healthz', status: '200' },
  { method: 'POST', route: '/v1/evaluate', status: '400' },
];

const fastRequests = new CachedSeries(LABEL_NAMES, () => ({ value: 0 }));
const fastLatency = new CachedSeries(LABEL_NAMES, () => ({ counts: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 }));

const promRegistry = new Registry();
const promRequests = new Counter({ name: 'http_requests_total', help: 'h', labelNames: LABEL_NAMES, registers: [promRegistry] });
const promLatency = new Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: LABEL_NAMES, buckets: BUCKETS, registers: [promRegistry] });

/** Requests recorded per sample: the timer's own cost is spread over them. */
const PER_SAMPLE = 1000;
const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('label sets cached by hand (the dropped series.ts)', () => {
    for (let i = 0; i < PER_SAMPLE; i++) {
      const labels = REQUESTS[i % REQUESTS.length];
      fastRequests.series(labels).value += 1;
      const histogram = fastLatency.series(labels);
      const value = 0.0004 + (i % 7) * 0.003;
      let b = 0;
      while (b < BUCKETS.length && value > BUCKETS[b]) b++;
      histogram.counts[b] += 1;
      histogram.sum += value;
      histogram.count += 1;
    }
  })
  .add("prom-client's Counter + Histogram", () => {
    for (let i = 0; i < PER_SAMPLE; i++) {
      const labels = REQUESTS[i % REQUESTS.length];
      promRequests.inc(labels);
      promLatency.observe(labels, 0.0004 + (i % 7) * 0.003);
    }
  });
await bench.run();

const rows = bench.tasks.map((task) => {
  const result = task.result;
  if (!('latency' in result)) throw new Error(`${task.name} did not complete`);
  return { task: task.name, 'ns per request': Math.round((result.latency.mean * 1e6) / PER_SAMPLE), 'p99 ns': Math.round((result.latency.p99 * 1e6) / PER_SAMPLE) };
});
console.table(rows);
