import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { EvaluationRunner } from '../../src/evaluation/runner.js';

const runner = new EvaluationRunner({ workers: 1, budgetMs: 5000, inlineMaxWork: 20_000, maxQueue: 4 });
const plan = (request: Record<string, unknown>) =>
  runner.plan('evaluate', { request: { backward: true, ...request } as never, limits: DEFAULT_LIMITS }).mode;

describe('where a program runs', () => {
  it('small programs inline; large inputs, and programs that can grow tensors (expand), in the pool', () => {
    expect(plan({ inputs: { x: 2 }, expr: 'x ** 2' })).toBe('inline');
    expect(plan({ inputs: { x: { zeros: [1000, 1000] } }, expr: 'x.sum()' })).toBe('pool');
    expect(plan({ inputs: { x: 2 }, expr: 'x.expand(1000, 1000).sum()' })).toBe('pool');
    expect(plan({ inputs: { x: 2 }, graph: [{ id: 'y', op: 'expand', args: ['x', 3] }] })).toBe('pool');
    expect(plan({ inputs: { x: 2 }, functions: { F: { params: ['i'], forward: 'i.expand(9)', backward: ['grad_output'] } }, expr: 'F(x)' })).toBe('pool');
  });

  it('sends everything to the pool when INLINE_MAX_WORK is 0', () => {
    const pooled = new EvaluationRunner({ workers: 1, budgetMs: 5000, inlineMaxWork: 0, maxQueue: 4 });
    expect(pooled.plan('evaluate', { request: { inputs: { x: 2 }, expr: 'x', backward: true } as never, limits: DEFAULT_LIMITS }).mode).toBe('pool');
  });
});

describe('where checks, gradchecks and plots run', () => {
  const planOf = <K extends 'check' | 'gradcheck' | 'plot'>(kind: K, request: Record<string, unknown>) =>
    runner.plan(kind, { request: request as never, limits: DEFAULT_LIMITS });

  it('a check counts the submission and the reference once per point', () => {
    const small = { submission: { inputs: { x: { zeros: [100] } }, expr: 'y = x ** 3' }, reference: { inputs: {}, expr: 'y = x * x * x' } };
    expect(planOf('check', small)).toEqual({ mode: 'inline', size: { elements: 100, nodes: 6, runs: 1 } });
    // 100 elements × 6 nodes × 51 runs is past the inline line
    expect(planOf('check', { ...small, points: 50 })).toMatchObject({ mode: 'pool', size: { runs: 51 } });
    expect(planOf('check', { ...small, points: { count: 2, seed: 1, low: 0, high: 1 } }).size.runs).toBe(3);
  });

  it('a reference that can grow tensors sends the check to the pool', () => {
    const request = { submission: { inputs: { x: 2 }, expr: 'y = x' }, reference: { inputs: {}, expr: 'y = x.expand(3).sum()' } };
    expect(planOf('check', request).mode).toBe('pool');
  });

  it('a gradcheck runs its program twice per input element (and once more)', () => {
    expect(planOf('gradcheck', { program: { inputs: { x: [1, 2] }, expr: 'y = x ** 2' } })).toEqual({ mode: 'inline', size: { elements: 2, nodes: 3, runs: 5 } });
    expect(planOf('gradcheck', { program: { inputs: { x: { zeros: [2000] } }, expr: 'y = x ** 2' } }).mode).toBe('pool');
  });

  it('a plot always runs in the pool (rendering the chart is the heavy part)', () => {
    expect(planOf('plot', { inputs: { x: [1, 2] }, expr: 'y = x' })).toMatchObject({ mode: 'pool', size: { runs: 2 } });
  });
});
