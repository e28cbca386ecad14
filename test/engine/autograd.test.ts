import { describe, expect, it } from 'vitest';
import { backward, withGradMode } from '../../src/engine/autograd.js';
import { add } from '../../src/engine/ops/add.js';
import { mul } from '../../src/engine/ops/mul.js';
import { sum } from '../../src/engine/ops/sum.js';
import { Tensor } from '../../src/engine/tensor.js';

const scalar = (v: number, requiresGrad = true) => new Tensor(Float64Array.of(v), [], { requiresGrad });

describe('backward', () => {
  it('runs a 100,000-node chain without overflowing the stack', () => {
    const x = scalar(1);
    let y = x;
    for (let i = 0; i < 100_000; i++) y = add(y, 1);
    backward(y);
    expect(x.grad?.item()).toBe(1);
  });

  it('accumulates gradients from every use of a leaf', () => {
    const x = scalar(3);
    const y = add(mul(x, x), mul(x, 2)); // x² + 2x
    backward(y);
    expect(x.grad?.item()).toBe(8);
  });

  it('accumulates into .grad across two backward calls', () => {
    const x = scalar(3);
    backward(mul(x, 2));
    backward(mul(x, 5));
    expect(x.grad?.item()).toBe(7);
  });

  it('undoes broadcasting in the engine, summing to the input shape', () => {
    const m = new Tensor(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3], { requiresGrad: true });
    const r = new Tensor(Float64Array.of(1, 1, 1), [3], { requiresGrad: true });
    backward(sum(mul(m, r)));
    expect([...(r.grad as Tensor).data]).toEqual([5, 7, 9]);
    expect(r.grad?.shape).toEqual([3]);
  });

  it('refuses a root that does not require grad, in PyTorch words', () => {
    expect(() => backward(mul(scalar(2, false), 3))).toThrow('element 0 of tensors does not require grad and does not have a grad_fn');
  });

  it('refuses a non-scalar root without a gradient', () => {
    const v = new Tensor(Float64Array.of(1, 2), [2], { requiresGrad: true });
    expect(() => backward(mul(v, 2))).toThrow('grad can be implicitly created only for scalar outputs');
  });

  it('records nothing when grad mode is off', () => {
    const y = withGradMode(false, () => mul(scalar(2), 3));
    expect(y.gradFn).toBeNull();
    expect(y.requiresGrad).toBe(false);
  });

  it('with createGraph, the gradient is itself differentiable', () => {
    const x = scalar(2);
    backward(mul(mul(x, x), x), { createGraph: true }); // x³ → 3x² = 12
    const g = x.grad as Tensor;
    expect(g.item()).toBe(12);
    expect(g.requiresGrad).toBe(true);
    x.grad = null;
    backward(g); // d(3x²)/dx = 6x = 12
    expect((x.grad as Tensor | null)?.item()).toBe(12);
  });
});
