import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram } from '../../src/plugins/series.js';

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];
const LABELS = ['method', 'route', 'status'] as const;

describe('FastCounter and FastHistogram', () => {
  it('print exactly what prom-client Counter and Histogram print for the same observations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            method: fc.constantFrom('GET', 'POST'),
            route: fc.constantFrom('/v1/evaluate', 'unmatched', '/a "quoted"\\route'),
            status: fc.constantFrom('200', '422', '503'),
            value: fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(0, 0.001, 0.01, 1, 10, 10.5)),
          }),
          { maxLength: 40 },
        ),
        async (observations) => {
          const theirs = new Registry();
          const ours = new Registry();
          const counter = new Counter({ name: 'requests_total', help: 'requests', labelNames: LABELS, registers: [theirs] });
          const histogram = new Histogram({ name: 'duration_seconds', help: 'time', labelNames: LABELS, buckets: BUCKETS, registers: [theirs] });
          const plain = new Histogram({ name: 'sizes', help: 'sizes', buckets: [1, 100], registers: [theirs] });
          const total = new Counter({ name: 'all_total', help: 'all', registers: [theirs] });
          const fastCounter = new FastCounter(ours, { name: 'requests_total', help: 'requests', labelNames: LABELS });
          const fastHistogram = new FastHistogram(ours, { name: 'duration_seconds', help: 'time', labelNames: LABELS, buckets: BUCKETS });
          const fastPlain = new FastHistogram(ours, { name: 'sizes', help: 'sizes', labelNames: [], buckets: [1, 100] });
          const fastTotal = new FastCounter(ours, { name: 'all_total', help: 'all', labelNames: [] });
          for (const { value, ...labels } of observations) {
            counter.inc(labels);
            histogram.observe(labels, value);
            plain.observe(value * 10);
            fastCounter.series(labels).inc();
            fastHistogram.series(labels).observe(value);
            fastPlain.series({}).observe(value * 10);
            if (value > 5) {
              total.inc();
              fastTotal.series({}).inc();
            }
          }
          expect(await ours.metrics()).toBe(await theirs.metrics());
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});
