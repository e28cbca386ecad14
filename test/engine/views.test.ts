import { describe, expect, it } from 'vitest';
import { backward, withGradMode } from '../../src/engine/autograd.js';
import { setFusionMinElements } from '../../src/engine/kernels/fusion.js';
import { add } from '../../src/engine/ops/add.js';
import { exp } from '../../src/engine/ops/exp.js';
import { expand } from '../../src/engine/ops/expand.js';
import { mul } from '../../src/engine/ops/mul.js';
import { pow } from '../../src/engine/ops/pow.js';
import { reshape } from '../../src/engine/ops/reshape.js';
import { squeeze } from '../../src/engine/ops/squeeze.js';
import { sum } from '../../src/engine/ops/sum.js';
import { t } from '../../src/engine/ops/t.js';
import { transpose } from '../../src/engine/ops/transpose.js';
import { unsqueeze } from '../../src/engine/ops/unsqueeze.js';
import { view } from '../../src/engine/ops/view.js';
import { Tensor } from '../../src/engine/tensor.js';

const matrix = (rows: number[][], requiresGrad = false) =>
  new Tensor(Float32Array.from(rows.flat()), [rows.length, rows[0].length], { requiresGrad });
const vector = (values: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });
const values = (x: Tensor) => Array.from(x.data);

