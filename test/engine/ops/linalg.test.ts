import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { ProblemError } from '../../../src/errors.js';
import { bindArguments, type OpDef, type Value } from '../../../src/engine/op.js';
import { dot } from '../../../src/engine/ops/dot.js';
import matmulOp, { matmul } from '../../../src/engine/ops/matmul.js';
import { mm } from '../../../src/engine/ops/mm.js';
import { mul } from '../../../src/engine/ops/mul.js';
import { mv } from '../../../src/engine/ops/mv.js';
import { pow } from '../../../src/engine/ops/pow.js';
import { sum } from '../../../src/engine/ops/sum.js';
import { t } from '../../../src/engine/ops/t.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';
import { addmm } from '../../../src/engine/ops/addmm.js';
import { bmm } from '../../../src/engine/ops/bmm.js';

/** A float32 leaf; nested arrays give its shape. */
function leaf(values: number[] | number[][], requiresGrad = true): Tensor {
  const shape = Array.isArray(values[0]) ? [values.length, (values[0] as number[]).length] : [values.length];
  return new Tensor(Float32Array.from(values.flat() as number[]), shape, { requiresGrad });
}

const values = (x: Tensor | null): number[] => Array.from((x as Tensor).data);
const callOp = (op: OpDef, args: Value[]): Value => op.call(bindArguments(op, args, {}));

/** The node names from `y` down the first edge of each node. */
function firstEdgeChain(y: Tensor): string[] {
  const names: string[] = [];
  for (let node = y.gradFn; node; node = node.next[0]?.node ?? null) names.push(node.name);
  return names;
}

function problemOf(f: () => unknown): ProblemError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProblemError) return e;
    throw e;
  }
  throw new Error('expected a ProblemError');
}

// Golden values from /work/shared/conformance/cases.json (torch 1.13, float32).
const A = [
  [0.5, -1.0, 2.0],
  [1.5, 0.25, -0.75],
];
const B = [
  [1.0, 0.5],
  [-0.5, 2.0],
  [0.25, 1.0],
];

describe('mm', () => {
  it('multiplies matrices: MmBackward0, g Bᵀ and Aᵀ g (op/matmul-mm)', () => {
    const a = leaf(A);
    const b = leaf(B);
    const c = mm(a, b);
    expect(c.gradFn?.name).toBe('MmBackward0');
    expect(c.shape).toEqual([2, 2]);
    expect(values(c)).toEqual([1.5, 0.25, 1.1875, 0.5]);
    backward(sum(c));
    expect(values(a.grad)).toEqual([1.5, 1.5, 1.25, 1.5, 1.5, 1.25]);
    expect(values(b.grad)).toEqual([2, 2, -0.75, -0.75, 1.25, 1.25]);
  });

  it("names both shapes when they do not fit, as PyTorch's message does", () => {
    const e = problemOf(() => mm(leaf([[1, 2]]), leaf([[1, 2]])));
    expect(e.message).toBe('mat1 and mat2 shapes cannot be multiplied (1x2 and 1x2)');
    expect(e.status).toBe(422);
    expect(() => mm(leaf([1, 2]), leaf([[1, 2]]))).toThrow('self must be a matrix');
    expect(() => mm(leaf([[1, 2]]), leaf([1, 2]))).toThrow('mat2 must be a matrix');
  });

  it('refuses operands of two dtypes', () => {
    const double = new Tensor(Float64Array.of(1, 2), [2, 1]);
    expect(() => mm(leaf([[1, 2]]), double)).toThrow('expected scalar type Float but found Double');
  });

  it('accumulates each element left to right in float32, as the golden results require', () => {
    // graph/007: dot(3v, v) with v = [-1.2, -1.6] is exactly 12 in torch; a double accumulator gives 12.000001
    const v = leaf([-1.2, -1.6]);
    expect(dot(mul(v, 3), v).item()).toBe(12);
  });

  it('multiplies 256x256 matrices in reasonable time', () => {
    const n = 256;
    const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 37) % 101) / 50 - 1);
    const a = new Tensor(data, [n, n]);
    const started = performance.now();
    const c = mm(a, a);
    expect(performance.now() - started).toBeLessThan(2000);
    let expected = 0;
    for (let p = 0; p < n; p++) expected += data[5 * n + p] * data[p * n + 7];
    expect(c.data[5 * n + 7]).toBeCloseTo(expected, 3);
  });
});

