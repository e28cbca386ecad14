// Python indexing of tensors: x[index] (getItem) and x[index] = value (setItem),
// applied as torch 1.13 applies them (torch/csrc/autograd/python_variable_indexing.cpp):
// left to right, an int selects (SelectBackward0), a slice slices (SliceBackward0,
// even `:`), None inserts a dim (UnsqueezeBackward0), `...` skips dims; then the
// advanced indices (int lists or tensors, bool masks) gather in one step
// (IndexBackward0). An index that does nothing gives an alias (AliasBackward0).
import { ProblemError } from '../errors.js';
import { edgeOf, isGradEnabled, Node } from './autograd.js';
import { broadcastShapes } from './broadcast.js';
import { convertValues, Int64Array, isFloating } from './dtype.js';
import { layoutIndices, take, zeroAt } from './flat_index.js';
import { reshape } from './ops/reshape.js';
import { checkInPlace, regenerateViewHistory, viewIndices } from './inplace.js';
import { apply, type Scalar } from './op.js';
import { scalarNumber } from './promote.js';
import {
  identityLayout,
  type Layout,
  layoutOf,
  rowMajorLayout,
  selectLayout,
  sliceLayout,
  unsqueezeLayout,
  viewPrimitive,
} from './strided.js';
import { sumTo } from './broadcast.js';
import { numelOf, sameShape, Tensor, wrapNumber } from './tensor.js';

/** A Python slice `start:stop:step`; each part null when omitted (the interpreter's PySlice has this shape). */
export interface SliceIndex {
  readonly start: bigint | number | Tensor | null;
  readonly stop: bigint | number | Tensor | null;
  readonly step: bigint | number | Tensor | null;
}

/** A Python list used as an index: ints or bools, nested (an advanced index). */
export type IndexList = readonly (bigint | number | boolean | IndexList)[];

/**
 * One entry of an index tuple: `x[a, b]` is [a, b], `x[a]` is [a]
 * (a tuple index is its items; anything else one item).
 * - int (bigint or integral number): select, negative from the end
 * - SliceIndex: a slice
 * - null: None, a new dim of size 1
 * - 'ellipsis': `...`
 * - Tensor: int64 (advanced; 0-dim selects like an int) or bool (a mask)
 * - IndexList (a Python list, not a tuple): an advanced index of ints, or a bool mask
 * - boolean: True/False (a 0-dim mask)
 */
export type IndexItem = bigint | number | boolean | null | 'ellipsis' | SliceIndex | Tensor | IndexList;

function indexError(message: string): ProblemError {
  return new ProblemError('invalid-argument', message, { pythonType: 'IndexError' });
}

// ---- the basic part: views ----------------------------------------------------

const Select = viewPrimitive('SelectBackward0', selectLayout);
const Slice = viewPrimitive('SliceBackward0', sliceLayout);
const Unsqueeze = viewPrimitive('UnsqueezeBackward0', unsqueezeLayout);
const Alias = viewPrimitive('AliasBackward0', identityLayout);

/** One step of the basic part, to apply as a view op (getItem) or a layout transform (setItem). */
type BasicStep =
  | { kind: 'select'; attrs: { dim: number; index: number } }
  | { kind: 'slice'; attrs: { dim: number; start: number; length: number; step: number } }
  | { kind: 'unsqueeze'; attrs: { dim: number } };

/** An advanced index at `dim` of the tensor after the basic steps: flat int indices in `shape`. */
interface AdvancedIndex {
  dim: number;
  /** How many dims it consumes (a k-dim bool mask consumes k). */
  dims: number;
  indices: Tensor;
}

interface ParsedIndex {
  steps: BasicStep[];
  advanced: AdvancedIndex[];
  /** The shape after the basic steps. */
  shape: number[];
}

function isSlice(item: IndexItem): item is SliceIndex {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && !(item instanceof Tensor);
}

