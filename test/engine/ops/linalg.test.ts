import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backward, type Node } from '../../../src/engine/autograd.js';
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
import { transpose } from '../../../src/engine/ops/transpose.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { det } from '../../../src/engine/ops/det.js';
import { inverse } from '../../../src/engine/ops/inverse.js';
import { linalgSolve } from '../../../src/engine/ops/linalg_solve.js';
import { cross } from '../../../src/engine/ops/cross.js';
import { linalgCross } from '../../../src/engine/ops/linalg_cross.js';
import { vectorNorm } from '../../../src/engine/ops/linalg_vector_norm.js';
import { einsum } from '../../../src/engine/ops/einsum.js';
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
    expect(() => mv(leaf([[1, 2, 3], [4, 5, 6]]), leaf([1, 2]))).toThrow('size mismatch, got 2, 2x3,2');
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

  it('refuses 0-D operands', () => {
    const scalar = new Tensor(Float32Array.of(2), []);
    expect(() => matmul(scalar, leaf([1]))).toThrow('both arguments to matmul need to be at least 1D, but they are 0D and 1D');
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

describe('linalg ops against torch 1.13 (ops.json)', () => {
  const cases = casesOf('linalg');
  it('covers every linalg case', () => expect(cases.length).toBe(30));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
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

// torch 1.13's float32 results for the rounding tests below (printed with float()).
const DET_Q = 3.4669995307922363;
const INV_Q = [0.3288145661354065, 0.5638881921768188, -0.32016152143478394, 0.16729165613651276, 1.2518028020858765, 0.36342665553092957, 0.47014713287353516, 0.5869628190994263, 0.3316989243030548];
const SOLVE_Q = [-0.9590424299240112, -2.1546006202697754, -0.537929117679596];
const SOLVE_Q_RIGHT = [0.22930489480495453, -1.6462360620498657, -0.8811653256416321];
const CROSS_AB = [-0.07500003278255463, -3.815000057220459, -2.059999942779541];
const NORM_X = [0.3, -1.7, 2.5, 0.01, -0.77, 1.9, -2.2, 0.6, 0.45, -1.05, 1.33, 0.2, -0.9];
const NORM_2 = 4.749410152435303;
const NORM_1 = 13.90999984741211;
const NORM_3 = 3.505648612976074;

/** The linalg group's ops by their table names. */
const LINALG_OP_NAMES = ['matmul', 'mm', 'mv', 'dot', 'bmm', 'addmm', 'det', 'inverse', 'linalg_inv', 'linalg_solve', 'cross', 'linalg_cross', 'linalg_vector_norm', 'linalg_matrix_norm', 'linalg_norm', 'outer', 'ger', 'kron', 'einsum', 'tensordot'];
const linalgOps = LINALG_OP_NAMES.map((name) => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op;
});

describe('linalg ops: gradients against finite differences', () => {
  const examples = examplesOf(linalgOps);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});

const matrix = (rows: number[][], requiresGrad = true, dtype: 'float32' | 'float64' = 'float32') =>
  new Tensor(dtype === 'float32' ? Float32Array.from(rows.flat()) : Float64Array.from(rows.flat()), [rows.length, rows[0].length], { requiresGrad });
const vector = (v: number[], requiresGrad = true) => new Tensor(Float32Array.from(v), [v.length], { requiresGrad });
const zeros = (shape: number[]) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);

describe('det, inverse, solve: LU of Aᵀ as torch 1.13 runs LAPACK', () => {
  it('matches torch bit for bit on a 3x3 float32 matrix (values printed by torch)', () => {
    const q = matrix([[0.7, -1.3, 2.1], [0.4, 0.9, -0.6], [-1.7, 0.25, 1.1]]);
    expect(det(q).item()).toBe(DET_Q);
    expect(values(inverse(q))).toEqual(INV_Q);
    expect(values(linalgSolve(q, vector([1, -2, 0.5])))).toEqual(SOLVE_Q);
    expect(values(linalgSolve(q, matrix([[1, -2, 0.5]]), false))).toEqual(SOLVE_Q_RIGHT);
  });

  it('batches and broadcasts batch dims', () => {
    const a = new Tensor(Float32Array.of(2, 0, 0, 2, 1, 1, 0, 1), [2, 2, 2]);
    expect(values(det(a))).toEqual([4, 1]);
    expect(det(a).shape).toEqual([2]);
    const b = new Tensor(Float32Array.of(2, 4), [1, 2, 1]);
    const x = linalgSolve(a, b);
    expect(x.shape).toEqual([2, 2, 1]);
    expect(values(x)).toEqual([1, 2, -2, 4]);
    // B of A's batch shape minus the last dim is a batch of vectors
    expect(linalgSolve(a, new Tensor(Float32Array.of(2, 4, 2, 4), [2, 2])).shape).toEqual([2, 2]);
  });

  it('a singular matrix: det 0 with a zero gradient (torch 1.13), inv and solve refuse', () => {
    const s = matrix([[1, 2], [2, 4]]);
    const d = det(s);
    expect(Math.abs(d.item())).toBe(0);
    backward(d);
    expect(values(s.grad).map(Math.abs)).toEqual([0, 0, 0, 0]);
    expect(() => inverse(s)).toThrow(
      'linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.',
    );
    expect(() => inverse(zeros([2, 3, 3]))).toThrow('linalg.inv: (Batch element 0): The diagonal element 1 is zero, the inversion could not be completed');
    expect(() => linalgSolve(s, vector([1, 2]))).toThrow('torch.linalg.solve: The solver failed because the input matrix is singular.');
  });

  it("checks shapes and dtypes in torch's words", () => {
    expect(() => det(zeros([2, 3]))).toThrow('linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices');
    expect(() => det(zeros([3]))).toThrow('linalg.det: The input tensor A must have at least 2 dimensions.');
    expect(() => inverse(zeros([3]))).toThrow('linalg.inv: The input tensor A must have at least 2 dimensions.');
    expect(() => linalgSolve(zeros([3, 3]), zeros([2]))).toThrow('linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)');
    expect(() => linalgSolve(zeros([3, 3]), zeros([3, 2]), false)).toThrow('linalg.solve: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x2)');
    expect(() => linalgSolve(zeros([3, 3]), zeros([3]), false)).toThrow('(3x3 and 3x1)');
    expect(() => linalgSolve(zeros([3, 3]), zeros([]))).toThrow('linalg.solve: The input tensor B must have at least 2 dimensions.');
    expect(() => linalgSolve(zeros([3, 3]), new Tensor(new Float64Array(3), [3]))).toThrow(
      'linalg.solve: Expected A and B to have the same dtype, but found A of type Float and B of type Double instead',
    );
    expect(() => linalgSolve(zeros([2, 3, 3]), zeros([4, 3, 1]))).toThrow('The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 0');
  });
});

describe('cross', () => {
  it('is fma(a1, b2, -a2 b1) per component, as torch computes it in float32', () => {
    const a = vector([0.1, 0.7, -1.3]);
    const b = vector([2.9, -0.3, 0.45]);
    expect(values(linalgCross(a, b, -1))).toEqual(CROSS_AB);
  });

  it('torch.cross picks the first dim of size 3; linalg.cross the last', () => {
    const a = zeros([3, 3]);
    expect(cross(a, a).gradFn).toBeNull();
    const leafs = [new Tensor(new Float32Array(6), [3, 2], { requiresGrad: true }), new Tensor(new Float32Array(6), [3, 2])];
    expect(cross(leafs[0], leafs[1]).gradFn?.name).toBe('LinalgCrossBackward0');
    expect(() => linalgCross(leafs[0], leafs[1], -1)).toThrow('linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2');
    expect(() => cross(zeros([2, 2]), zeros([2, 2]))).toThrow('no dimension of size 3 in input');
    expect(() => cross(zeros([2, 3]), zeros([3]))).toThrow('linalg.cross: inputs must have the same number of dimensions.');
    expect(() => linalgCross(zeros([4, 3]), zeros([2, 3]), -1)).toThrow('The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 0');
    expect(() => linalgCross(zeros([2, 3]), zeros([2, 3]), 2)).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expect(() => linalgCross(zeros([2, 3]), new Tensor(new Float64Array(6), [2, 3]), -1)).toThrow('expected scalar type Float but found Double');
  });
});

describe('vector_norm', () => {
  it("rounds as torch's kernels do: 8-lane fma 2-norm, in-order 1-norm, 1/p in float32", () => {
    const x = vector(NORM_X, false);
    expect(vectorNorm(x).item()).toBe(NORM_2);
    expect(vectorNorm(x, 1).item()).toBe(NORM_1);
    expect(vectorNorm(x, 3).item()).toBe(NORM_3);
    expect(vectorNorm(x, Infinity).item()).toBe(2.5);
    expect(vectorNorm(x, 0).item()).toBe(13);
  });

  it('the inf norm shares the gradient among ties; the 2-norm of zeros has gradient 0', () => {
    const x = vector([1, -2, 2, 0.5]);
    backward(vectorNorm(x, Infinity));
    expect(values(x.grad)).toEqual([0, -0.5, 0.5, 0]);
    const z = vector([0, 0]);
    backward(vectorNorm(z));
    expect(values(z.grad)).toEqual([0, 0]);
  });

  it("refuses norms without an identity on empty tensors, and repeated dims, in torch's words", () => {
    expect(() => vectorNorm(zeros([0]), -Infinity)).toThrow(
      'linalg.vector_norm cannot compute the -inf norm on an empty tensor because the operation does not have an identity',
    );
    expect(() => vectorNorm(zeros([0, 3]), -1.5, 0)).toThrow(
      'linalg.vector_norm cannot compute the -1.5 norm on the dimension 0because this dimension is empty and the operation does not have an identity',
    );
    expect(vectorNorm(zeros([0, 3]), Infinity, 1).shape).toEqual([0]);
    expect(() => vectorNorm(zeros([2, 3]), 2, [0, 0])).toThrow('dim 0 appears multiple times in the list of dims');
    expect(vectorNorm(zeros([2, 3]), 2, [0, 1], true).shape).toEqual([1, 1]);
  });
});

describe('matrix_norm, linalg.norm', () => {
  const callOp2 = (name: string, args: Value[], kwargs: Record<string, Value> = {}) => {
    const op = OPS_BY_NAME.get(name);
    if (!op) throw new Error(`no op ${name}`);
    return op.call(bindArguments(op, args, kwargs)) as Tensor;
  };
  const m = () => new Tensor(Float32Array.of(1, -2, 3, -4, 5, -6), [2, 3], { requiresGrad: true });

  it('1 and inf are the largest column and row sums; -1 and -inf the smallest (amax/amin over vector norms)', () => {
    expect(callOp2('linalg_matrix_norm', [m(), 1n]).item()).toBe(9);
    expect(callOp2('linalg_matrix_norm', [m(), -1n]).item()).toBe(5);
    expect(callOp2('linalg_matrix_norm', [m(), Infinity]).item()).toBe(15);
    expect(callOp2('linalg_matrix_norm', [m(), -Infinity]).gradFn?.name).toBe('AminBackward0');
    expect(callOp2('linalg_matrix_norm', [m()]).gradFn?.name).toBe('LinalgVectorNormBackward0');
  });

  it('linalg.norm dispatches on ord and dim as torch', () => {
    expect(callOp2('linalg_norm', [m(), 1n, [0n, 1n]]).gradFn?.name).toBe('AmaxBackward0');
    expect(callOp2('linalg_norm', [m(), 3n, [1n]]).shape).toEqual([2]);
    expect(callOp2('linalg_norm', [m(), 1n, null, true]).shape).toEqual([1, 1]);
    expect(callOp2('linalg_norm', [new Tensor(new Float32Array(12), [2, 3, 2])]).gradFn).toBeNull();
  });

  it("refuses in torch's words", () => {
    const z = new Tensor(new Float32Array(24), [2, 3, 4]);
    expect(() => callOp2('linalg_matrix_norm', [new Tensor(new Float32Array(3), [3])])).toThrow('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
    expect(() => callOp2('linalg_matrix_norm', [m(), 3n])).toThrow('linalg.matrix_norm: Order 3 not supported.');
    expect(() => callOp2('linalg_matrix_norm', [m(), 'abc'])).toThrow('linalg.matrix_norm: Order abc not supported.');
    expect(() => callOp2('linalg_matrix_norm', [z], { dim: [0n, 1n, 2n] })).toThrow('linalg.matrix_norm: dim must be a 2-tuple. Got 0 1 2');
    expect(() => callOp2('linalg_matrix_norm', [m()], { dim: [-2n, 0n] })).toThrow('linalg.matrix_norm: dims must be different. Got (0, 0)');
    expect(() => callOp2('linalg_matrix_norm', [m(), 'nuc'])).toThrow('singular values');
    expect(() => callOp2('linalg_norm', [z, 2n])).toThrow('linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.');
    expect(() => callOp2('linalg_norm', [m()], { dim: [0n, 1n, 1n] })).toThrow('linalg.norm: If dim is specified, it must be of length 1 or 2. Got [0, 1, 1]');
    expect(() => callOp2('linalg_norm', [new Tensor(new Float32Array(3), [3]), 'fro'])).toThrow('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
  });
});

/** A node and what it reaches, nested: `MulBackward0(AccumulateGrad, None)`. */
function graphOf(y: Tensor): string {
  const describe = (node: Node | null): string => {
    if (node === null) return 'None';
    if (node.next.length === 0) return node.name;
    return `${node.name}(${node.next.map((e) => describe(e.node)).join(', ')})`;
  };
  return describe(y.gradFn);
}

describe('batched matmul: torch 1.13 graphs and messages', () => {
  const rand = (shape: number[]) => new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i + 1)), shape, { requiresGrad: true });

  it('folds a batched operand against a matrix or a vector into one mm or mv', () => {
    expect(graphOf(matmul(rand([2, 2, 3]), rand([3, 4])))).toBe('UnsafeViewBackward0(MmBackward0(ReshapeAliasBackward0(AccumulateGrad), AccumulateGrad))');
    expect(graphOf(matmul(rand([2, 2, 3]), rand([3])))).toBe('UnsafeViewBackward0(MvBackward0(ReshapeAliasBackward0(AccumulateGrad), AccumulateGrad))');
    expect(graphOf(matmul(rand([3]), rand([2, 3, 4])))).toBe(
      'UnsafeViewBackward0(MvBackward0(UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad))), AccumulateGrad))',
    );
    expect(graphOf(matmul(t(rand([3, 2])), rand([2, 3, 4])))).toBe(
      'CloneBackward0(TransposeBackward0(UnsafeViewBackward0(MmBackward0(UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad))), TBackward0(TBackward0(AccumulateGrad))))))',
    );
  });

  it('expands both to the broadcast batch and runs bmm otherwise (a copy when the reshape cannot alias)', () => {
    expect(graphOf(matmul(rand([2, 2, 3]), rand([2, 3, 4])))).toBe(
      'UnsafeViewBackward0(BmmBackward0(ReshapeAliasBackward0(ExpandBackward0(AccumulateGrad)), ReshapeAliasBackward0(ExpandBackward0(AccumulateGrad))))',
    );
    expect(graphOf(matmul(rand([5, 1, 2, 3]), rand([2, 3, 4])))).toBe(
      'UnsafeViewBackward0(BmmBackward0(UnsafeViewBackward0(CloneBackward0(ExpandBackward0(AccumulateGrad))), UnsafeViewBackward0(CloneBackward0(ExpandBackward0(AccumulateGrad)))))',
    );
    // a 3-D operand with its last two dims transposed goes to bmm, not through a copy
    expect(graphOf(matmul(transpose(rand([2, 3, 4]), 1, 2), rand([3, 2])))).toBe(
      'UnsafeViewBackward0(BmmBackward0(ReshapeAliasBackward0(ExpandBackward0(TransposeBackward0(AccumulateGrad))), ReshapeAliasBackward0(ExpandBackward0(AccumulateGrad))))',
    );
    expect(matmul(rand([5, 1, 2, 3]), rand([2, 3, 4])).shape).toEqual([5, 2, 2, 4]);
  });

  it('computes what looping over the batch computes', () => {
    const a = rand([2, 1, 2, 3]);
    const b = rand([3, 3, 2]);
    const r = matmul(a, b);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        const ai = new Tensor(a.data.slice(i * 6, i * 6 + 6), [2, 3]);
        const bj = new Tensor(b.data.slice(j * 6, j * 6 + 6), [3, 2]);
        expect(values(mm(ai, bj))).toEqual(Array.from(r.data.slice((i * 3 + j) * 4, (i * 3 + j) * 4 + 4)));
      }
    }
  });

  it("fails with torch's messages", () => {
    expect(() => matmul(rand([2, 2, 3]), rand([4]))).toThrow('size mismatch, got 4, 4x3,4');
    expect(() => matmul(rand([4]), rand([2, 3, 4]))).toThrow('size mismatch, got 8, 8x3,4');
    expect(() => matmul(rand([2, 2, 3]), rand([4, 2]))).toThrow('mat1 and mat2 shapes cannot be multiplied (4x3 and 4x2)');
    expect(() => matmul(rand([2, 2, 3]), rand([3, 3, 4]))).toThrow('The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0');
    expect(() => matmul(rand([2, 2, 3]), rand([2, 4, 4]))).toThrow('Expected size for first two dimensions of batch2 tensor to be: [2, 3] but got: [2, 4].');
  });
});