describe('views share storage', () => {
  it('view, reshape, unsqueeze, squeeze and detach of a contiguous tensor read its storage without copying', () => {
    const m = matrix([[1, 2, 3], [4, 5, 6]]);
    for (const v of [view(m, [3, 2]), reshape(m, [6]), unsqueeze(m, 0), squeeze(unsqueeze(m, 1)), m.detach()]) {
      expect(v.storage).toBe(m.storage);
      expect(v.data).toBe(m.data);
    }
  });

  it('a transpose reads through strides and sees later writes to its base', () => {
    const m = matrix([[1, 2, 3], [4, 5, 6]]);
    const mt = t(m);
    expect(mt.shape).toEqual([3, 2]);
    expect(values(mt)).toEqual([1, 4, 2, 5, 3, 6]);
    m.write([10, 20, 30, 40, 50, 60]);
    expect(values(mt)).toEqual([10, 40, 20, 50, 30, 60]);
  });

  it('writes to a view land in the base, through the strides', () => {
    const m = matrix([[1, 2, 3], [4, 5, 6]]);
    transpose(m, 0, 1).write([0, 0, 0, 0, 7, 8]);
    expect(values(m)).toEqual([0, 0, 7, 0, 0, 8]);
  });

  it('expand is a view with stride 0, and refuses in-place writes through repeated elements', () => {
    const x = vector([1, 2]);
    const e = expand(view(x, [1, 2]), [3, 2]);
    expect(e.strides).toEqual([0, 1]);
    expect(values(e)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(e.overlaps).toBe(true);
  });

  it('view of a non-contiguous tensor is refused; reshape copies (UnsafeViewBackward0 over CloneBackward0)', () => {
    const m = matrix([[1, 2, 3], [4, 5, 6]], true);
    const mt = t(m);
    expect(() => view(mt, [6])).toThrow(
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
    const flat = reshape(mt, [6]);
    expect(values(flat)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(flat.gradFn?.name).toBe('UnsafeViewBackward0');
    expect(flat.gradFn?.next[0].node?.name).toBe('CloneBackward0');
    expect(flat.storage).not.toBe(m.storage);
    backward(sum(mul(flat, vector([1, 2, 3, 4, 5, 6]))));
    expect(values(m.grad as Tensor)).toEqual([1, 3, 5, 2, 4, 6]);
    // a view that strides allow stays a view
    expect(reshape(t(matrix([[1], [2]])), [2]).gradFn).toBe(null);
  });
});

describe('version counters', () => {
  it('views and detach share the counter; .data has its own', () => {
    const x = vector([1, 2, 3]);
    const v = view(x, [3, 1]);
    const d = x.detach();
    const alias = x.dataAlias();
    v.write([4, 5, 6]);
    expect([x.version, v.version, d.version, alias.version]).toEqual([1, 1, 1, 0]);
    alias.write([7, 8, 9]);
    expect(values(x)).toEqual([7, 8, 9]);
    expect([x.version, alias.version]).toEqual([1, 1]);
    expect(alias.base).toBe(null);
    expect(v.base).toBe(x);
  });

  it("backward refuses a saved input changed in place, naming the node that made it (torch's message)", () => {
    const x = vector([1, 2, 3], true);
    const a = mul(x, 2);
    const b = pow(a, 2);
    withGradMode(false, () => a.write([0, 0, 0]));
    expect(() => backward(sum(b))).toThrow(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of MulBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
    );
  });

  it('a saved output names its own node; a leaf has no producer', () => {
    const x = vector([1, 2, 3], true);
    const e = exp(x);
    e.write([0, 0, 0]);
    expect(() => backward(sum(e))).toThrow('[torch.FloatTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead.');

    const leaf = new Tensor(Float64Array.of(1, 2, 3), [1, 3], { requiresGrad: true });
    const y = pow(leaf, 2);
    leaf.write([2, 3, 4]);
    expect(() => backward(sum(y))).toThrow(
      'modified by an inplace operation: [torch.DoubleTensor [1, 3]] is at version 1; expected version 0 instead.',
    );
  });

  it('a node that saved nothing does not care (add)', () => {
    const x = vector([1, 2], true);
    const a = mul(x, 1);
    const y = add(a, 1);
    a.write([5, 5]);
    backward(sum(y));
    expect(values(x.grad as Tensor)).toEqual([1, 1]);
  });
});

describe('freed graphs', () => {
  const message = 'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed).';

  it('a second backward through saved values fails, unless retain_graph', () => {
    const x = vector([1.5], true);
    const y = sum(pow(x, 2));
    backward(y);
    expect(() => backward(y)).toThrow(message);

    const z = sum(mul(x, 2));
    backward(z, { retainGraph: true });
    backward(z);
    expect(values(x.grad as Tensor)).toEqual([3 + 2 + 2]);
  });

  it('a graph that saved nothing can be run again (x + 1)', () => {
    const x = vector([1.5], true);
    const y = sum(add(x, 1));
    backward(y);
    backward(y);
    expect(values(x.grad as Tensor)).toEqual([2]);
  });
});

describe('gradients of leaves', () => {
  it('each leaf gets its own gradient tensor, and later backward passes add into it in place', () => {
    const a = vector([1, 2], true);
    const b = vector([3, 4], true);
    backward(sum(add(a, b)));
    const aGrad = a.grad as Tensor;
    expect(aGrad).not.toBe(b.grad);
    aGrad.write([0, 0]);
    expect(values(b.grad as Tensor)).toEqual([1, 1]);
    backward(sum(mul(a, 3)));
    expect(a.grad).toBe(aGrad);
    expect(values(aGrad)).toEqual([3, 3]);
  });
});

describe('pending (fused) results and writes', () => {
  it('a pending result is computed from the values it was created from, before its operand is written', () => {
    setFusionMinElements(1);
    try {
      const x = vector([1, 2, 3]);
      const doubled = mul(x, 2);
      expect(doubled.isPending).toBe(true);
      x.write([10, 20, 30]);
      expect(values(doubled)).toEqual([2, 4, 6]);
      // a pending result of a pending result too
      const y = vector([1, 1]);
      const chain = add(mul(y, 3), 1);
      y.write([0, 0]);
      expect(values(chain)).toEqual([4, 4]);
    } finally {
      setFusionMinElements(256);
    }
  });
});

describe('x.data = y', () => {
  it('points a pending tensor at the new values for good', () => {
    setFusionMinElements(1);
    try {
      const x = mul(vector([1, 2]), 2);
      expect(x.isPending).toBe(true);
      x.setData(vector([7, 8]));
      expect([x.isPending, ...values(x)]).toEqual([false, 7, 8]);
    } finally {
      setFusionMinElements(256);
    }
  });
});
