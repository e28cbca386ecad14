import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Value } from '../op.js';
import { diagonalLayout, permuteLayout, viewPrimitive } from '../strided.js';
import type { Tensor } from '../tensor.js';
import { bmm } from './bmm.js';
import { mul } from './mul.js';
import { reshapeAlias } from './reshape_alias.js';
import { sum } from './sum.js';
import { unsqueeze } from './unsqueeze.js';
import { view } from './view.js';

// The views einsum and tensordot are made of, as torch names them.
// TODO(helper-4's permute/diagonal/movedim ops): use those once they are in the table.
const Permute = viewPrimitive('PermuteBackward0', permuteLayout);
const Diagonal = viewPrimitive('DiagonalBackward0', diagonalLayout);

/** x.permute(order) (negative dims allowed): a view, PermuteBackward0 even when nothing moves. */
export function permuteDims(x: Tensor, order: readonly number[]): Tensor {
  return apply(Permute, [x], { order: order.map((d) => (d < 0 ? d + x.ndim : d)) });
}

/** x.movedim(source, destination) for one dim: a permute. */
function moveDim(x: Tensor, source: number, destination: number): Tensor {
  const from = source < 0 ? source + x.ndim : source;
  const order = Array.from({ length: x.ndim }, (_, i) => i).filter((d) => d !== from);
  order.splice(destination, 0, from);
  return permuteDims(x, order);
}

const LETTERS = 26;
const ELLIPSIS = 2 * LETTERS;

/** A label's index: A-Z are 0-25, a-z 26-51 (torch's order for implicit outputs). */
function subscriptOf(label: string): number {
  const code = label.charCodeAt(0);
  return code < 97 ? code - 65 : code - 97 + LETTERS;
}

function labelOf(subscript: number): string {
  return String.fromCharCode(subscript < LETTERS ? subscript + 65 : subscript - LETTERS + 97);
}

const isLetter = (c: string) => /^[A-Za-z]$/.test(c);

function einsumError(message: string): ProblemError {
  return new ProblemError('invalid-argument', `einsum(): ${message}`);
}

/**
 * (left * right) summed over `sumDims`, kept as size-1 dims, as torch's
 * sumproduct_pair computes it: dims only one side has are summed there first;
 * then both are permuted to (batch, own, summed) order, reshaped to 3-D,
 * multiplied by bmm, viewed back and permuted to the original dim order.
 */
function sumProductPair(left: Tensor, right: Tensor, sumDims: readonly number[]): Tensor {
  if (sumDims.length === 0) return mul(left, right);
  const ndim = left.ndim;
  const summed = new Set(sumDims);
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  let [lroSize, loSize, roSize, sumSize] = [1, 1, 1, 1];
  let l = left;
  let r = right;
  for (let i = 0; i < ndim; i++) {
    const sl = l.shape[i] !== 1;
    const sr = r.shape[i] !== 1;
    if (summed.has(i)) {
      if (sl && sr) {
        if (l.shape[i] !== r.shape[i]) throw new ProblemError('shape-error', 'non-broadcast dimensions must match');
        sumSize *= l.shape[i];
      } else if (sl) l = sum(l, [i], true);
      else if (sr) r = sum(r, [i], true);
    } else if (sl && sr) {
      if (l.shape[i] !== r.shape[i]) throw new ProblemError('shape-error', 'non-broadcast dimensions must match');
      lro.push(i);
      lroSize *= l.shape[i];
    } else if (sl) {
      lo.push(i);
      loSize *= l.shape[i];
    } else {
      ro.push(i);
      roSize *= r.shape[i];
    }
  }
  const outSize = [...lro.map((d) => l.shape[d]), ...lo.map((d) => l.shape[d]), ...sumDims.map(() => 1), ...ro.map((d) => r.shape[d])];
  const outputOrder = new Array<number>(ndim);
  [...lro, ...lo, ...sumDims, ...ro].forEach((d, i) => (outputOrder[d] = i));
  const l3 = reshapeAlias(permuteDims(l, [...lro, ...lo, ...sumDims, ...ro]), [lroSize, loSize, sumSize]);
  const r3 = reshapeAlias(permuteDims(r, [...lro, ...sumDims, ...ro, ...lo]), [lroSize, sumSize, roSize]);
  return permuteDims(view(bmm(l3, r3), outSize), outputOrder);
}

/**
 * torch.einsum as torch 1.13 computes it (aten/src/ATen/native/Linear.cpp),
 * so values and nodes are its: each operand's repeated labels become
 * diagonals, missing labels unsqueezed dims, and the operand is permuted to
 * the output labels followed by the contracted ones; operands are then
 * contracted left to right by sumProductPair, and the contracted dims viewed
 * away (or, for one operand, summed).
 */
