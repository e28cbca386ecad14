import { describe, expect, it, vi } from 'vitest';

// counts the random values a check draws
const drawn = vi.hoisted(() => ({ count: 0 }));
vi.mock('pure-rand/distribution/uniformFloat64', async (importOriginal) => {
  const original = await importOriginal<typeof import('pure-rand/distribution/uniformFloat64')>();
  return {
    ...original,
    uniformFloat64: (...args: Parameters<typeof original.uniformFloat64>) => {
      drawn.count++;
      return original.uniformFloat64(...args);
    },
  };
});
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { checkSchemas } from '../../schemas/check.js';
import { withWorkMeter, WorkLimitExceeded } from '../../src/engine/meter.js';
import { checkSubmission } from '../../src/grading/check.js';
import { evaluateProgram } from '../../src/program/run.js';

const { CheckRequest } = checkSchemas(DEFAULT_LIMITS);
const check = (body: unknown) => checkSubmission(CheckRequest.parse(body), DEFAULT_LIMITS, (program) => evaluateProgram(program, DEFAULT_LIMITS));

describe("a check's random points are metered before they are made", () => {
  it('charges every random value: 32 points of a 300x300 input stop at once under a small meter', () => {
    const body = { submission: { inputs: { x: { zeros: [300, 300] } }, expr: 'y = (x @ x).sum()' }, reference: { expr: 'y = (x @ x @ x).sum()' }, points: 32 };
    drawn.count = 0;
    expect(() => withWorkMeter(150_000, () => check(body))).toThrow(WorkLimitExceeded);
    // the first point's 90,000 values are charged before any is drawn (unmetered, all 2.9 million were: ~270 ms)
    expect(drawn.count).toBe(0);
  });

  it('small checks with random points still run, and their work counts the points', () => {
    const body = { submission: { inputs: { x: [1, 2, 3] }, expr: 'y = (x * x).sum()' }, reference: { expr: 'y = (x ** 2).sum()' }, points: 4 };
    drawn.count = 0;
    const { value, work } = withWorkMeter(Infinity, () => check(body));
    expect(value.pass).toBe(true);
    expect(drawn.count).toBe(4 * 3);
    expect(work).toBeGreaterThanOrEqual(4 * 3 * 32);
  });
});
