/**
 * `torch.Tensor` as Python sees it: the attributes and methods PyTorch has that are not ops
 * (grad, data, grad_fn, backward, item, tolist, numpy, size, ...), and every op of the table that
 * is spelled as a method (generated, so ops added to the table appear here).
 */
import type { OpDef } from '../../engine/op.js';
import { type Node as GradNode, backward, grad as autogradGrad, isGradEnabled, retainGrad } from '../../engine/autograd.js';
import { convertValues, type DType, isFloating, legacyTypeName, TorchDType } from '../../engine/dtype.js';
import { OPS, modulesOf, opSpelled } from '../../engine/ops/index.js';
import { formatTensor } from '../../engine/repr.js';
import { getItem as engineGetItem, type IndexItem, type IndexList, setItem as engineSetItem } from '../../engine/indexing.js';
import { Tensor } from '../../engine/tensor.js';
import { reversedDims } from '../../engine/ops/permute.js';
import { matrixTranspose } from '../../engine/ops/transpose.js';
import { pyError } from '../exceptions.js';
import { formatWithSpec } from '../format.js';
import { defineMethods, parseArgs } from '../builtins.js';
import { callOp } from '../operators.js';
import { gradNodeBase, namedType, runtime, sizeType, str, tensorPrinting, tensorType, truthy, typeName } from '../objects.js';
import { ELLIPSIS, type Kwargs, type PyClass, PyBuiltin, PyIterator, PyList, PyNativeObject, PyNdarray, PyProperty, PySlice, PyTuple, type PyValue, STOP, TorchSize } from '../values.js';

/** The op Python code reaches as `module.name`. */
export function opFor(module: 'torch' | 'method', name: string): OpDef | undefined {
  return opSpelled(module, name);
}

// ---------------------------------------------------------------- values out of tensors

/** One element as a Python number: float for floating dtypes, int for int64, bool for bool. */
export function scalarOf(value: number, dtype: DType): PyValue {
  switch (dtype) {
    case 'int64':
      return BigInt(value);
    case 'bool':
      return value !== 0;
    default:
      return value;
  }
}

/** `x.item()` */
export function itemOf(t: Tensor): PyValue {
  if (t.numel !== 1) throw pyError('ValueError', `only one element tensors can be converted to Python scalars`);
  return scalarOf(t.data[0], t.dtype);
}

/** `x.tolist()`: nested lists (a bare number for 0-dim), built level by level. */
export function toList(t: Tensor): PyValue {
  const data = t.data;
  const dtype = t.dtype;
  if (t.ndim === 0) return scalarOf(data[0], dtype);
  runtime.charge(t.numel);
  let level: PyValue[] = new Array(t.numel);
  for (let i = 0; i < t.numel; i++) level[i] = scalarOf(data[i], dtype);
  for (let d = t.ndim - 1; d >= 0; d--) {
    const size = t.shape[d];
    const groups = size === 0 ? t.shape.slice(0, d).reduce((a, b) => a * b, 1) : level.length / size;
    const grouped: PyValue[] = new Array(groups);
    for (let g = 0; g < groups; g++) grouped[g] = new PyList(level.slice(g * size, (g + 1) * size));
    level = grouped;
  }
  return level[0];
}

export function sizeOf(t: Tensor): TorchSize {
  return new TorchSize(t.shape.map((n) => BigInt(n)));
}

/** torch's repr of a tensor (repr.ts), with the grad_fn or requires_grad suffix. */
export function tensorRepr(t: Tensor): string {
  return formatTensor(t, { gradFn: t.gradFn?.name ?? null, requiresGrad: t.requiresGrad });
}

tensorPrinting.repr = tensorRepr;