interface ContractionGolden {
  eq?: string;
  tensordot?: number | number[][];
  shapes: number[][];
  graph: string;
  shape: number[];
  values: number[];
  grads: number[][];
}

/** einsum and tensordot cases computed by torch 1.13 (einsum_golden.py): graph, values and the gradients of r.sum(). */
const CONTRACTIONS = JSON.parse(readFileSync(new URL('./einsum_golden.json', import.meta.url), 'utf8')) as ContractionGolden[];

describe('einsum and tensordot against torch 1.13: the same nodes, values and gradients', () => {
  const operand = (shape: number[], k: number) =>
    new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(7 * k + i + 1)), shape, { requiresGrad: true });
  it.each(CONTRACTIONS.map((c) => ({ label: c.eq ?? `tensordot dims=${JSON.stringify(c.tensordot)}`, c })))('$label', ({ c }) => {
    const ops = c.shapes.map(operand);
    const r =
      c.eq !== undefined
        ? einsum(c.eq, ops)
        : (OPS_BY_NAME.get('tensordot') as OpDef).call(bindArguments(OPS_BY_NAME.get('tensordot') as OpDef, [...ops, tensordotDims(c.tensordot as number | number[][])], {}));
    const result = r as Tensor;
    expect(graphOf(result)).toBe(c.graph);
    expect(result.shape).toEqual(c.shape);
    expectClose(values(result), c.values);
    backward(sum(result));
    ops.forEach((op, k) => expectClose(values(op.grad), c.grads[k]));
  });
});

