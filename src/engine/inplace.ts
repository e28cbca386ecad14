// In-place ops: torch's checks, the write, and the autograd bookkeeping.
//
// An in-place op computes its result out of place (recording the op's usual
// node, AddBackward0 for add_), then writes the values into the tensor's
// storage (bumping its version) and makes that node the tensor's history.
// While grad mode is on the op reads a snapshot of the old values, so nodes
// that save them (mul_ saves self for other's gradient) keep what they saw.
// Written through a view, the view's base gets a CopySlices node (its old
// history outside the view, the new values inside) and the view an
// AsStridedBackward0 node over it, as PyTorch does.
import { ProblemError } from '../errors.js';
import { edgeOf, isGradEnabled, Node } from './autograd.js';
import { sumTo } from './broadcast.js';
import { convertValues, type DType, scalarTypeName } from './dtype.js';
import { layoutIndices, putAdd, take, zeroAt } from './flat_index.js';
import { add } from './ops/add.js';
import { sameShape, Tensor } from './tensor.js';

/**
 * The `inplace=True` forms of torch.nn.functional activations are not
 * implemented: they would overwrite their input. On a leaf that requires grad
 * PyTorch refuses them too, with the message given here.
 */
export function inplaceUnsupported(op: string, input: Tensor): never {
  if (input.requiresGrad && input.isLeaf) throw leafInPlace();
  throw new ProblemError('invalid-argument', `${op}(..., inplace=True) is not supported; call it with inplace=False`);
}

function leafInPlace(): ProblemError {
  return new ProblemError('autograd-error', 'a leaf Variable that requires grad is being used in an in-place operation.');
}

/** PyTorch's refusals before an in-place write to `self`. */
export function checkInPlace(self: Tensor): void {
  if (self.overlaps) {
    throw new ProblemError(
      'invalid-argument',
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.',
    );
  }
  if (!isGradEnabled()) return;
  const base = self.base;
  if (base !== null && self.requiresGrad && base.isLeaf && base.requiresGrad) {
    throw new ProblemError('autograd-error', 'a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
  if (base === null && self.isLeaf && self.requiresGrad) throw leafInPlace();
}

/** Whether a value of `from` may be written into a tensor of `to` (torch's canCast: no float to int, nothing but bool to bool). */
export function canCast(from: DType, to: DType): boolean {
  if ((from === 'float32' || from === 'float64') && (to === 'int64' || to === 'bool')) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

/**
 * `self.op_(...)`: `compute` gets `self` (a snapshot of its values while grad
 * mode is on) and returns the result out of place; it is written into `self`.
 */
export function inPlace(self: Tensor, compute: (current: Tensor) => Tensor): Tensor {
  checkInPlace(self);
  const current = isGradEnabled() ? snapshot(self) : self;
  return commit(self, compute(current));
}

/** A copy of self's values that stands for self in the graph (the same history). */
function snapshot(self: Tensor): Tensor {
  const copy = new Tensor(self.data.slice(), self.shape.slice());
  copy.requiresGrad = self.requiresGrad;
  copy.gradFn = self.gradFn;
  // A leaf that requires grad (only possible under a view's base) keeps its accumulator.
  if (self.gradFn === null && self.requiresGrad) copy.gradAccumulator = edgeOf(self).node;
  return copy;
}

/** Writes `result` into `self` and gives `self` its history. */
function commit(self: Tensor, result: Tensor): Tensor {
  if (!sameShape(result.shape, self.shape)) {
    throw new ProblemError('shape-error', `output with shape [${self.shape.join(', ')}] doesn't match the broadcast shape [${result.shape.join(', ')}]`);
  }
  if (!canCast(result.dtype, self.dtype)) {
    throw new ProblemError('invalid-argument', `result type ${scalarTypeName(result.dtype)} can't be cast to the desired output type ${scalarTypeName(self.dtype)}`);
  }
  self.write(result.dtype === self.dtype ? result.data : convertValues(result.data, self.dtype));
  const node = result.gradFn;
  if (node !== null && isGradEnabled()) {
    if (self.base === null) {
      self.gradFn = node;
      self.requiresGrad = true;
    } else {
      copySlices(self, node);
    }
  }
  return self;
}

/** The flat indices (into its base) of the elements a view reads; its base must own its storage row-major. */
export function viewIndices(view: Tensor): Int32Array {
  const base = view.base ?? view;
  if (!base.dense) throw new ProblemError('invalid-argument', 'in-place writes through a view of a non-contiguous tensor are not supported');
  return layoutIndices(view.shape, view.strides, view.offset);
}

/**
 * PyTorch's CopySlices: `view` (of `base`) was overwritten by the result of
 * `fn`, a node whose first input is the view's old value. The base's new
 * history: outside the view its old gradient, inside it what `fn` passes to
 * its first input; `fn`'s other inputs get their gradients as from `fn`.
 * The view's own history becomes AsStridedBackward0 over the base.
 */
function copySlices(view: Tensor, fn: Node): void {
  const base = view.base as Tensor;
  const region = viewIndices(view);
  const viewShape = view.shape.slice();
  const baseShape = base.shape.slice();
  const node = new Node('CopySlices', [edgeOf(base), ...fn.next.slice(1)], [base, ...fn.inputMeta.slice(1)], (g) => {
    const grads = fn.backward(take(g, region, viewShape, 'IndexBackward0'));
    const intoView = grads[0];
    const outside = zeroAt(g, region);
    grads[0] = intoView ? add(outside, putAdd(sameShape(intoView.shape, viewShape) ? intoView : sumTo(intoView, viewShape), region, baseShape)) : outside;
    return grads;
  });
  node.saved = fn.saved;
  node.savedVersions = fn.savedVersions;
  base.gradFn = node;
  base.requiresGrad = true;
  regenerateViewHistory(view, region);
}

/** A view's history after its base changed: AsStridedBackward0 over the base's node. */
export function regenerateViewHistory(view: Tensor, region: Int32Array): void {
  const base = view.base as Tensor;
  const baseShape = base.shape.slice();
  view.gradFn = new Node('AsStridedBackward0', [edgeOf(base)], [view], (g) => [putAdd(g, region, baseShape)]);
  view.requiresGrad = true;
}