/** A Python int (bigint) or 0-dim int64 tensor as a number; a JS number is a Python float, not an index. */
function intOf(v: bigint | number | Tensor | boolean): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Tensor && v.ndim === 0 && v.dtype === 'int64') return v.item();
  return null;
}

/** Dims of the indexed tensor an item consumes. */
function dimsConsumed(item: IndexItem): number {
  if (item === null || item === 'ellipsis' || typeof item === 'boolean') return 0;
  if (item instanceof Tensor) return item.dtype === 'bool' ? Math.max(item.ndim, 0) : item.ndim === 0 ? 1 : 1;
  if (Array.isArray(item)) return isBoolList(item) ? listShape(item).length : 1;
  return 1;
}

function isBoolList(list: IndexList): boolean {
  let probe: IndexList | bigint | number | boolean = list;
  while (Array.isArray(probe)) {
    if (probe.length === 0) return false;
    probe = probe[0];
  }
  return typeof probe === 'boolean';
}

/** The shape of a rectangular nested list, with PyTorch's message for a ragged one. */
function listShape(list: IndexList): number[] {
  const shape: number[] = [];
  let probe: IndexList | bigint | number | boolean = list;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  return shape;
}

/** A Python list index as a tensor (int64, or bool for a list of bools). */
function listTensor(list: IndexList): Tensor {
  const shape = listShape(list);
  const bools = isBoolList(list);
  const values: number[] = [];
  // Depth-first, left to right, with an explicit stack (no recursion).
  const visit: (IndexList | bigint | number | boolean)[] = [list];
  while (visit.length > 0) {
    const next = visit.pop() as IndexList | bigint | number | boolean;
    if (Array.isArray(next)) {
      for (let i = next.length - 1; i >= 0; i--) visit.push(next[i]);
      continue;
    }
    if (typeof next === 'boolean') {
      if (!bools) throw indexError('tensors used as indices must be long, byte or bool tensors');
      values.push(next ? 1 : 0);
    } else {
      const n = intOf(next as bigint | number);
      if (n === null || bools) throw indexError('tensors used as indices must be long, byte or bool tensors');
      values.push(n);
    }
  }
  if (values.length !== numelOf(shape)) throw new ProblemError('invalid-argument', 'index list is not rectangular', { pythonType: 'ValueError' });
  return new Tensor(bools ? Uint8Array.from(values) : Int64Array.from(values), shape);
}

/** Python's slice.indices: start, length and step of a slice over `size` elements. */
function sliceBounds(slice: SliceIndex, size: number): { start: number; length: number; step: number } {
  const part = (v: bigint | number | Tensor | null, name: string): number | null => {
    if (v === null) return null;
    const n = intOf(v);
    if (n === null) throw new ProblemError('invalid-argument', `slice indices must be integers or None or have an __index__ method (${name})`, { pythonType: 'TypeError' });
    return n;
  };
  const step = part(slice.step, 'step') ?? 1;
  if (step <= 0) throw new ProblemError('invalid-argument', 'step must be greater than zero', { pythonType: 'ValueError' });
  const clampIndex = (v: number) => (v < 0 ? Math.max(0, v + size) : Math.min(v, size));
  const start = clampIndex(part(slice.start, 'start') ?? 0);
  const stop = clampIndex(part(slice.stop, 'stop') ?? size);
  const length = stop > start ? Math.ceil((stop - start) / step) : 0;
  return { start, length, step };
}