function normalizeDim(dim: number, ndim: number): number {
  const range = Math.max(ndim, 1);
  if (dim < -range || dim >= range) {
    throw pyError('IndexError', `Dimension out of range (expected to be in range of [${-range}, ${range - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + range : dim;
}

function intArg(v: PyValue | undefined, name: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw pyError('TypeError', `${name} must be int, not ${typeName(v ?? null)}`);
}

// ---------------------------------------------------------------- autograd entry points

/** `t.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)` */
function backwardMethod(self: PyValue, args: PyValue[], kwargs: Kwargs): PyValue {
  const t = self as Tensor;
  const [gradient, retainGraph, createGraph, inputs] = parseArgs('backward', ['gradient=', 'retain_graph=', 'create_graph=', 'inputs='], args, kwargs);
  if (inputs !== undefined && inputs !== null) throw pyError('NotImplementedError', 'backward(inputs=...) is not supported');
  const seed = gradient === undefined || gradient === null ? null : expectTensor(gradient, 'gradient');
  const create = createGraph !== undefined && truthy(createGraph);
  backward(t, {
    gradient: seed,
    createGraph: create,
    retainGraph: retainGraph === undefined || retainGraph === null ? create : truthy(retainGraph),
  });
  return null;
}

function expectTensor(v: PyValue, what: string): Tensor {
  if (!(v instanceof Tensor)) throw pyError('TypeError', `${what} must be a Tensor, not ${typeName(v)}`);
  return v;
}

/** `torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False)` */
export function autogradGradFunction(args: PyValue[], kwargs: Kwargs): PyValue {
  const [outputs, inputs, gradOutputs, retainGraph, createGraph, , , allowUnused] = parseArgs(
    'grad',
    ['outputs', 'inputs', 'grad_outputs=', 'retain_graph=', 'create_graph=', 'only_inputs=', 'is_grads_batched=', 'allow_unused='],
    args,
    kwargs,
  );
  const outs = tensorSequence(outputs as PyValue, 'outputs');
  const ins = tensorSequence(inputs as PyValue, 'inputs');
  let seeds: (Tensor | null)[] | undefined;
  if (gradOutputs !== undefined && gradOutputs !== null) {
    seeds = gradOutputs instanceof Tensor ? [gradOutputs] : (gradOutputs as PyTuple).items.map((g) => (g === null ? null : expectTensor(g, 'grad_outputs')));
  }
  const create = createGraph !== undefined && truthy(createGraph);
  const grads = autogradGrad(outs, ins, {
    gradOutputs: seeds,
    createGraph: create,
    retainGraph: retainGraph === undefined || retainGraph === null ? create : truthy(retainGraph),
    allowUnused: allowUnused !== undefined && truthy(allowUnused),
  });
  return new PyTuple(grads);
}

function tensorSequence(v: PyValue, what: string): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map((item) => expectTensor(item, what));
  throw pyError('TypeError', `${what} must be a Tensor or a sequence of Tensors, not ${typeName(v)}`);
}

// ---------------------------------------------------------------- requires_grad, grad, data

function setRequiresGrad(t: Tensor, value: boolean): void {
  if (!t.isLeaf) {
    throw pyError(
      'RuntimeError',
      value
        ? 'you can only change requires_grad flags of leaf variables.'
        : "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
    );
  }
  if (value && !isFloating(t.dtype)) throw pyError('RuntimeError', 'only Tensors of floating point dtype can require gradients');
  t.requiresGrad = value;
}

function setGrad(t: Tensor, value: PyValue): void {
  if (value === null) {
    t.grad = null;
    return;
  }
  const g = expectTensor(value, 'assigned grad');
  if (g.dtype !== t.dtype) throw pyError('RuntimeError', 'assigned grad has data of a different type');
  if (g.shape.length !== t.shape.length || g.shape.some((n, i) => n !== t.shape[i])) {
    throw pyError('RuntimeError', 'assigned grad has data of a different size');
  }
  t.grad = g;
}

function setData(t: Tensor, value: PyValue): void {
  const source = expectTensor(value, 'data');
  if (isFloating(t.dtype) !== isFloating(source.dtype) && t.requiresGrad) {
    throw pyError('RuntimeError', 'data set to a tensor that requires gradients must be floating point or complex dtype');
  }
  t.setData(source);
}

// ---------------------------------------------------------------- conversions

/** A copy in another dtype: through the table's `to` op when it has one (ToCopyBackward0), else outside the graph. */
export function convert(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const to = opFor('method', 'to');
  if (to !== undefined) return callOp(to, [t, TorchDType.of(dtype)], null) as Tensor;
  if (t.requiresGrad && isGradEnabled()) {
    throw pyError('NotImplementedError', `converting a tensor that requires grad to ${dtype} is not supported yet`);
  }
  return new Tensor(convertValues(t.data, dtype), t.shape.slice());
}

function conversionMethod(dtype: DType) {
  return (self: PyValue) => convert(self as Tensor, dtype);
}

// ---------------------------------------------------------------- indexing and iteration

/** A Python index as the engine's index items: a tuple is its items, anything else one item. */
function indexItems(index: PyValue): IndexItem[] {
  const items = index instanceof PyTuple && !(index instanceof TorchSize) ? index.items : [index];
  return items.map(indexItem);
}

function indexItem(v: PyValue): IndexItem {
  if (typeof v === 'bigint' || typeof v === 'boolean' || v === null || v instanceof Tensor) return v;
  if (v === ELLIPSIS) return 'ellipsis';
  if (v instanceof PySlice) return { start: sliceBound(v.start), stop: sliceBound(v.stop), step: sliceBound(v.step) };
  if (v instanceof PyList || v instanceof TorchSize) return indexList(v);
  throw pyError('IndexError', `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${typeName(v)})`);
}

function sliceBound(v: PyValue): bigint | Tensor | null {
  if (v === null || typeof v === 'bigint' || v instanceof Tensor) return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw pyError('TypeError', 'slice indices must be integers or None or have an __index__ method');
}

function indexList(list: PyList | PyTuple): IndexList {
  return list.items.map((item) => {
    if (typeof item === 'bigint' || typeof item === 'boolean') return item;
    if (item instanceof PyList || item instanceof PyTuple) return indexList(item);
    if (item instanceof Tensor && item.numel === 1) return isFloating(item.dtype) ? item.data[0] : BigInt(item.data[0]);
    throw pyError('IndexError', `tensors used as indices must be long, int, byte or bool tensors (got ${typeName(item)})`);
  });
}

function tensorGetItem(t: Tensor, index: PyValue): PyValue {
  return engineGetItem(t, indexItems(index));
}

function tensorSetItem(t: Tensor, index: PyValue, value: PyValue): void {
  let v: Tensor | bigint | number | boolean;
  if (value instanceof Tensor || typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') v = value;
  else if (value instanceof PyList || value instanceof PyTuple) v = tensorValues(value, t.dtype);
  else throw pyError('TypeError', `can't assign a ${typeName(value)} to a ${legacyTypeName(t.dtype).replace('torch.', 'torch.')}`);
  engineSetItem(t, indexItems(index), v);
}

