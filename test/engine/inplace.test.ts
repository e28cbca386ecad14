import { describe, expect, it } from 'vitest';
import { backward, withGradMode } from '../../src/engine/autograd.js';
import { Int64Array } from '../../src/engine/dtype.js';
import { getItem } from '../../src/engine/indexing.js';
import { bindArguments, type OpDef } from '../../src/engine/op.js';
import { add } from '../../src/engine/ops/add.js';
import { addInPlace } from '../../src/engine/ops/add_.js';
import { clampInPlace } from '../../src/engine/ops/clamp_.js';
import { copyInPlace } from '../../src/engine/ops/copy_.js';
import { divInPlace } from '../../src/engine/ops/div_.js';
import { exp } from '../../src/engine/ops/exp.js';
import { expand } from '../../src/engine/ops/expand.js';
import { fillInPlace } from '../../src/engine/ops/fill_.js';
import { OPS_BY_NAME } from '../../src/engine/ops/index.js';
import { mul } from '../../src/engine/ops/mul.js';
import { mulInPlace } from '../../src/engine/ops/mul_.js';
import { pow } from '../../src/engine/ops/pow.js';
import { sub } from '../../src/engine/ops/sub.js';
import { subInPlace } from '../../src/engine/ops/sub_.js';
import { sum } from '../../src/engine/ops/sum.js';
import { zeroInPlace } from '../../src/engine/ops/zero_.js';
import { Tensor } from '../../src/engine/tensor.js';

const vector = (values: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });
const values = (t: Tensor | null) => Array.from((t as Tensor).data);
const nextNames = (t: Tensor) => t.gradFn?.next.map((e) => e.node?.name ?? null);

describe('in-place ops: nodes as torch 1.13 names them (y = x * 1, then y.op_(...))', () => {
  const cases: [string, (y: Tensor, x: Tensor) => Tensor, string, (string | null)[]][] = [
    ['y.zero_()', (y) => zeroInPlace(y), 'ZeroBackward0', ['MulBackward0']],
    ['y.fill_(2.5)', (y) => fillInPlace(y, 2.5), 'FillBackward2', ['MulBackward0']],
    ['y.fill_(torch.tensor(2.))', (y) => fillInPlace(y, new Tensor(Float32Array.of(2), [])), 'FillBackward3', ['MulBackward0', null]],
    ['y.add_(1)', (y) => addInPlace(y, 1n), 'AddBackward0', ['MulBackward0', null]],
    ['y.sub_(x)', (y, x) => subInPlace(y, x), 'SubBackward0', ['MulBackward0', 'AccumulateGrad']],
    ['y.mul_(2)', (y) => mulInPlace(y, 2n), 'MulBackward0', ['MulBackward0', null]],
    ['y.mul_(x)', (y, x) => mulInPlace(y, x), 'MulBackward0', ['MulBackward0', 'AccumulateGrad']],
    ['y.div_(2)', (y) => divInPlace(y, 2n), 'DivBackward0', ['MulBackward0', null]],
    ['y.clamp_(0, 2)', (y) => clampInPlace(y, 0n, 2n), 'ClampBackward1', ['MulBackward0']],
    ['y.copy_(x * 3)', (y, x) => copyInPlace(y, mul(x, 3)), 'CopyBackwards', ['MulBackward0', 'MulBackward0']],
    ['y.copy_(torch.ones(3))', (y) => copyInPlace(y, vector([1, 1, 1])), 'CopyBackwards', ['MulBackward0', null]],
  ];
  it.each(cases)('%s', (_label, run, name, next) => {
    const x = vector([1, 2, 3], true);
    const y = mul(x, 1);
    expect(run(y, x)).toBe(y);
    expect(y.gradFn?.name).toBe(name);
    expect(nextNames(y)).toEqual(next);
    expect(y.version).toBe(1);
  });

  it('a tensor without history gets the op node over the other operand (z.add_(x), z.copy_(x))', () => {
    const x = vector([1, 2, 3], true);
    const z = vector([0, 0, 0]);
    addInPlace(z, x);
    expect([z.gradFn?.name, ...(nextNames(z) ?? [])]).toEqual(['AddBackward0', null, 'AccumulateGrad']);
    const w = new Tensor(new Float64Array(3), [3]);
    copyInPlace(w, x);
    expect([w.gradFn?.name, w.dtype, ...values(w)]).toEqual(['CopyBackwards', 'float64', 1, 2, 3]);
    backward(sum(w));
    expect(x.grad?.dtype).toBe('float32');
  });
});