/** Walks the index: the basic steps (with the shape they give) and the advanced indices left for the end. */
function parseIndex(shape: readonly number[], items: readonly IndexItem[]): ParsedIndex {
  const ndim = shape.length;
  let consumed = 0;
  let ellipses = 0;
  for (const item of items) {
    consumed += dimsConsumed(item);
    if (item === 'ellipsis') ellipses++;
  }
  if (ellipses > 1) throw indexError('an index can only have a single ellipsis (\'...\')');
  if (consumed > ndim) {
    if (ndim === 0) {
      throw indexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
    }
    throw indexError(`too many indices for tensor of dimension ${ndim}`);
  }
  const current = shape.slice();
  const steps: BasicStep[] = [];
  const advanced: AdvancedIndex[] = [];
  let dim = 0;
  let realDim = 0;
  for (const item of items) {
    if (item === 'ellipsis') {
      dim += ndim - consumed;
      realDim += ndim - consumed;
      continue;
    }
    if (item === null) {
      steps.push({ kind: 'unsqueeze', attrs: { dim } });
      current.splice(dim, 0, 1);
      dim++;
      continue;
    }
    if (typeof item === 'boolean') {
      // x[True] is x[None]; x[False] is an empty selection along a new dim
      steps.push({ kind: 'unsqueeze', attrs: { dim } });
      current.splice(dim, 0, 1);
      if (!item) {
        steps.push({ kind: 'slice', attrs: { dim, start: 0, length: 0, step: 1 } });
        current[dim] = 0;
      }
      dim++;
      continue;
    }
    if (isSlice(item)) {
      const { start, length, step } = sliceBounds(item, current[dim]);
      steps.push({ kind: 'slice', attrs: { dim, start, length, step } });
      current[dim] = length;
      dim++;
      realDim++;
      continue;
    }
    const single = item instanceof Tensor || Array.isArray(item) ? null : intOf(item as bigint | number);
    const zeroDimInt = item instanceof Tensor && item.ndim === 0 && item.dtype === 'int64';
    if (single !== null || zeroDimInt) {
      const index = single ?? (item as Tensor).item();
      const size = current[dim];
      if (index < -size || index >= size) throw indexError(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`);
      steps.push({ kind: 'select', attrs: { dim, index: index < 0 ? index + size : index } });
      current.splice(dim, 1);
      realDim++;
      continue;
    }
    if (typeof item === 'number') {
      throw indexError('only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)');
    }
    const indexTensor = item instanceof Tensor ? item : listTensor(item as IndexList);
    if (isFloating(indexTensor.dtype)) throw indexError('tensors used as indices must be long, byte or bool tensors');
    const dims = indexTensor.dtype === 'bool' ? indexTensor.ndim : 1;
    advanced.push({ dim, dims, indices: indexTensor });
    dim += dims;
    realDim += dims;
  }
  return { steps, advanced, shape: current };
}

/** The advanced part: which elements (flat, row-major, of a tensor of `shape`) it picks, and the result shape. */
function advancedSelection(shape: readonly number[], advanced: readonly AdvancedIndex[]): { indices: Int32Array; shape: number[] } {
  // Bool masks become one int index per dim they cover (their nonzero positions).
  const perDim: { dim: number; values: Tensor }[] = [];
  for (const { dim, dims, indices } of advanced) {
    if (indices.dtype !== 'bool') {
      perDim.push({ dim, values: indices });
      continue;
    }
    for (let j = 0; j < dims; j++) {
      if (indices.shape[j] !== shape[dim + j]) {
        throw indexError(
          `The shape of the mask [${indices.shape.join(', ')}] at index ${j} does not match the shape of the indexed tensor [${shape.join(', ')}] at index ${dim + j}`,
        );
      }
    }
    const mask = indices.data;
    const positions: number[][] = Array.from({ length: dims }, () => []);
    const maskStrides = rowMajor(indices.shape);
    for (let k = 0; k < mask.length; k++) {
      if (mask[k] === 0) continue;
      for (let j = 0; j < dims; j++) positions[j].push(Math.floor(k / maskStrides[j]) % indices.shape[j]);
    }
    for (let j = 0; j < dims; j++) perDim.push({ dim: dim + j, values: new Tensor(Int64Array.from(positions[j]), [positions[j].length]) });
  }
  let broadcast: number[] = [];
  try {
    for (const { values } of perDim) broadcast = broadcastShapes(broadcast, values.shape);
  } catch {
    throw indexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${perDim.map(({ values }) => `[${values.shape.join(', ')}]`).join(', ')}`);
  }
  const indexedDims = perDim.map((p) => p.dim);
  const adjacent = indexedDims.every((d, i) => i === 0 || d === indexedDims[i - 1] + 1);
  const rest = shape.map((_, d) => d).filter((d) => !indexedDims.includes(d));
  const first = indexedDims[0];
  const restBefore = adjacent ? rest.filter((d) => d < first) : [];
  const restAfter = adjacent ? rest.filter((d) => d > first) : rest;
  const outShape = [...restBefore.map((d) => shape[d]), ...broadcast, ...restAfter.map((d) => shape[d])];
  const strides = rowMajor(shape);
  // Each index tensor read at a broadcast position, with its values checked and made non-negative.
  const broadcastCount = numelOf(broadcast);
  const offsets = new Float64Array(broadcastCount);
  for (const { dim, values } of perDim) {
    const size = shape[dim];
    const read = values.ndim === 0 || sameShape(values.shape, broadcast) ? values.data : expandTo(values, broadcast);
    for (let b = 0; b < broadcastCount; b++) {
      let v = read[values.numel === 1 ? 0 : b];
      if (v < -size || v >= size) throw indexError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
      if (v < 0) v += size;
      offsets[b] += v * strides[dim];
    }
  }
  const beforeSize = numelOf(restBefore.map((d) => shape[d]));
  const afterShape = restAfter.map((d) => shape[d]);
  const afterCount = numelOf(afterShape);
  const out = new Int32Array(beforeSize * broadcastCount * afterCount);
  const beforeOffsets = restOffsets(restBefore, shape, strides);
  const afterOffsets = restOffsets(restAfter, shape, strides);
  let k = 0;
  for (let i = 0; i < beforeSize; i++) {
    for (let b = 0; b < broadcastCount; b++) {
      for (let j = 0; j < afterCount; j++) out[k++] = beforeOffsets[i] + offsets[b] + afterOffsets[j];
    }
  }
  return { indices: out, shape: outShape };
}

function rowMajor(shape: readonly number[]): number[] {
  return layoutOfShape(shape).strides as number[];
}

function layoutOfShape(shape: readonly number[]): Layout {
  return rowMajorLayout(shape);
}

/** The values of `t` broadcast to `shape`, row-major. */
function expandTo(t: Tensor, shape: readonly number[]): ArrayLike<number> {
  const lead = shape.length - t.ndim;
  const own = rowMajor(t.shape);
  const strides = shape.map((size, d) => (d < lead || t.shape[d - lead] === 1 ? 0 : own[d - lead]));
  const positions = layoutIndices(shape, strides, 0);
  const src = t.data;
  return Array.from(positions, (p) => src[p]);
}

/** Flat offsets of every combination of the `dims` of a tensor (row-major over those dims). */
function restOffsets(dims: readonly number[], shape: readonly number[], strides: readonly number[]): Int32Array {
  return layoutIndices(
    dims.map((d) => shape[d]),
    dims.map((d) => strides[d]),
    0,
  );
}

function applyLayoutStep(layout: Layout, step: BasicStep): Layout {
  switch (step.kind) {
    case 'select':
      return selectLayout(layout, step.attrs);
    case 'slice':
      return sliceLayout(layout, step.attrs);
    case 'unsqueeze':
      return unsqueezeLayout(layout, step.attrs);
  }
}

// ---- x[index] -------------------------------------------------------------------

/** `x[items]` (see IndexItem), with torch's nodes and errors. */
export function getItem(x: Tensor, items: readonly IndexItem[]): Tensor {
  const { steps, advanced } = parseIndex(x.shape, items);
  let result = x;
  for (const step of steps) {
    switch (step.kind) {
      case 'select':
        result = apply(Select, [result], step.attrs);
        break;
      case 'slice':
        result = apply(Slice, [result], step.attrs);
        break;
      case 'unsqueeze':
        result = apply(Unsqueeze, [result], step.attrs);
        break;
    }
  }
  if (advanced.length > 0) {
    const { indices, shape } = advancedSelection(result.shape, advanced);
    return take(result, indices, shape, 'IndexBackward0');
  }
  return result === x ? apply(Alias, [x], undefined) : result;
}

// ---- x[index] = value ---------------------------------------------------------

/**
 * `x[items] = value`, in place: PyTorch's copy_ into the indexed view
 * (CopySlices) or index_put_ for advanced indices (IndexPutBackward0 when no
 * basic step came first), with its leaf checks; the version counter bumps.
 */
export function setItem(x: Tensor, items: readonly IndexItem[], value: Tensor | Scalar): void {
  const { steps, advanced } = parseIndex(x.shape, items);
  // The basic part as a view without history (the write's history is recorded below).
  let layout = layoutOf(x);
  let logical = rowMajorLayout(x.shape);
  for (const step of steps) {
    layout = applyLayoutStep(layout, step);
    logical = applyLayoutStep(logical, step);
  }
  const throughView = steps.length > 0 || advanced.length === 0;
  checkSetItem(x, throughView);
  const target = Tensor.view(x, layout.shape, layout.strides, layout.offset);
  if (target.overlaps) checkInPlace(target);

  // Positions written: storage positions (for the write) and flat indices into x (for the gradient).
  let storagePositions = layoutIndices(layout.shape, layout.strides, layout.offset);
  let regionInX = layoutIndices(logical.shape, logical.strides, logical.offset);
  let regionShape: readonly number[] = layout.shape;
  if (advanced.length > 0) {
    const selection = advancedSelection(layout.shape, advanced);
    storagePositions = Int32Array.from(selection.indices, (i) => storagePositions[i]);
    regionInX = Int32Array.from(selection.indices, (i) => regionInX[i]);
    regionShape = selection.shape;
  }

  const source = value instanceof Tensor ? value : wrapNumber(scalarNumber(value), x.dtype);
  const valueShape = withoutLeadingOnes(source.shape);
  const expanded = broadcastValue(source, valueShape, regionShape);
  x.writeAt(storagePositions, source.dtype === x.dtype ? expanded : convertValues(expanded, x.dtype));

  const valueRequiresGrad = source.requiresGrad;
  if (isGradEnabled() && (x.requiresGrad || valueRequiresGrad)) {
    recordSetItem(x, regionInX, regionShape, valueRequiresGrad ? source : null, valueShape, steps.length > 0 || advanced.length === 0 ? 'CopySlices' : 'IndexPutBackward0');
  }
}

function checkSetItem(x: Tensor, throughView: boolean): void {
  if (!isGradEnabled()) return;
  if (x.base === null && x.isLeaf && x.requiresGrad) {
    throw new ProblemError(
      'autograd-error',
      throughView
        ? 'a view of a leaf Variable that requires grad is being used in an in-place operation.'
        : 'a leaf Variable that requires grad is being used in an in-place operation.',
    );
  }
  checkInPlace(x);
}

/** torch drops a value's leading size-1 dims before broadcasting it into the indexed region. */
function withoutLeadingOnes(shape: readonly number[]): number[] {
  let first = 0;
  while (first < shape.length && shape[first] === 1) first++;
  return shape.slice(first);
}

/** The value's elements broadcast to the region, with torch's expand messages. */
function broadcastValue(source: Tensor, valueShape: readonly number[], regionShape: readonly number[]): ArrayLike<number> {
  if (valueShape.length > regionShape.length) {
    throw new ProblemError(
      'shape-error',
      `expand(${legacy(source)}{[${source.shape.join(', ')}]}, size=[${regionShape.join(', ')}]): the number of sizes provided (${regionShape.length}) must be greater or equal to the number of dimensions in the tensor (${valueShape.length})`,
    );
  }
  const lead = regionShape.length - valueShape.length;
  valueShape.forEach((size, i) => {
    const target = regionShape[lead + i];
    if (size !== 1 && size !== target) {
      throw new ProblemError(
        'shape-error',
        `The expanded size of the tensor (${target}) must match the existing size (${size}) at non-singleton dimension ${lead + i}.  Target sizes: [${regionShape.join(', ')}].  Tensor sizes: [${valueShape.join(', ')}]`,
      );
    }
  });
  if (source.numel === 1) return new Float64Array(numelOf(regionShape)).fill(source.data[0]);
  return expandTo(new Tensor(source.data, valueShape.slice()), regionShape);
}

function legacy(t: Tensor): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', bool: 'torch.BoolTensor' }[t.dtype];
}