export function einsum(equation: string, operands: readonly Tensor[]): Tensor {
  if (operands.length === 0) {
    throw new ProblemError('invalid-argument', 'einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list', {
      pythonType: 'ValueError',
    });
  }
  const arrow = equation.indexOf('->');
  const lhs = arrow < 0 ? equation : equation.slice(0, arrow);
  const opLabels: number[][] = operands.map(() => []);
  let current = 0;
  let ellipsisInInput = false;
  for (let i = 0; i < lhs.length; i++) {
    const label = lhs[i];
    if (label === ' ') continue;
    if (label === '.') {
      if (ellipsisInInput) throw einsumError(`found '.' for operand ${current} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[++i] === '.' && lhs[++i] === '.')) throw einsumError(`found '.' for operand ${current} that is not part of any ellipsis`);
      opLabels[current].push(ELLIPSIS);
      ellipsisInInput = true;
    } else if (label === ',') {
      current++;
      if (current >= operands.length) throw einsumError('fewer operands were provided than specified in the equation');
      ellipsisInInput = false;
    } else {
      if (!isLetter(label)) throw einsumError(`invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
      opLabels[current].push(subscriptOf(label));
    }
  }
  if (current !== operands.length - 1) throw einsumError('more operands were provided than specified in the equation');

  const labelCount = new Array<number>(ELLIPSIS).fill(0);
  let ellipsisDims = 0;
  operands.forEach((operand, i) => {
    let labels = opLabels[i].length;
    let hasEllipsis = false;
    for (const label of opLabels[i]) {
      if (label === ELLIPSIS) {
        labels--;
        hasEllipsis = true;
        ellipsisDims = Math.max(ellipsisDims, operand.ndim - labels);
      } else labelCount[label]++;
    }
    if (hasEllipsis ? labels > operand.ndim : labels !== operand.ndim) {
      throw einsumError(
        `the number of subscripts in the equation (${labels}) ${hasEllipsis ? 'is more than' : 'does not match'} the number of dimensions (${operand.ndim}) for operand ${i}${hasEllipsis ? '' : ' and no ellipsis was given'}`,
      );
    }
  });

  // Where each label goes in the aligned operands: output labels first, then the contracted ones.
  const permIndex = new Array<number>(ELLIPSIS).fill(-1);
  let next = 0;
  let ellipsisAt = 0;
  let ellipsisInOutput = false;
  if (arrow < 0) {
    next = ellipsisDims;
    ellipsisInOutput = true;
    for (let label = 0; label < ELLIPSIS; label++) if (labelCount[label] === 1) permIndex[label] = next++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const label = rhs[i];
      if (label === ' ') continue;
      if (label === '.') {
        if (ellipsisInOutput) throw einsumError("found '.' for output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[++i] === '.' && rhs[++i] === '.')) throw einsumError("found '.' for output that is not part of any ellipsis (...)");
        ellipsisAt = next;
        next += ellipsisDims;
        ellipsisInOutput = true;
      } else {
        if (!isLetter(label)) throw einsumError(`invalid subscript given at index ${lhs.length + 2 + i} in the equation string, subscripts must be in [a-zA-Z]`);
        const s = subscriptOf(label);
        if (!(labelCount[s] > 0 && permIndex[s] === -1)) {
          throw einsumError(`output subscript ${label}${permIndex[s] > -1 ? ' appears more than once in the output' : ' does not appear in the equation for any input operand'}`);
        }
        permIndex[s] = next++;
      }
    }
  }
  const outDims = next;
  if (!ellipsisInOutput) {
    ellipsisAt = next;
    next += ellipsisDims;
  }
  for (let label = 0; label < ELLIPSIS; label++) if (labelCount[label] > 0 && permIndex[label] === -1) permIndex[label] = next++;
  const totalDims = next;

  // Align every operand to the totalDims dims: diagonals for repeated labels, size-1 dims for missing ones.
  const labelSize = new Array<number>(ELLIPSIS).fill(1);
  const ellipsisSizes = new Array<number>(ellipsisDims).fill(1);
  const dimCounts = new Array<number>(totalDims).fill(0);
  const ops: Tensor[] = operands.map((operand, i) => {
    let op = operand;
    const permutation = new Array<number>(totalDims).fill(-1);
    let dim = 0;
    for (const s of opLabels[i]) {
      if (s === ELLIPSIS) {
        const covered = operand.ndim - (opLabels[i].length - 1);
        for (let j = ellipsisDims - covered; j < ellipsisDims; j++) {
          if (op.shape[dim] !== 1) {
            if (ellipsisSizes[j] !== 1 && ellipsisSizes[j] !== op.shape[dim]) {
              throw einsumError(
                `dimension ${dim} covered by ellipsis in operand ${i}has size ${op.shape[dim]} which does not broadcast with previously seen ellipsis with size ${ellipsisSizes[j]} for the respective dimension`,
              );
            }
            ellipsisSizes[j] = op.shape[dim];
            dimCounts[ellipsisAt + j]++;
          }
          permutation[ellipsisAt + j] = dim++;
        }
      } else if (permutation[permIndex[s]] === -1) {
        if (op.shape[dim] !== 1) {
          if (labelSize[s] !== 1 && labelSize[s] !== op.shape[dim]) {
            throw einsumError(`subscript ${labelOf(s)} has size ${op.shape[dim]} for operand ${i} which does not broadcast with previously seen size ${labelSize[s]}`);
          }
          labelSize[s] = op.shape[dim];
          dimCounts[permIndex[s]]++;
        }
        permutation[permIndex[s]] = dim++;
      } else {
        const previous = permutation[permIndex[s]];
        if (op.shape[dim] !== op.shape[previous]) {
          throw einsumError(`subscript ${labelOf(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape[dim]} != ${op.shape[previous]}`);
        }
        op = moveDim(apply(Diagonal, [op], { offset: 0, dim1: previous, dim2: dim }), -1, previous);
      }
    }
    for (let k = 0; k < totalDims; k++) {
      if (permutation[k] === -1) {
        op = unsqueeze(op, dim);
        permutation[k] = dim++;
      }
    }
    return permuteDims(op, permutation);
  });

  // Contract left to right; a dim is summed as soon as no operand left needs it.
  while (ops.length > 1) {
    let a = ops.shift() as Tensor;
    let b = ops.shift() as Tensor;
    const sumDims: number[] = [];
    const aDims: number[] = [];
    const bDims: number[] = [];
    for (let dim = outDims; dim < totalDims; dim++) {
      if (a.shape[dim] !== 1 && b.shape[dim] !== 1) {
        if (--dimCounts[dim] === 1) {
          sumDims.push(dim);
          dimCounts[dim] = 0;
        }
      } else if (dimCounts[dim] === 1) {
        if (a.shape[dim] !== 1) {
          aDims.push(dim);
          dimCounts[dim] = 0;
        } else if (b.shape[dim] !== 1) {
          bDims.push(dim);
          dimCounts[dim] = 0;
        }
      }
    }
    if (aDims.length > 0) a = sum(a, aDims, true);
    if (bDims.length > 0) b = sum(b, bDims, true);
    ops.unshift(sumProductPair(a, b, sumDims));
  }
  const [result] = ops;
  if (totalDims - outDims === 0) return result;
  if (operands.length > 1) return view(result, result.shape.slice(0, outDims));
  return sum(result, Array.from({ length: totalDims - outDims }, (_, k) => outDims + k));
}

export default defineOp({
  name: 'einsum',
  summary: "torch.einsum(equation, *operands): Einstein summation ('ij,jk->ik', '...ij->...ji', 'ii->i'), computed as torch's permute/bmm decomposition.",
  params: [
    { name: 'equation', kind: 'string' },
    { name: 'operands', kind: 'tensors', variadic: true, default: [] },
  ],
  gradFns: ['ViewBackward0', 'PermuteBackward0', 'BmmBackward0', 'ReshapeAliasBackward0', 'MulBackward0', 'SumBackward1', 'DiagonalBackward0', 'UnsqueezeBackward0'],
  method: false,
  function: true,
  modules: ['torch'],
  examples: [
    { args: ['ij,jk->ik', { tensor: [2, 3] }, { tensor: [3, 4] }] },
    { args: ['bij,bjk->bik', { tensor: [2, 2, 3] }, { tensor: [2, 3, 2] }] },
    { args: ['ii->i', { tensor: [3, 3] }] },
    { args: ['bn,anm,bm->ba', { tensor: [2, 3] }, { tensor: [2, 3, 2] }, { tensor: [2, 2] }] },
    { args: ['...ij,...jk', { tensor: [2, 2, 3] }, { tensor: [3, 2] }] },
    { args: ['i,j->ij', { tensor: [2] }, { tensor: [3] }] },
  ],
  call: ({ equation, operands }): Value => einsum(equation as string, operands as Tensor[]),
});
