import { describe, expect, it } from 'vitest';
import { allocate, withAllocationLimits } from '../../src/engine/dtype.js';
import { ProblemError } from '../../src/errors.js';

describe('allocate', () => {
  it('refuses one tensor above maxElementsPerTensor', () => {
    const scope = { maxElementsPerTensor: 10, maxEvaluationElements: 100 };
    expect(() => withAllocationLimits(scope, () => allocate('float32', 11))).toThrow(ProblemError);
    expect(withAllocationLimits(scope, () => allocate('float32', 10)).length).toBe(10);
  });

  it('counts every allocation of one evaluation against maxEvaluationElements', () => {
    const scope = { maxElementsPerTensor: 10, maxEvaluationElements: 25 };
    expect(() =>
      withAllocationLimits(scope, () => {
        for (let i = 0; i < 3; i++) allocate('float64', 10);
      }),
    ).toThrow(/more than 25 tensor elements/);
  });

  it('starts every evaluation from zero and restores the enclosing scope after', () => {
    const scope = { maxElementsPerTensor: 10, maxEvaluationElements: 15 };
    withAllocationLimits(scope, () => allocate('float32', 10));
    withAllocationLimits(scope, () => {
      allocate('float32', 10);
      withAllocationLimits(scope, () => allocate('float32', 10));
      expect(() => allocate('float32', 10)).toThrow(ProblemError);
    });
  });
});