/**
 * The history of `x[...] = value`: a node over x's old history and the value.
 * Outside the region the gradient is x's, inside it goes to the value (summed
 * over what was broadcast). A view x passes the change to its base.
 */
function recordSetItem(x: Tensor, region: Int32Array, regionShape: readonly number[], value: Tensor | null, valueShape: readonly number[], name: string): void {
  const root = x.base ?? x;
  // Written through a view: the region in the root's elements; the view's history becomes AsStridedBackward0.
  const inRoot = root === x ? region : Int32Array.from(region, (i) => viewIndices(x)[i]);
  const edges = [edgeOf(root), value === null ? { node: null, outputNr: 0 } : edgeOf(value)];
  const node = new Node(root === x ? name : 'CopySlices', edges, [root, value ?? root], (g) => [
    zeroAt(g, inRoot),
    value === null ? null : valueGradient(take(g, inRoot, regionShape, 'IndexBackward0'), valueShape, value.shape),
  ]);
  root.gradFn = node;
  root.requiresGrad = true;
  if (root !== x) regenerateViewHistory(x, viewIndices(x));
}

/** The region's gradient summed over what broadcasting repeated, in the value's own shape. */
function valueGradient(g: Tensor, strippedShape: readonly number[], shape: readonly number[]): Tensor {
  const summed = sameShape(g.shape, strippedShape) ? g : sumTo(g, strippedShape);
  return sameShape(summed.shape, shape) ? summed : reshape(summed, shape);
}