describe('dot', () => {
  it('DotBackward0 with each gradient the other vector (op/dot)', () => {
    const x = leaf([0.5, -1.25, 2.0, 0.75]);
    const z = leaf([0.5, 1.25, 2.0, 0.75]);
    const y = dot(x, z);
    expect(y.gradFn?.name).toBe('DotBackward0');
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(3.25);
    backward(y);
    expect(values(x.grad)).toEqual([0.5, 1.25, 2, 0.75]);
    expect(values(z.grad)).toEqual([0.5, -1.25, 2, 0.75]);
  });

  it("rejects other ranks and lengths in PyTorch's words", () => {
    expect(() => dot(leaf([[1, 2]]), leaf([1, 2]))).toThrow('1D tensors expected, but got 2D and 1D tensors');
    expect(() => dot(leaf([1, 2, 3]), leaf([1, 2]))).toThrow(
      'inconsistent tensor size, expected tensor [3] and src [2] to have the same number of elements, but got 3 and 2 elements respectively',
    );
    const double = new Tensor(Float64Array.of(1, 2), [2]);
    expect(() => dot(leaf([1, 2]), double)).toThrow('dot : expected both vectors to have same dtype, but found Float and Double');
  });
});

describe('mv', () => {
  it('MvBackward0: g vᵀ for the matrix and Aᵀ g for the vector (op/matmul-mv)', () => {
    const a = leaf(A);
    const w = leaf([1, -2, 0.5]);
    const r = mv(a, w);
    expect(r.gradFn?.name).toBe('MvBackward0');
    expect(r.shape).toEqual([2]);
    const y = sum(r);
    expect(y.item()).toBe(4.125);
    backward(y);
    expect(values(a.grad)).toEqual([1, -2, 0.5, 1, -2, 0.5]);
    expect(values(w.grad)).toEqual([2, -0.75, 1.25]);
  });

  it("reports a size mismatch in PyTorch's words", () => {
    expect(() => mv(leaf([[1, 2, 3], [4, 5, 6]]), leaf([1, 2]))).toThrow('size mismatch, got input (2), mat (2x3), vec (2)');
  });
});

describe('matmul', () => {
  it('is the @ operator', () => {
    expect(matmulOp.operators).toContain('@');
  });

  it('dispatches on the operand ranks as torch.matmul does', () => {
    expect(matmul(leaf(A), leaf(B)).gradFn?.name).toBe('MmBackward0');
    expect(matmul(leaf(A), leaf([1, 2, 3])).gradFn?.name).toBe('MvBackward0');
    expect(matmul(leaf([1, 2]), leaf([3, 4])).gradFn?.name).toBe('DotBackward0');
  });

  it('runs 1-D @ 2-D as unsqueeze(0), mm, then the in-place squeeze_(0)', () => {
    const v = leaf([1, 2]);
    const m = leaf([[1, 2, 3], [4, 5, 6]]);
    const r = matmul(v, m);
    expect(r.shape).toEqual([3]);
    expect(values(r)).toEqual([9, 12, 15]);
    expect(firstEdgeChain(r)).toEqual(['SqueezeBackward3', 'MmBackward0', 'UnsqueezeBackward0', 'AccumulateGrad']);
    backward(sum(r));
    expect(values(v.grad)).toEqual([6, 15]);
    expect(values(m.grad)).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('gives mm’s message for 2-D operands that do not fit (error/mm-shape)', () => {
    const e = problemOf(() => callOp(matmulOp, [leaf([[1, 2]]), leaf([[1, 2]])]));
    expect(e.message).toBe('mat1 and mat2 shapes cannot be multiplied (1x2 and 1x2)');
    expect(e.status).toBe(422);
  });

  it('refuses 0-D operands and, clearly, batched operands', () => {
    const scalar = new Tensor(Float32Array.of(2), []);
    expect(() => matmul(scalar, leaf([1]))).toThrow('both arguments to matmul need to be at least 1D, but they are 0D and 1D');
    const batched = new Tensor(new Float32Array(8), [2, 2, 2]);
    const e = problemOf(() => matmul(batched, leaf(A)));
    expect(e.status).toBe(422);
    expect(e.message).toContain('not supported');
  });

  it('matches the golden t() @ m gradient (op/t)', () => {
    const m = leaf(A);
    const y = sum(matmul(t(m), m));
    expect(y.item()).toBe(3.25);
    backward(y);
    expect(values(m.grad)).toEqual([3, 3, 3, 2, 2, 2]);
  });

  it('differentiates mm twice: the gradient of Σ(A B)² has a gradient', () => {
    const a = new Tensor(Float64Array.of(1, 2, 3, 4), [2, 2], { requiresGrad: true });
    const b = new Tensor(Float64Array.of(0.5, -1, 2, 1), [2, 2]);
    backward(sum(pow(mm(a, b), 2)), { createGraph: true });
    const g = a.grad as unknown as Tensor;
    expect(g.requiresGrad).toBe(true);
    a.grad = null;
    backward(sum(g));
    // d/dA Σ_ij (2 (A B) Bᵀ)_ij = 2 · 1 (B Bᵀ) summed by rows: every row is 2 · colsum(B Bᵀ)
    const bbt = [0.5 * 0.5 + 1, 0.5 * 2 - 1, 2 * 0.5 - 1, 4 + 1];
    const row = [2 * (bbt[0] + bbt[2]), 2 * (bbt[1] + bbt[3])];
    expect(values(a.grad)).toEqual([...row, ...row]);
  });
});

// torch 1.13's float32 results for the addmm rounding test below.
const GEMM_EXPECTED = [1.940000057220459, -0.12350001186132431, 1.1700000762939453, 5.725500106811523];
const GEMV_EXPECTED = [1.090000033378601, 1.0049999952316284];

/** The linalg ops implemented so far (each case of ops.json is tagged op:<name>). */
const LINALG_OPS = ['bmm', 'addmm'];

describe('linalg ops against torch 1.13 (ops.json)', () => {
  it.each(casesOf('linalg', LINALG_OPS).map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
  });
});

describe('bmm', () => {
  const ones = (shape: number[]) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape, { requiresGrad: true });
  it("checks ranks, sizes and dtypes in PyTorch's order and words", () => {
    expect(() => bmm(ones([2, 3]), ones([2, 3, 4]))).toThrow('batch1 must be a 3D tensor');
    expect(() => bmm(ones([2, 2, 3]), ones([2, 3]))).toThrow('batch2 must be a 3D tensor');
    expect(() => bmm(ones([2, 2, 3]), ones([2, 4, 4]))).toThrow('Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].');
    expect(() => bmm(ones([2, 2, 3]), ones([3, 3, 4]))).toThrow('Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [3, 3].');
    const double = new Tensor(new Float64Array(24), [2, 3, 4]);
    expect(() => bmm(ones([2, 2, 3]), double)).toThrow('expected scalar type Float but found Double');
  });
  it('gives zeros for an empty contraction', () => {
    expect(values(bmm(ones([2, 2, 0]), ones([2, 0, 3])))).toEqual(new Array(12).fill(0));
  });
});

