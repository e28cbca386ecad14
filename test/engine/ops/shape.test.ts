import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { bindArguments, type OpDef, type Value } from '../../../src/engine/op.js';
import { mul } from '../../../src/engine/ops/mul.js';
import { pow } from '../../../src/engine/ops/pow.js';
import reshapeOp, { reshape } from '../../../src/engine/ops/reshape.js';
import { squeeze } from '../../../src/engine/ops/squeeze.js';
import { sum } from '../../../src/engine/ops/sum.js';
import tOp, { t } from '../../../src/engine/ops/t.js';
import { transpose } from '../../../src/engine/ops/transpose.js';
import { unsqueeze } from '../../../src/engine/ops/unsqueeze.js';
import { Tensor } from '../../../src/engine/tensor.js';

function leaf(data: number[], shape: number[], requiresGrad = true): Tensor {
  return new Tensor(Float32Array.from(data), shape, { requiresGrad });
}

const values = (x: Tensor | null): number[] => Array.from((x as Tensor).data);
const callOp = (op: OpDef, args: Value[]): Value => op.call(bindArguments(op, args, {}));
const M = () => leaf([0.5, -1.0, 2.0, 1.5, 0.25, -0.75], [2, 3]);

describe('reshape', () => {
  it('is a view of the contiguous tensor: ViewBackward0, gradient reshaped back', () => {
    const m = M();
    const r = callOp(reshapeOp, [m, 3, -1]) as Tensor;
    expect(r.shape).toEqual([3, 2]);
    expect(r.gradFn?.name).toBe('ViewBackward0');
    expect(values(r)).toEqual(values(m));
    backward(sum(mul(r, leaf([1, 2, 3, 4, 5, 6], [3, 2], false))));
    expect(m.grad?.shape).toEqual([2, 3]);
    expect(values(m.grad)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('accepts the shape as one tuple', () => {
    expect((callOp(reshapeOp, [M(), [6]]) as Tensor).shape).toEqual([6]);
  });

  it("reports an impossible shape in PyTorch's words", () => {
    expect(() => reshape(M(), [4, -1])).toThrow("shape '[4, -1]' is invalid for input of size 6");
  });
});

describe('t', () => {
  it('transposes a matrix: TBackward0', () => {
    const m = M();
    const r = t(m);
    expect(r.gradFn?.name).toBe('TBackward0');
    expect(r.shape).toEqual([3, 2]);
    expect(values(r)).toEqual([0.5, 1.5, -1, 0.25, 2, -0.75]);
    backward(sum(mul(r, leaf([1, 2, 3, 4, 5, 6], [3, 2], false))));
    expect(values(m.grad)).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('returns 0-D and 1-D tensors as they are, still recording TBackward0', () => {
    const v = leaf([1, 2, 3], [3]);
    const r = callOp(tOp, [v]) as Tensor;
    expect(r.shape).toEqual([3]);
    expect(r.gradFn?.name).toBe('TBackward0');
    expect(t(leaf([5], [])).shape).toEqual([]);
  });

  it('refuses more than 2 dimensions', () => {
    expect(() => t(leaf(new Array(8).fill(0), [2, 2, 2]))).toThrow('t() expects a tensor with <= 2 dimensions, but self is 3D');
  });
});

describe('transpose', () => {
  it('swaps two dims: TransposeBackward0 (op/transpose)', () => {
    const m = M();
    const r = transpose(m, 0, 1);
    expect(r.gradFn?.name).toBe('TransposeBackward0');
    const y = sum(pow(r, 2));
    expect(y.item()).toBe(8.125);
    backward(y);
    expect(values(m.grad)).toEqual([1, -2, 4, 3, 0.5, -1.5]);
  });

  it('swaps any two dims of a 3-D tensor, negative dims included', () => {
    const x = leaf(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const r = transpose(x, -1, 0);
    expect(r.shape).toEqual([4, 3, 2]);
    // r[k][j][i] = x[i][j][k] = 12 i + 4 j + k
    expect(r.data[1 * 6 + 2 * 2 + 1]).toBe(12 * 1 + 4 * 2 + 1);
    backward(sum(mul(r, r)));
    expect(values(x.grad)).toEqual(values(x).map((v) => 2 * v));
  });

  it('reports a dim out of range', () => {
    expect(() => transpose(M(), 0, 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });
});

describe('squeeze and unsqueeze', () => {
  it('unsqueeze inserts a size-1 dim: UnsqueezeBackward0', () => {
    const v = leaf([1, 2, 3], [3]);
    const r = unsqueeze(v, -1);
    expect(r.shape).toEqual([3, 1]);
    expect(r.gradFn?.name).toBe('UnsqueezeBackward0');
    backward(sum(r));
    expect(v.grad?.shape).toEqual([3]);
    expect(() => unsqueeze(v, 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
  });

  it('squeeze removes every size-1 dim (SqueezeBackward0) or only dim (SqueezeBackward1)', () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [2, 1, 3, 1]);
    const all = squeeze(x);
    expect(all.shape).toEqual([2, 3]);
    expect(all.gradFn?.name).toBe('SqueezeBackward0');
    const one = squeeze(x, 1);
    expect(one.shape).toEqual([2, 3, 1]);
    expect(one.gradFn?.name).toBe('SqueezeBackward1');
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    backward(sum(all));
    expect(x.grad?.shape).toEqual([2, 1, 3, 1]);
  });
});