// ---- the basic steps as functions (torch.select, narrow, split pieces) ---------

/** `x.select(dim, index)`: a view without `dim` (SelectBackward0); dim and index already in range. */
export function selectView(x: Tensor, dim: number, index: number): Tensor {
  return apply(Select, [x], { dim, index });
}

/** Elements start, start + step, ... (`length` of them) along `dim`: a view (SliceBackward0). */
export function sliceView(x: Tensor, dim: number, start: number, length: number, step = 1): Tensor {
  return apply(Slice, [x], { dim, start, length, step });
}

/** A view with a size-1 dim inserted at `dim` (UnsqueezeBackward0). */
export function unsqueezeView(x: Tensor, dim: number): Tensor {
  return apply(Unsqueeze, [x], { dim });
}

// ---- the op table's face: x[index] and x[index] = value from the interpreter ----

/**
 * The items of a Python index as the op table receives it: a tuple index
 * arrives as an array of its items, anything else as itself (so the
 * interpreter passes `x[a, b]` as [a, b] and `x[[0, 2]]` as [[0, 2]]: a list
 * index inside a one-item tuple). `...` may be 'ellipsis' or the
 * interpreter's Ellipsis (an object whose typeName is 'ellipsis').
 */
export function indexItems(index: unknown): IndexItem[] {
  const items = Array.isArray(index) ? index : [index];
  return items.map((item) => (isEllipsis(item) ? 'ellipsis' : (item as IndexItem)));
}

function isEllipsis(item: unknown): boolean {
  return item === 'ellipsis' || (typeof item === 'object' && item !== null && (item as { typeName?: unknown }).typeName === 'ellipsis');
}