/** Assigning a list: torch makes a tensor of the target's dtype from it. */
let tensorValues: (data: PyValue, dtype: DType) => Tensor = () => {
  throw new Error('torch module not loaded');
};

export function setTensorFromData(make: (data: PyValue, dtype: DType) => Tensor): void {
  tensorValues = make;
}

function tensorIter(t: Tensor): PyIterator {
  if (t.ndim === 0) throw pyError('TypeError', 'iteration over a 0-d tensor');
  const n = t.shape[0];
  let i = 0;
  return new PyIterator('iterator', () => (i < n ? tensorGetItem(t, BigInt(i++)) : STOP));
}

// ---------------------------------------------------------------- the class

/** Methods written here rather than taken from the op table (structure, conversion to Python, autograd calls). */
const OWN_METHODS = new Set([
  'backward', 'item', 'tolist', 'numpy', 'size', 'dim', 'ndimension', 'numel', 'nelement', 'type', 'requires_grad_',
  'retain_grad', 'detach', 'detach_', 'is_floating_point', 'element_size', 'register_hook', 'cpu', 'cuda', 'contiguous',
]);

const dict = tensorType.dict as Map<string, PyValue>;

dict.set('grad', new PyProperty((self) => (self as Tensor).grad, (self, value) => setGrad(self as Tensor, value)));
dict.set('data', new PyProperty((self) => (self as Tensor).dataAlias(), (self, value) => setData(self as Tensor, value)));
dict.set('grad_fn', new PyProperty((self) => (self as Tensor).gradFn));
dict.set('is_leaf', new PyProperty((self) => (self as Tensor).isLeaf));
dict.set(
  'requires_grad',
  new PyProperty(
    (self) => (self as Tensor).requiresGrad,
    (self, value) => {
      if (typeof value !== 'boolean') throw pyError('TypeError', 'requires_grad must be a bool');
      setRequiresGrad(self as Tensor, value);
    },
  ),
);
dict.set('shape', new PyProperty((self) => sizeOf(self as Tensor)));
dict.set('dtype', new PyProperty((self) => TorchDType.of((self as Tensor).dtype)));
dict.set('ndim', new PyProperty((self) => BigInt((self as Tensor).ndim)));
dict.set('device', new PyProperty(() => cpuDevice()));
dict.set('is_cuda', new PyProperty(() => false));
dict.set('retains_grad', new PyProperty((self) => (self as Tensor).retainsGrad));
// x.T reverses every dim (PermuteBackward0 at every rank, as torch 1.13); x.mT swaps the last two (TransposeBackward0).
dict.set('T', new PyProperty((self) => reversedDims(self as Tensor)));
dict.set('mT', new PyProperty((self) => matrixTranspose(self as Tensor)));

