/**
 * Where the inline/pool line goes: median time of one evaluation run inline
 * versus through the worker pool, for growing inputs, beside the work the meter
 * measures for it. Pool round trips cost a structured clone each way plus a
 * thread hop; inline work blocks the event loop. Run: npx tsx bench/measure_inline.ts
 */
import { DEFAULT_LIMITS } from '../schemas/limits.js';
import { programSchemas } from '../schemas/program.js';
import { loadConfig } from '../src/config.js';
import { EvaluationRunner } from '../src/evaluation/runner.js';

const { EvaluateRequest } = programSchemas(DEFAULT_LIMITS);
const config = { ...loadConfig({}).evaluation, workers: 1, budgetMs: 60_000, queueTimeoutMs: 60_000 };
const inline = new EvaluationRunner({ ...config, inlineMaxWork: Number.MAX_SAFE_INTEGER });
const pooled = new EvaluationRunner({ ...config, inlineMaxWork: 0 });

async function median(runner: EvaluationRunner, request: unknown, repeats: number): Promise<{ ms: number; work: number }> {
  const parsed = EvaluateRequest.parse(request);
  const times: number[] = [];
  let work = 0;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    work = (await runner.run('evaluate', { request: parsed, limits: DEFAULT_LIMITS })).work;
    times.push(performance.now() - started);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], work };
}

const expr = 'y = (x ** 2 + 2 * x + 1).sum()';
await pooled.warm();
await median(pooled, { inputs: { x: 1 }, expr }, 20);
console.log('elements  work (measured)  inline ms  pool ms');
for (const n of [1, 10, 100, 1_000, 3_000, 10_000, 30_000, 100_000]) {
  const request = { inputs: { x: { linspace: { start: -1, end: 1, steps: n } } }, expr, outputs: ['y'] };
  const repeats = n >= 30_000 ? 7 : 31;
  const [a, b] = [await median(inline, request, repeats), await median(pooled, request, repeats)];
  console.log(`${String(n).padStart(8)}  ${String(a.work).padStart(15)}  ${a.ms.toFixed(3).padStart(9)}  ${b.ms.toFixed(3).padStart(7)}`);
}
await pooled.close();
await inline.close();
