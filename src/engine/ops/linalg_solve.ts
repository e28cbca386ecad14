import { ProblemError } from '../../errors.js';
import { allocate } from '../dtype.js';
import { broadcastShapes } from '../broadcast.js';
import { broadcastBatchIndex, factorTransposed, solveTransposedColumn, solveUntransposedRow, type TransposedLU } from '../kernels/linalg.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { sameShape, Tensor } from '../tensor.js';
import { checkSquareBatch } from './det.js';
import { matmul } from './matmul.js';
import { neg } from './neg.js';
import { transpose } from './transpose.js';
import { unsqueeze } from './unsqueeze.js';

interface SolveAttrs {
  /** A X = B (true) or X A = B. */
  left: boolean;
  /** B is a vector (or a batch of them): solved as a one-column matrix. */
  vector: boolean;
}

const DTYPE_NAMES = { float32: 'Float', float64: 'Double', int64: 'Long', bool: 'Bool' } as const;

/** torch's rule: B is a vector right-hand side when it is 1-D or has A's batch shape with A's last dim dropped. */
function isVectorRightHandSide(a: Tensor, b: Tensor): boolean {
  return b.ndim === 1 || (a.ndim - 1 === b.ndim && sameShape(b.shape, a.shape.slice(0, -1)));
}

// X = A⁻¹ B: gB = A⁻ᵀ g (a solve with Aᵀ), gA = -gB Xᵀ; for X A = B: gB = g A⁻ᵀ, gA = -Xᵀ gB.
// A vector B is a one-column matrix throughout.
const LinalgSolveEx: Primitive<SolveAttrs> = {
  gradFn: 'LinalgSolveExBackward0',
  forward: ([a, b], { left, vector }) => solveData(a, vector ? b.shape.concat(1) : b.shape, b, left, vector),
  backward: (g, { inputs: [a, b], output, attrs: { left, vector } }) => {
    const gB = linalgSolve(transpose(a, -2, -1), g, left);
    if (!a.requiresGrad) return [null, b.requiresGrad ? gB : null];
    const gBm = vector ? unsqueeze(gB, -1) : gB;
    const xm = vector ? unsqueeze(output, -1) : output;
    const gA = neg(left ? matmul(gBm, transpose(xm, -2, -1)) : matmul(transpose(xm, -2, -1), gBm));
    return [gA, b.requiresGrad ? gB : null];
  },
};

/** The solution for every matrix of the broadcast batch, B read as `bShape` (a vector gets its column dim). */
function solveData(a: Tensor, bShape: readonly number[], b: Tensor, left: boolean, vector: boolean): Tensor {
  const n = a.shape[a.ndim - 1];
  const [rows, cols] = bShape.slice(-2);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(bBatch, aBatch);
  const aIndex = broadcastBatchIndex(aBatch, batch);
  const bIndex = broadcastBatchIndex(bBatch, batch);
  const matrix = rows * cols;
  const out = allocate(a.dtype, aIndex.length * matrix);
  const aData = a.data;
  const bData = b.data;
  const factors = new Map<number, TransposedLU>();
  for (let i = 0; i < aIndex.length; i++) {
    let lu = factors.get(aIndex[i]);
    if (lu === undefined) {
      lu = factorTransposed(aData, aIndex[i] * n * n, n, a.dtype);
      if (lu.zeroPivot !== 0) throw new ProblemError('invalid-argument', 'torch.linalg.solve: The solver failed because the input matrix is singular.');
      factors.set(aIndex[i], lu);
    }
    out.set(bData.subarray(bIndex[i] * matrix, (bIndex[i] + 1) * matrix), i * matrix);
    if (left) for (let j = 0; j < cols; j++) solveTransposedColumn(lu, n, a.dtype, out, i * matrix + j, cols);
    else for (let j = 0; j < rows; j++) solveUntransposedRow(lu, n, a.dtype, out, i * matrix + j * cols, 1);
  }
  return new Tensor(out, vector ? [...batch, rows] : [...batch, rows, cols]);
}

/** torch.linalg.solve(A, B, left=True): X with A X = B (or X A = B), broadcasting batch dims, with torch's checks. */
export function linalgSolve(a: Tensor, b: Tensor, left = true): Tensor {
  const n = checkSquareBatch('linalg.solve', a);
  const vector = isVectorRightHandSide(a, b);
  const bShape = vector ? b.shape.concat(1) : b.shape;
  if (bShape.length < 2) throw new ProblemError('shape-error', 'linalg.solve: The input tensor B must have at least 2 dimensions.');
  if (a.dtype !== b.dtype) {
    throw new ProblemError(
      'invalid-argument',
      `linalg.solve: Expected A and B to have the same dtype, but found A of type ${DTYPE_NAMES[a.dtype]} and B of type ${DTYPE_NAMES[b.dtype]} instead`,
    );
  }
  const [rows, cols] = bShape.slice(-2);
  if ((left ? rows : cols) !== n) {
    throw new ProblemError(
      'shape-error',
      `linalg.solve: Incompatible shapes of A and B for the equation ${left ? 'AX = B' : 'XA = B'} (${n}x${n} and ${rows}x${cols})`,
    );
  }
  return apply(LinalgSolveEx, [a, b], { left, vector });
}

export default defineOp({
  name: 'linalg_solve',
  pythonName: 'solve',
  summary: 'torch.linalg.solve: X with A X = B (left=False: X A = B); B may be a vector; batch dims broadcast.',
  params: [
    { name: 'A', kind: 'tensor' },
    { name: 'B', kind: 'tensor' },
    { name: 'left', kind: 'bool', default: true, keywordOnly: true },
  ],
  gradFns: ['LinalgSolveExBackward0'],
  method: false,
  function: false,
  modules: ['torch.linalg'],
  examples: [
    { args: [{ tensor: [3, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [2, 2] }, { tensor: [2, 3] }] },
    { args: [{ tensor: [3, 3] }, { tensor: [2, 3] }], kwargs: { left: false } },
    { args: [{ tensor: [2, 2, 2] }, { tensor: [3, 1, 2, 1] }] },
  ],
  call: ({ A, B, left }): Value => linalgSolve(A as Tensor, B as Tensor, left as boolean),
});