describe('addmm', () => {
  const m = (rows: number, cols: number, dtype: 'float32' | 'float64' = 'float32') =>
    new Tensor(dtype === 'float32' ? new Float32Array(rows * cols).fill(1) : new Float64Array(rows * cols).fill(1), [rows, cols]);
  const v = (n: number) => new Tensor(new Float32Array(n).fill(1), [n]);
  it("checks its operands in PyTorch's order and words", () => {
    expect(() => addmm(v(3), v(3), m(3, 3))).toThrow('mat1 must be a matrix, got 1-D tensor');
    expect(() => addmm(v(3), m(2, 3), v(3))).toThrow('mat2 must be a matrix, got 1-D tensor');
    expect(() => addmm(v(3), m(2, 3, 'float64'), m(3, 3))).toThrow('mat1 and mat2 must have the same dtype');
    expect(() => addmm(v(3), m(2, 2), m(3, 3, 'float64'))).toThrow('self and mat2 must have the same dtype');
    expect(() => addmm(v(5), m(2, 2), m(3, 3))).toThrow('mat1 and mat2 shapes cannot be multiplied (2x2 and 3x3)');
    expect(() => addmm(v(5), m(2, 3), m(3, 3))).toThrow(
      'The expanded size of the tensor (3) must match the existing size (5) at non-singleton dimension 1.  Target sizes: [2, 3].  Tensor sizes: [5]',
    );
  });
  it('rounds as torch 1.13 does: gemm adds b·(a·alpha) to beta·c, a one-column product adds alpha·Σ last', () => {
    // torch.addmm(c, a, b, beta=1, alpha=0.3) with these float32 operands (values printed by torch 1.13 with float.hex)
    const a = new Tensor(Float32Array.of(0.1, 0.7, -1.3, 2.9), [2, 2]);
    const b = new Tensor(Float32Array.of(0.3, -0.6, 1.1, 0.45), [2, 2]);
    const c = new Tensor(Float32Array.of(1.7, -0.2, 0.33, 5.1), [2, 2]);
    expect(values(addmm(c, a, b, 1, 0.3))).toEqual(GEMM_EXPECTED);
    const column = new Tensor(Float32Array.of(0.3, 1.1), [2, 1]);
    const c1 = new Tensor(Float32Array.of(1.7, 0.33), [2, 1]);
    expect(values(addmm(c1, a, column, 0.5, 0.3))).toEqual(GEMV_EXPECTED);
  });
  it('ignores c when beta is 0, NaN included, and still sends it a zero gradient', () => {
    const c = new Tensor(Float32Array.of(NaN, NaN), [2], { requiresGrad: true });
    const r = addmm(c, m(2, 3), m(3, 2), 0);
    expect(values(r)).toEqual([3, 3, 3, 3]);
    backward(sum(r));
    expect(values(c.grad)).toEqual([0, 0]);
  });
});