describe('in-place gradients', () => {
  it('mul_ by a tensor that requires grad uses the old values of self (y.mul_(x): d/dx = old y)', () => {
    const x = vector([1, 2, 3], true);
    const y = mul(x, 2);
    mulInPlace(y, x); // y = 2x²
    backward(sum(y));
    expect(values(x.grad)).toEqual([4, 8, 12]);
  });

  it('a chain of in-place ops differentiates as the out-of-place chain', () => {
    const x = vector([0.5, -1, 2], true);
    const y = mul(x, 1);
    addInPlace(y, 1n);
    mulInPlace(y, y.detachedCopy());
    subInPlace(y, x, 2n);
    // y = (x + 1)·c - 2x with c the detached copy: dy/dx = c - 2
    backward(sum(y));
    expect(values(x.grad)).toEqual([1.5 - 2, 0 - 2, 3 - 2]);
  });

  it('in place through a view: CopySlices on the base, AsStridedBackward0 on the view (torch: v = y[1:]; v.mul_(2))', () => {
    const x = vector([1, 2, 3], true);
    const y = mul(x, 1);
    const v = getItem(y, [{ start: 1n, stop: null, step: null }]);
    mulInPlace(v, 2n);
    expect(v.gradFn?.name).toBe('AsStridedBackward0');
    expect(nextNames(v)).toEqual(['CopySlices']);
    expect(nextNames(y)).toEqual(['MulBackward0', null]);
    expect(values(y)).toEqual([1, 4, 6]);
    backward(sum(y));
    expect(values(x.grad)).toEqual([1, 2, 2]);
  });

  it('a saved output changed in place is refused at backward (exp then add_)', () => {
    const x = vector([1, 2, 3], true);
    const a = exp(x);
    addInPlace(a, 1n);
    expect(() => backward(sum(a))).toThrow(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead.',
    );
  });

  it('a saved input changed in place names its new node (a ** 2, then a.add_(1): AddBackward0)', () => {
    const x = vector([1, 2, 3], true);
    const a = mul(x, 2);
    const b = pow(a, 2);
    addInPlace(a, 1n);
    expect(() => backward(sum(b))).toThrow('[torch.FloatTensor [3]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead.');
  });
});

describe("in-place refusals and PyTorch's escape hatches", () => {
  it('a leaf that requires grad is refused while grad mode is on, allowed under no_grad', () => {
    const w = vector([1, 2], true);
    expect(() => zeroInPlace(w)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    expect(() => subInPlace(w, 1n)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    const v = getItem(w, [0n]);
    expect(() => mulInPlace(v, 2n)).toThrow('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    withGradMode(false, () => subInPlace(w, mul(vector([1, 1]), 0.5)));
    expect([values(w), w.isLeaf, w.requiresGrad, w.gradFn, w.version]).toEqual([[0.5, 1.5], true, true, null, 1]);
  });

  it('the gradient descent of the course: w.data updates and w.grad.data.zero_()', () => {
    const w = vector([1], true);
    for (let step = 0; step < 2; step++) {
      const loss = sum(pow(sub(mul(w, 3), 6), 2));
      backward(loss);
      // w.data = w.data - lr * w.grad.data
      w.setData(sub(w.dataAlias(), mul((w.grad as Tensor).dataAlias(), 0.1)));
      zeroInPlace((w.grad as Tensor).dataAlias());
    }
    expect(w.isLeaf).toBe(true);
    expect(values(w.grad)).toEqual([0]);
    // w -> w - 0.1 * 6(3w - 6) each step: 1 -> 2.8 -> 1.36
    expect(values(w)[0]).toBeCloseTo(1.36, 5);
    // x.data -= lr * x.grad.data (the alias is written in place; x keeps its version counter)
    const x = vector([2], true);
    backward(sum(pow(x, 2)));
    subInPlace(x.dataAlias(), mul((x.grad as Tensor).dataAlias(), 0.25));
    expect([values(x)[0], x.version]).toEqual([1, 0]);
  });

  it('integer tensors keep their dtype and refuse a float result', () => {
    const a = new Tensor(Int64Array.of(1, 2, 3), [3]);
    addInPlace(a, 1n);
    expect(values(a)).toEqual([2, 3, 4]);
    expect(() => addInPlace(a, 1.5)).toThrow("result type Float can't be cast to the desired output type Long");
    expect(() => divInPlace(a, 2n)).toThrow("result type Float can't be cast to the desired output type Long");
  });

  it('expanded views and shapes that do not fit are refused', () => {
    expect(() => addInPlace(expand(vector([1, 2, 3]), [2, 3]), 1n)).toThrow(
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
    expect(() => addInPlace(vector([1, 1, 1]), new Tensor(new Float32Array(6), [2, 3]))).toThrow(
      "output with shape [3] doesn't match the broadcast shape [2, 3]",
    );
    expect(() => copyInPlace(vector([1, 1, 1]), new Tensor(new Float32Array(6), [2, 3]))).toThrow(
      "output with shape [3] doesn't match the broadcast shape [2, 3]",
    );
  });

  it('a write computes pending fused results that read the old values first', () => {
    const x = new Tensor(Float32Array.from({ length: 1000 }, (_, k) => k), [1000]);
    const doubled = mul(x, 2);
    expect(doubled.isPending).toBe(true);
    zeroInPlace(x);
    expect(doubled.data[999]).toBe(1998);
  });
});

describe('the op table', () => {
  it('lists the in-place ops as methods that mutate, callable with Python values', () => {
    for (const name of ['zero_', 'fill_', 'add_', 'sub_', 'mul_', 'div_', 'copy_', 'clamp_']) {
      const op = OPS_BY_NAME.get(name) as OpDef;
      expect([op.method, op.function, op.mutates]).toEqual([true, false, true]);
    }
    const add_ = OPS_BY_NAME.get('add_') as OpDef;
    const t = vector([1, 2]);
    expect(add_.call(bindArguments(add_, [t, 3n], {}))).toBe(t);
    expect(values(t)).toEqual([4, 5]);
    expect(add(t, 0).dtype).toBe('float32');
  });
});