/** Python's dims argument: an int, or a pair of lists (ints as bigints). */
function tensordotDims(dims: number | number[][]): Value {
  return typeof dims === 'number' ? BigInt(dims) : dims.map((list) => list.map(BigInt));
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[i]))));
}

describe('einsum and tensordot: misuse in torch words', () => {
  const z = (...shape: number[]) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}) => {
    const op = OPS_BY_NAME.get(name) as OpDef;
    return op.call(bindArguments(op, args, kwargs));
  };
  it.each(([
    [['ij'], 'einsum(): must specify the equation string and at least one operand'],
    [['ij,jk->ik', z(2, 3)], 'einsum(): fewer operands were provided than specified in the equation'],
    [['ij->ik', z(2, 3)], 'einsum(): output subscript k does not appear in the equation for any input operand'],
    [['ij->ii', z(2, 3)], 'einsum(): output subscript i appears more than once in the output'],
    [['ij', z(2, 3), z(3)], 'einsum(): more operands were provided than specified in the equation'],
    [['ijk', z(2, 3)], 'einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given'],
    [['i1', z(2, 3)], 'einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]'],
    [['ij,jk', z(2, 3), z(4, 4)], 'einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3'],
    [['ii', z(2, 3)], "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"],
    [['i.j', z(2, 3)], "einsum(): found '.' for operand 0 that is not part of any ellipsis"],
    [['...i...', z(2, 3)], "einsum(): found '.' for operand 0 for which an ellipsis was already found"],
    [['ij->i.', z(2, 3)], "einsum(): found '.' for output that is not part of any ellipsis (...)"],
    [['ij,jk->ik', z(2, 3), 3n], 'expected Tensor as element 1 in argument 1, but got int'],
  ] as [Value[], string][]).map(([args, message]) => ({ equation: args[0], args, message })))('$equation: $message', ({ args, message }) => {
    expect(() => call('einsum', args)).toThrow(message);
  });

  it('takes its operands as a list too, and spaces in the equation', () => {
    expect((call('einsum', ['i j -> j i', [z(2, 3)]]) as Tensor).shape).toEqual([3, 2]);
  });

  it('tensordot', () => {
    expect(() => call('tensordot', [z(2, 3), z(2, 3)], { dims: 1n })).toThrow(
      'contracted dimensions need to match, but first has size 3 in dim -1 and second has size 2 in dim 0',
    );
    expect(() => call('tensordot', [z(2, 3), z(2, 3)], { dims: -1n })).toThrow('tensordot expects dims >= 0, but got dims=-1');
    expect(() => call('tensordot', [z(2, 3), z(2, 3)], { dims: 3n })).toThrow('tensordot expects dims < ndim_a or ndim_b, but got dims=3');
    expect(() => call('tensordot', [z(2, 3), z(2, 3)], { dims: [[0n], [0n, 1n]] })).toThrow('both dimension lists should have same length');
  });
});