defineMethods(tensorType, {
  backward: backwardMethod,
  item: (self) => itemOf(self as Tensor),
  tolist: (self) => toList(self as Tensor),
  numpy: (self) => {
    const t = self as Tensor;
    if (t.requiresGrad) throw pyError('RuntimeError', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    const data = t.data;
    return new PyNdarray(data, t.shape.slice(), t.dtype, t.dense && t.storage.buffer === data ? t.storage : null);
  },
  size: (self, args, kwargs) => {
    const t = self as Tensor;
    const [dim] = parseArgs('size', ['dim='], args, kwargs);
    if (dim === undefined || dim === null) return sizeOf(t);
    return BigInt(t.shape[normalizeDim(intArg(dim, 'dim'), t.ndim)] ?? 1);
  },
  dim: (self) => BigInt((self as Tensor).ndim),
  ndimension: (self) => BigInt((self as Tensor).ndim),
  numel: (self) => BigInt((self as Tensor).numel),
  nelement: (self) => BigInt((self as Tensor).numel),
  element_size: (self) => BigInt({ float32: 4, float64: 8, int64: 8, bool: 1 }[(self as Tensor).dtype]),
  is_floating_point: (self) => isFloating((self as Tensor).dtype),
  type: (self, args, kwargs) => {
    const t = self as Tensor;
    const [dtype] = parseArgs('type', ['dtype='], args, kwargs);
    if (dtype === undefined || dtype === null) return legacyTypeName(t.dtype);
    if (dtype instanceof TorchDType) return convert(t, dtype.dtype);
    throw pyError('TypeError', `type() argument must be a torch.dtype, not ${typeName(dtype)}`);
  },
  requires_grad_: (self, args, kwargs) => {
    const [flag] = parseArgs('requires_grad_', ['requires_grad='], args, kwargs);
    setRequiresGrad(self as Tensor, flag === undefined ? true : truthy(flag));
    return self;
  },
  retain_grad: (self) => {
    retainGrad(self as Tensor);
    return null;
  },
  detach: (self) => (self as Tensor).detach(),
  float: conversionMethod('float32'),
  double: conversionMethod('float64'),
  long: conversionMethod('int64'),
  bool: conversionMethod('bool'),
  cpu: (self) => self,
  contiguous: (self) => self,
  clone: (self) => {
    const t = self as Tensor;
    if (t.requiresGrad && isGradEnabled()) throw pyError('NotImplementedError', 'clone() of a tensor that requires grad is not available yet');
    return t.detachedCopy();
  },
  cuda: () => {
    throw pyError('RuntimeError', 'Torch not compiled with CUDA enabled');
  },
  register_hook: () => {
    throw pyError('NotImplementedError', 'tensor hooks are not supported');
  },
  __getitem__: (self, args) => tensorGetItem(self as Tensor, args[0]),
  __setitem__: (self, args) => {
    tensorSetItem(self as Tensor, args[0], args[1]);
    return null;
  },
  __iter__: (self) => tensorIter(self as Tensor),
  __len__: (self) => {
    const t = self as Tensor;
    if (t.ndim === 0) throw pyError('TypeError', 'len() of a 0-d tensor');
    return BigInt(t.shape[0]);
  },
  __bool__: (self) => {
    const t = self as Tensor;
    if (t.numel === 0) throw pyError('RuntimeError', 'Boolean value of Tensor with no values is ambiguous');
    if (t.numel > 1) throw pyError('RuntimeError', 'Boolean value of Tensor with more than one value is ambiguous');
    return t.data[0] !== 0;
  },
  __float__: (self) => {
    const t = self as Tensor;
    if (t.numel !== 1) throw pyError('ValueError', 'only one element tensors can be converted to Python scalars');
    return t.data[0];
  },
  __int__: (self) => {
    const t = self as Tensor;
    if (t.numel !== 1) throw pyError('ValueError', 'only one element tensors can be converted to Python scalars');
    const v = t.data[0];
    if (!Number.isFinite(v)) throw pyError('RuntimeError', 'value cannot be converted to type int64_t without overflow');
    return BigInt(Math.trunc(v));
  },
  __index__: (self) => {
    const t = self as Tensor;
    if (t.numel !== 1 || isFloating(t.dtype)) throw pyError('TypeError', 'only integer tensors of a single element can be converted to an index');
    return BigInt(t.data[0]);
  },
  __format__: (self, args) => {
    const t = self as Tensor;
    const spec = args[0] as string;
    if (t.ndim === 0) {
      const v = itemOf(t);
      return formatWithSpec(v as number | bigint | boolean, spec);
    }
    if (spec !== '') throw pyError('TypeError', 'unsupported format string passed to Tensor.__format__');
    return str(t);
  },
  __abs__: (self) => callOp(opFor('method', 'abs') as NonNullable<ReturnType<typeof opFor>>, [self], null),
  __round__: (self, args) => {
    const round = opFor('method', 'round');
    if (round === undefined) throw pyError('NotImplementedError', 'round() of a tensor is not available');
    return callOp(round, args.length > 0 && args[0] !== null ? [self, args[0]] : [self], null);
  },
});

// every op spelled as a tensor method, from the table
for (const op of OPS) {
  if (!modulesOf(op).includes('method')) continue;
  const name = op.pythonName ?? op.name;
  if (OWN_METHODS.has(name) && dict.has(name)) continue;
  dict.set(name, new PyBuiltin(name, (args, kwargs) => callOp(op, args, kwargs), 'Tensor'));
}

// ---------------------------------------------------------------- grad_fn nodes

defineMethods(gradNodeBase, {
  name: (self) => (self as GradNode).name,
  register_hook: () => {
    throw pyError('NotImplementedError', 'hooks on autograd nodes are not supported');
  },
});
(gradNodeBase.dict as Map<string, PyValue>).set(
  'next_functions',
  new PyProperty((self) => new PyTuple((self as GradNode).next.map((edge) => new PyTuple([edge.node, BigInt(edge.outputNr)])))),
);
(gradNodeBase.dict as Map<string, PyValue>).set(
  'variable',
  new PyProperty((self) => {
    const v = (self as GradNode).variable;
    if (v === null) throw pyError('AttributeError', `'${(self as GradNode).name}' object has no attribute 'variable'`);
    return v;
  }),
);

// ---------------------------------------------------------------- torch.Size

defineMethods(sizeType, {
  numel: (self) => (self as TorchSize).items.reduce((a: bigint, b) => a * (b as bigint), 1n),
});

// ---------------------------------------------------------------- device

const deviceType = namedType('torch.device');
class Device extends PyNativeObject {
  get type(): PyClass {
    return deviceType;
  }
}
const CPU = new Device();
(deviceType.dict as Map<string, PyValue>).set('type', new PyProperty(() => 'cpu'));
(deviceType.dict as Map<string, PyValue>).set('__repr__', new PyBuiltin('__repr__', () => "device(type='cpu')", 'device'));
(deviceType.dict as Map<string, PyValue>).set('__str__', new PyBuiltin('__str__', () => 'cpu', 'device'));

export function cpuDevice(): PyValue {
  return CPU;
}

