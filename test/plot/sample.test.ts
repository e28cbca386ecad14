import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import type { PlotRequest } from '../../schemas/plot.js';
import { ProblemError } from '../../src/errors.js';
import { samplePlot } from '../../src/plot/sample.js';

const linspace = (start: number, end: number, steps: number) => ({ linspace: { start, end, steps }, dtype: 'float32' as const, requires_grad: true });
const sample = (request: Omit<PlotRequest, 'inputs'> & { inputs?: PlotRequest['inputs'] }) =>
  samplePlot({ inputs: { x: linspace(-10, 10, 101) }, ...request }, DEFAULT_LIMITS);

describe('samplePlot', () => {
  it('the course sum trick: Y = x ** 2, y = torch.sum(Y) plots Y and dY/dx = 2x', () => {
    const series = sample({ expr: 'Y = x ** 2\ny = torch.sum(Y)' });
    expect(series).toMatchObject({ axis: 'x', of: 'Y', gradFn: 'PowBackward0' });
    expect(series.x).toHaveLength(101);
    series.x.forEach((x, i) => {
      expect(series.y[i]).toBeCloseTo(x! * x!, 3);
      expect(series.dydx[i]).toBeCloseTo(2 * x!, 4);
    });
  });

  it('relu over linspace(-10, 10, 1000): derivative 0 left of zero, 1 right of it', () => {
    const series = samplePlot({ inputs: { x: linspace(-10, 10, 1000) }, expr: 'y = torch.relu(x)' }, DEFAULT_LIMITS);
    expect(series).toMatchObject({ of: 'y', gradFn: 'ReluBackward0' });
    series.x.forEach((x, i) => {
      expect(series.y[i]).toBe(Math.max(0, x!));
      expect(series.dydx[i]).toBe(x! > 0 ? 1 : 0);
    });
  });

  it('an elementwise result is plotted itself', () => {
    const series = sample({ expr: '2 * x ** 3 + x' });
    expect(series.of).toBe('result');
    series.x.forEach((x, i) => expect(series.dydx[i]).toBeCloseTo(6 * x! * x! + 1, 2));
  });

  it('plots along a named axis with other inputs held fixed (partial derivative)', () => {
    const series = samplePlot({ inputs: { u: linspace(-2, 2, 5), v: 2 }, axis: 'u', expr: 'f = u * v + u ** 2' }, DEFAULT_LIMITS);
    expect(series.dydx).toEqual([-2, 0, 2, 4, 6]); // df/du = v + 2u
  });

  it('the axis derivative is computed even when the input said requires_grad false', () => {
    const series = samplePlot({ inputs: { x: { ...linspace(0, 1, 3), requires_grad: false } }, expr: 'y = 3 * x' }, DEFAULT_LIMITS);
    expect(series.dydx).toEqual([3, 3, 3]);
  });

  it('a statement named with `of`', () => {
    const series = sample({ expr: 'a = torch.sin(x)\nb = a * 2', of: 'a' });
    expect(series).toMatchObject({ of: 'a', gradFn: 'SinBackward0' });
    series.x.forEach((x, i) => expect(series.dydx[i]).toBeCloseTo(Math.cos(x!), 5));
  });

  it('non-finite values become gaps', () => {
    const series = samplePlot({ inputs: { x: linspace(-1, 1, 3) }, expr: 'y = torch.log(x)' }, DEFAULT_LIMITS);
    expect(series.y[0]).toBeNull(); // log(-1) = nan
    expect(series.y[1]).toBeNull(); // log(0) = -inf
    expect(series.y[2]).toBe(0);
  });

  const problem = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      return error as ProblemError;
    }
    throw new Error('expected a ProblemError');
  };

  it('refuses an axis that is not 1-D', () => {
    expect(problem(() => samplePlot({ inputs: { x: 2 }, expr: 'x ** 2' }, DEFAULT_LIMITS)).code).toBe('shape-error');
  });

  it('refuses a program with no statement of the axis shape', () => {
    expect(problem(() => sample({ expr: 'y = x.sum()' })).code).toBe('shape-error');
  });

  it('refuses a function that does not depend on the axis', () => {
    const error = problem(() => samplePlot({ inputs: { x: linspace(0, 1, 3), z: [1, 2, 3] }, axis: 'x', expr: 'y = z * 2' }, DEFAULT_LIMITS));
    expect(error.code).toBe('autograd-error');
    expect(error.message).toContain('x.grad is None');
  });

  it('refuses more points than a chart shows', () => {
    const error = problem(() => samplePlot({ inputs: { x: linspace(0, 1, 10_001) }, expr: 'y = x' }, DEFAULT_LIMITS));
    expect(error.code).toBe('limit-exceeded');
    expect(error.extras.limit?.name).toBe('maxPlotPoints');
  });

  it('passes parse errors through with their position', () => {
    const error = problem(() => sample({ expr: 'y = x **' }));
    expect(error.code).toBe('parse-error');
    expect(error.extras.position).toMatchObject({ line: 1 });
  });
});
