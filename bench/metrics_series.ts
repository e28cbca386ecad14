/**
 * What recording one request's metrics costs: the service's series (src/plugins/series.ts: a
 * label set resolved once to a series object, recording an addition) against prom-client's own
 * Counter and Histogram, recording exactly what plugins/metrics.ts records per answered request
 * (a counter and a histogram by method, route and status). Run: npx tsx bench/metrics_series.ts
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { Bench } from 'tinybench';
import { FastCounter, FastHistogram } from '../src/plugins/series.js';

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

const fastRegistry = new Registry();
const fastRequests = new FastCounter(fastRegistry, { name: 'http_requests_total', help: 'h', labelNames: LABEL_NAMES });
const fastLatency = new FastHistogram(fastRegistry, { name: 'http_request_duration_seconds', help: 'h', labelNames: LABEL_NAMES, buckets: BUCKETS });

const promRegistry = new Registry();
const promRequests = new Counter({ name: 'http_requests_total', help: 'h', labelNames: LABEL_NAMES, registers: [promRegistry] });
const promLatency = new Histogram({ name: 'http_request_duration_seconds', help: 'h', labelNames: LABEL_NAMES, buckets: BUCKETS, registers: [promRegistry] });

/** Requests recorded per sample: the timer's own cost is spread over them. */
const PER_SAMPLE = 1000;
const bench = new Bench({ time: 2000, warmupTime: 500 });
bench
  .add('series.ts (FastCounter + FastHistogram)', () => {
    for (let i = 0; i < PER_SAMPLE; i++) {
      const labels = REQUESTS[i % REQUESTS.length];
      fastRequests.series(labels).inc();
      fastLatency.series(labels).observe(0.0004 + (i % 7) * 0.003);
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
// Both print the same exposition (the service's test checks that too).
const [fast, prom] = [await fastRegistry.metrics(), await promRegistry.metrics()];
console.log(`same series printed: ${fast.split('\n').length === prom.split('\n').length}`);
