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
