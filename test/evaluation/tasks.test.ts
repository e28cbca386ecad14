import { afterAll, describe, expect, it } from 'vitest';
import { checkSchemas } from '../../schemas/check.js';
import { gradcheckSchemas } from '../../schemas/gradcheck.js';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { plotSchemas } from '../../schemas/plot.js';
import { programSchemas } from '../../schemas/program.js';
import { EvaluationRunner } from '../../src/evaluation/runner.js';
import { legendLabels, lineSeries, parseSvg } from '../plot/svg.js';

const limits = DEFAULT_LIMITS;
const config = { workers: 1, budgetMs: 20_000, maxQueue: 4 };
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

describe('every task gives the same answer inline and in a worker (its input and output survive structured clone)', () => {
  it('evaluate', async () => {
    const input = { request: EvaluateRequest.parse({ inputs: { x: [1, 2] }, expr: 'y = (x ** 3).sum()' }), limits };
    expect(pooled.plan('evaluate', input).mode).toBe('pool');
    const [a, b] = await Promise.all([inline.run('evaluate', input), pooled.run('evaluate', input)]);
    expect(b).toEqual(a);
    expect(b.tensors.x.grad).toEqual([3, 12]);
  });

  it('check: a reference at random points', async () => {
    const request = CheckRequest.parse({
      submission: { inputs: { x: 1.5 }, expr: 'y = x * x * x' },
      reference: { expr: 'y = x ** 3' },
      points: 3,
    });
    const [a, b] = await Promise.all([inline.run('check', { request, limits }), pooled.run('check', { request, limits })]);
    expect(b).toEqual(a);
    expect(b).toMatchObject({ pass: true, score: 1 });
    expect(b.checks).toHaveLength(8); // y and x.grad at the given input and 3 points
  });

  it('check: a submission that cannot run is a graded failure with its problem', async () => {
    const request = CheckRequest.parse({ submission: { inputs: { x: 1 }, expr: 'y = x +' }, expected: { tensors: { y: { data: 2 } } } });
    const [a, b] = await Promise.all([inline.run('check', { request, limits }), pooled.run('check', { request, limits })]);
    expect(b).toEqual(a);
    expect(b.error).toMatchObject({ type: expect.stringMatching(/parse-error$/) });
  });

  it("gradcheck: the course's SQ fails", async () => {
    const request = GradcheckRequest.parse({
      program: { inputs: { x: [0.5, 1.5] }, functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } }, expr: 'y = SQ(x)' },
    });
    const [a, b] = await Promise.all([inline.run('gradcheck', { request, limits }), pooled.run('gradcheck', { request, limits })]);
    expect(b).toEqual(a);
    expect(b.pass).toBe(false);
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
    expect(inline.plan('plot', { request, limits }).mode).toBe('pool'); // rendering alone holds a thread for tens of ms
    const chart = await pooled.run('plot', { request, limits });
    expect(chart).toMatchObject({ axis: 'x', of: 'y', points: 50 });
    const root = parseSvg(chart.svg);
    expect(lineSeries(root).map((s) => s.points)).toEqual([50, 50]);
    expect(legendLabels(root)).toEqual(['y (function)', 'dy/dx (derivative)']);
  });
});
