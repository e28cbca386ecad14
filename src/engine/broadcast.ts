import { ProblemError } from '../errors.js';
import type { Tensor } from './tensor.js';
import { sum } from './ops/sum.js';
import { view } from './ops/view.js';

/** The broadcast shape of two shapes, with PyTorch's message when they do not fit. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = 1; i <= ndim; i++) {
    const da = i <= a.length ? a[a.length - i] : 1;
    const db = i <= b.length ? b[b.length - i] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ProblemError(
        'shape-error',
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${ndim - i}`,
      );
    }
    out[ndim - i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Undoes broadcasting: sums `grad` down to `shape` (PyTorch's sum_to). This is
 * the only place it is undone; the engine calls it for every gradient whose
 * shape is a broadcast of its input's. Built from engine ops, so it is
 * differentiable when the backward pass records a graph.
 */
export function sumTo(grad: Tensor, shape: readonly number[]): Tensor {
  const lead = grad.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) dims.push(i);
  }
  if (dims.length === 0) return grad;
  const reduced = sum(grad, dims, true);
  return view(reduced, shape);
}
