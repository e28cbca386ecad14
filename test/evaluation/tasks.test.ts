import { afterAll, describe, expect, it } from 'vitest';
import { checkSchemas } from '../../schemas/check.js';
import { gradcheckSchemas } from '../../schemas/gradcheck.js';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { plotSchemas } from '../../schemas/plot.js';
import { programSchemas } from '../../schemas/program.js';
import type { EvaluationConfig } from '../../src/config.js';
import { EvaluationRunner } from '../../src/evaluation/runner.js';
import { legendLabels, lineSeries, parseSvg } from '../plot/svg.js';

const limits = DEFAULT_LIMITS;
const config: Omit<EvaluationConfig, 'inlineMaxWork'> = { workers: 1, budgetMs: 20_000, poolMaxWork: 1e9, batchMaxWork: 1e9, batchBudgetMs: 60_000, maxQueue: 4, queueTimeoutMs: 60_000 };
const inline = new EvaluationRunner({ ...config, inlineMaxWork: Number.MAX_SAFE_INTEGER });
const pooled = new EvaluationRunner({ ...config, inlineMaxWork: 0 });
afterAll(async () => {
  await inline.close();
  await pooled.close();
});

const { EvaluateRequest } = programSchemas(limits);
const { CheckRequest } = checkSchemas(limits);
const { GradcheckRequest } = gradcheckSchemas(limits);
const { PlotRequest } = plotSchemas(limits);

/** The same task inline and in a worker: the same text (serialized where it ran) and the same work. */
async function both<K extends 'evaluate' | 'check' | 'gradcheck'>(kind: K, input: Parameters<EvaluationRunner['run']>[1]) {
  const [a, b] = await Promise.all([inline.run(kind, input as never), pooled.run(kind, input as never)]);
  expect([a.mode, b.mode]).toEqual(['inline', 'pool']);
  expect(b.text).toBe(a.text);
  expect(b.work).toBe(a.work);
  return JSON.parse(b.text);
}

describe('every task gives the same answer inline and in a worker (its input and output survive structured clone)', () => {
  it('evaluate', async () => {
    const answer = await both('evaluate', { request: EvaluateRequest.parse({ inputs: { x: [1, 2] }, expr: 'y = (x ** 3).sum()' }), limits });
    expect(answer.tensors.x.grad).toEqual([3, 12]);
  });

  it('check: a reference at random points', async () => {
    const request = CheckRequest.parse({
      submission: { inputs: { x: 1.5 }, expr: 'y = x * x * x' },
      reference: { expr: 'y = x ** 3' },
      points: 3,
    });
    const answer = await both('check', { request, limits });
    expect(answer).toMatchObject({ pass: true, score: 1 });
    expect(answer.checks).toHaveLength(8); // y and x.grad at the given input and 3 points
  });

  it('check: a submission that cannot run is a graded failure with its problem', async () => {
    const request = CheckRequest.parse({ submission: { inputs: { x: 1 }, expr: 'y = x +' }, expected: { tensors: { y: { data: 2 } } } });
    const answer = await both('check', { request, limits });
    expect(answer.error).toMatchObject({ type: expect.stringMatching(/parse-error$/) });
  });

  it("gradcheck: the course's SQ fails", async () => {
    const request = GradcheckRequest.parse({
      program: { inputs: { x: [0.5, 1.5] }, functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } }, expr: 'y = SQ(x)' },
    });
    const answer = await both('gradcheck', { request, limits });
    expect(answer.pass).toBe(false);
  });

  it('a problem raised in a worker arrives as the same ProblemError', async () => {
    const input = { request: EvaluateRequest.parse({ inputs: { x: 1 }, expr: 'y = nope(x)' }), limits };
    const [a, b] = await Promise.allSettled([inline.run('evaluate', input), pooled.run('evaluate', input)]);
    expect(a.status).toBe('rejected');
    expect(b).toEqual(a);
  });
});

describe('the plot task', () => {
  it('samples and renders in a worker: an SVG with both series and a legend', async () => {
    const request = PlotRequest.parse({ inputs: { x: { linspace: { start: -10, end: 10, steps: 50 } } }, expr: 'y = torch.relu(x)' });
    // rendering alone holds a thread for tens of ms: never inline, whatever the inline limit
    const chart = await inline.run('plot', { request, limits });
    expect(chart).toMatchObject({ mode: 'pool', contentType: 'svg', details: { axis: 'x', of: 'y', points: 50 } });
    const root = parseSvg(chart.text);
    // 50 points sampled; drawn as matplotlib draws them (path.simplify): relu and its step are
    // each flat up to the last point below 0, one segment across it, straight on to the end
    expect(lineSeries(root).map((s) => s.points)).toEqual([4, 4]);
    expect(legendLabels(root)).toEqual(['y (function)', 'dy/dx (derivative)']);
  });
});
