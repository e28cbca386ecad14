/**
 * The `torch` module and its submodules. Functions come from the op table (every op spelled in a
 * module appears there under its Python name); creation functions, dtypes, grad-mode context
 * managers and autograd entry points are written here.
 */
import { isGradEnabled, withGradMode } from '../../engine/autograd.js';
import { allocate, type DType, isFloating, rounder, TorchDType, Int64Array } from '../../engine/dtype.js';
import { arange as arangeKernel, linspace as linspaceKernel } from '../../engine/kernels/linspace.js';
import type { OpModule } from '../../engine/op.js';
import { OPS, modulesOf, OPS_BY_NAME } from '../../engine/ops/index.js';
import { numelOf, Tensor } from '../../engine/tensor.js';
import { functionClass } from '../autograd_function.js';
import { builtin, parseArgs } from '../builtins.js';
import { pyError } from '../exceptions.js';
import { activeInterpreter } from '../interpreter.js';
import { namedType, objectType, runtime, sizeType, tensorType, toArray, truthy, typeName, typeOf } from '../objects.js';
import { callOp } from '../operators.js';
import {
  type Kwargs,
  PyBuiltin,
  PyContextManager,
  PyList,
  PyModule,
  PyNdarray,
  PyTuple,
  type PyValue,
  TorchSize,
  PyClass,
  PyNativeObject,
} from '../values.js';
import { autogradGradFunction, convert, cpuDevice, setTensorFromData } from './tensor.js';
import { randomFunctions } from './random.js';

// ---------------------------------------------------------------- arguments

function dtypeArg(v: PyValue | undefined): DType | null {
  if (v === undefined || v === null) return null;
  if (v instanceof TorchDType) return v.dtype;
  throw pyError('TypeError', `dtype must be torch.dtype, not ${typeName(v)}`);
}

function boolArg(v: PyValue | undefined): boolean {
  return v !== undefined && v !== null && truthy(v);
}

/** Sizes given as `zeros(2, 3)`, `zeros((2, 3))`, `zeros([2, 3])` or `zeros(x.size())`. */
export function sizesArg(fname: string, args: readonly PyValue[]): number[] {
  const items = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? (args[0] as PyTuple).items : args;
  const sizes = items.map((v, i) => {
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof Tensor && v.numel === 1 && !isFloating(v.dtype)) return v.data[0];
    if (args.length === 1 && !(args[0] instanceof PyTuple || args[0] instanceof PyList)) {
      throw pyError('TypeError', `${fname}(): argument 'size' (position 1) must be tuple of SymInts, not ${typeName(v)}`);
    }
    throw pyError('TypeError', `${fname}(): argument 'size' must be tuple of SymInts, but found element of type ${typeName(v)} at pos ${i + 1}`);
  });
  const negative = sizes.find((n) => n < 0);
  if (negative !== undefined) throw pyError('RuntimeError', `Trying to create tensor with negative dimension ${negative}: [${sizes.join(', ')}]`);
  return sizes;
}

function finish(t: Tensor, requiresGrad: boolean): Tensor {
  if (requiresGrad) {
    if (!isFloating(t.dtype)) throw pyError('RuntimeError', 'Only Tensors of floating point and complex dtype can require gradients');
    t.requiresGrad = true;
  }
  return t;
}

/** A tensor of `shape` whose elements are `value` (rounded to the dtype). */
export function filled(shape: readonly number[], dtype: DType, value: number): Tensor {
  const data = allocate(dtype, numelOf(shape));
  const v = rounder(dtype)(value);
  if (v !== 0) data.fill(v);
  return new Tensor(data, shape.slice());
}

// ---------------------------------------------------------------- torch.tensor

type Category = 0 | 1 | 2; // bool, int, float

/** torch.tensor(data): nested lists of numbers (or one-element tensors), rectangular, dtype inferred. */
export function tensorFromData(data: PyValue, dtype: DType | null): Tensor {
  if (data instanceof Tensor) return convert(data.detach(), dtype ?? data.dtype).detachedCopy();
  if (data instanceof PyNdarray) return convertNdarray(data, dtype);
  const shape: number[] = [];
  // the shape from the first element at each level
  let probe = data;
  while (probe instanceof PyList || probe instanceof PyTuple) {
    shape.push(probe.items.length);
    if (probe.items.length === 0) break;
    probe = probe.items[0];
  }
  const values: number[] = [];
  let category: Category = 0;
  let anyElement = false;
  // walk level by level (no recursion), checking every sequence's length
  let level: PyValue[] = [data];
  for (let depth = 0; depth <= shape.length; depth++) {
    const next: PyValue[] = [];
    for (const item of level) {
      const isSequence = item instanceof PyList || item instanceof PyTuple;
      if (depth < shape.length) {
        if (!isSequence) throw pyError('ValueError', `expected sequence of length ${shape[depth]} at dim ${depth} (got ${typeName(item)})`);
        if ((item as PyList).items.length !== shape[depth]) {
          throw pyError('ValueError', `expected sequence of length ${shape[depth]} at dim ${depth} (got ${(item as PyList).items.length})`);
        }
        for (const child of (item as PyList).items) next.push(child);
        continue;
      }
      if (isSequence) throw pyError('ValueError', `expected sequence of length ${shape.length === 0 ? 0 : shape[shape.length - 1]} at dim ${depth} (got ${(item as PyList).items.length})`);
      anyElement = true;
      const [value, kind] = scalarElement(item);
      values.push(value);
      if (kind > category) category = kind;
    }
    level = next;
  }
  runtime.charge(values.length);
  const inferred: DType = !anyElement ? 'float32' : category === 2 ? 'float32' : category === 1 ? 'int64' : 'bool';
  const target = dtype ?? inferred;
  const storage = allocate(target, values.length);
  const round = rounder(target);
  for (let i = 0; i < values.length; i++) storage[i] = round(values[i]);
  return new Tensor(storage, shape);
}

function scalarElement(item: PyValue): [number, Category] {
  switch (typeof item) {
    case 'boolean':
      return [item ? 1 : 0, 0];
    case 'bigint':
      if (item >= 2n ** 63n || item < -(2n ** 63n)) throw pyError('RuntimeError', 'Overflow when unpacking long');
      return [Number(item), 1];
    case 'number':
      return [item, 2];
  }
  if (item instanceof Tensor) {
    if (item.numel !== 1) throw pyError('ValueError', 'only one element tensors can be converted to Python scalars');
    return [item.data[0], item.dtype === 'bool' ? 0 : item.dtype === 'int64' ? 1 : 2];
  }
  throw pyError('TypeError', `new(): invalid data type '${typeName(item)}'`);
}

function copyBuffer(a: PyNdarray): Float32Array | Float64Array | Uint8Array {
  return a.data.slice();
}

function convertNdarray(a: PyNdarray, dtype: DType | null): Tensor {
  const t = new Tensor(copyBuffer(a), a.shape.slice());
  return dtype === null ? t : convert(t, dtype);
}

// ---------------------------------------------------------------- creation functions

function creation(name: string, fill: number): PyBuiltin {
  return builtin(name, (args, kwargs) => {
    let dtype: DType | null = null;
    let requiresGrad = false;
    if (kwargs !== null) {
      for (const [key, value] of kwargs) {
        if (key === 'dtype') dtype = dtypeArg(value);
        else if (key === 'requires_grad') requiresGrad = boolArg(value);
        else if (key === 'size') args = [value];
        else if (key !== 'device' && key !== 'layout' && key !== 'pin_memory' && key !== 'out') {
          throw pyError('TypeError', `${name}() got an unexpected keyword argument '${key}'`);
        }
      }
    }
    return finish(filled(sizesArg(name, args), dtype ?? 'float32', fill), requiresGrad);
  });
}

function likeCreation(name: string, fill: number | null): PyBuiltin {
  return builtin(name, (args, kwargs) => {
    const params = fill === null ? ['input', 'fill_value', 'dtype=', 'layout=', 'device=', 'requires_grad=', 'memory_format='] : ['input', 'dtype=', 'layout=', 'device=', 'requires_grad=', 'memory_format='];
    const bound = parseArgs(name, params, args, kwargs);
    const input = bound[0];
    if (!(input instanceof Tensor)) throw pyError('TypeError', `${name}(): argument 'input' (position 1) must be Tensor, not ${typeName(input ?? null)}`);
    const value = fill ?? scalarElement(bound[1] as PyValue)[0];
    const dtype = dtypeArg(bound[fill === null ? 2 : 1]) ?? input.dtype;
    return finish(filled(input.shape, dtype, value), boolArg(bound[fill === null ? 5 : 4]));
  });
}

function full(args: PyValue[], kwargs: Kwargs): PyValue {
  const [size, fillValue, , dtype, , , requiresGrad] = parseArgs('full', ['size', 'fill_value', 'out=', 'dtype=', 'layout=', 'device=', 'requires_grad='], args, kwargs);
  const [value, category] = scalarElement(fillValue as PyValue);
  const inferred: DType = category === 2 ? 'float32' : category === 1 ? 'int64' : 'bool';
  return finish(filled(sizesArg('full', [size as PyValue]), dtypeArg(dtype) ?? inferred, value), boolArg(requiresGrad));
}

function eye(args: PyValue[], kwargs: Kwargs): PyValue {
  const [n, m, , dtype, , , requiresGrad] = parseArgs('eye', ['n', 'm=', 'out=', 'dtype=', 'layout=', 'device=', 'requires_grad='], args, kwargs);
  const rows = sizesArg('eye', [n as PyValue])[0];
  const cols = m === undefined || m === null ? rows : sizesArg('eye', [m])[0];
  const t = filled([rows, cols], dtypeArg(dtype) ?? 'float32', 0);
  const data = t.data;
  for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
  return finish(t, boolArg(requiresGrad));
}

function numberArg(v: PyValue, fname: string, what: string): [number, boolean] {
  if (typeof v === 'bigint') return [Number(v), true];
  if (typeof v === 'boolean') return [v ? 1 : 0, true];
  if (typeof v === 'number') return [v, false];
  if (v instanceof Tensor && v.numel === 1) return [v.data[0], !isFloating(v.dtype)];
  throw pyError('TypeError', `${fname}(): argument '${what}' must be Number, not ${typeName(v)}`);
}

function arange(args: PyValue[], kwargs: Kwargs): PyValue {
  let dtype: DType | null = null;
  let requiresGrad = false;
  const positional = args.slice();
  if (kwargs !== null) {
    for (const [key, value] of kwargs) {
      if (key === 'dtype') dtype = dtypeArg(value);
      else if (key === 'requires_grad') requiresGrad = boolArg(value);
      else if (key === 'start') positional.unshift(value);
      else if (key === 'end') positional.splice(positional.length === 0 ? 0 : 1, 0, value);
      else if (key === 'step') positional[2] = value;
      else if (key !== 'device' && key !== 'layout' && key !== 'out') throw pyError('TypeError', `arange() got an unexpected keyword argument '${key}'`);
    }
  }
  if (positional.length === 0 || positional.length > 3) throw pyError('TypeError', 'arange() received an invalid combination of arguments');
  const parts = positional.map((v, i) => numberArg(v, 'arange', ['start', 'end', 'step'][i]));
  const [start, end, step] = parts.length === 1 ? [[0, true] as [number, boolean], parts[0], [1, true] as [number, boolean]] : [parts[0], parts[1], parts[2] ?? [1, true]];
  const allInts = start[1] && end[1] && step[1];
  const target = dtype ?? (allInts ? 'int64' : 'float32');
  let t: Tensor;
  if (isFloating(target)) {
    t = arangeKernel(start[0], end[0], step[0], target);
  } else {
    if (step[0] === 0) throw pyError('RuntimeError', 'step must be nonzero');
    if ((step[0] > 0 && end[0] < start[0]) || (step[0] < 0 && end[0] > start[0])) {
      throw pyError('RuntimeError', 'upper bound and larger bound inconsistent with step sign');
    }
    const n = Math.ceil((end[0] - start[0]) / step[0]);
    const data = allocate(target, n);
    const round = rounder(target);
    for (let i = 0; i < n; i++) data[i] = round(start[0] + i * step[0]);
    t = new Tensor(data, [n]);
  }
  return finish(t, requiresGrad);
}

function linspace(args: PyValue[], kwargs: Kwargs): PyValue {
  const [start, end, steps, , dtype, , , requiresGrad] = parseArgs('linspace', ['start', 'end', 'steps', 'out=', 'dtype=', 'layout=', 'device=', 'requires_grad='], args, kwargs);
  const n = steps;
  if (typeof n !== 'bigint') throw pyError('TypeError', `linspace(): argument 'steps' (position 3) must be int, not ${typeName(n ?? null)}`);
  if (n < 0n) throw pyError('RuntimeError', 'number of steps must be non-negative');
  const target = dtypeArg(dtype) ?? 'float32';
  const t = linspaceKernel(numberArg(start as PyValue, 'linspace', 'start')[0], numberArg(end as PyValue, 'linspace', 'end')[0], Number(n), isFloating(target) ? target : 'float64');
  return finish(isFloating(target) ? t : convert(t, target), boolArg(requiresGrad));
}

function fromNumpy(args: PyValue[]): PyValue {
  const a = args[0];
  if (!(a instanceof PyNdarray)) throw pyError('TypeError', `expected np.ndarray (got ${typeName(a ?? null)})`);
  // shares memory with the array, as torch.from_numpy does
  return new Tensor(a.data, a.shape.slice());
}

// ---------------------------------------------------------------- comparisons of whole tensors

function asTensorPair(fname: string, a: PyValue, b: PyValue): [Tensor, Tensor] {
  if (!(a instanceof Tensor)) throw pyError('TypeError', `${fname}(): argument 'input' (position 1) must be Tensor, not ${typeName(a)}`);
  if (!(b instanceof Tensor)) throw pyError('TypeError', `${fname}(): argument 'other' (position 2) must be Tensor, not ${typeName(b)}`);
  return [a, b];
}

/** torch.isclose: |a - b| <= atol + rtol * |b| elementwise (broadcasting), in the promoted dtype. */
function isclose(args: PyValue[], kwargs: Kwargs): Tensor {
  const [a, b, rtol, atol, equalNan] = parseArgs('isclose', ['input', 'other', 'rtol=', 'atol=', 'equal_nan='], args, kwargs);
  const [x, y] = asTensorPair('isclose', a as PyValue, b as PyValue);
  if (x.dtype !== y.dtype) throw pyError('RuntimeError', `${x.dtype === 'float64' ? 'Double' : 'Float'} did not match ${y.dtype === 'float64' ? 'Double' : 'Float'}`);
  const r = rtol === undefined ? 1e-5 : numberArg(rtol, 'isclose', 'rtol')[0];
  const t = atol === undefined ? 1e-8 : numberArg(atol, 'isclose', 'atol')[0];
  const nanEqual = boolArg(equalNan);
  const shape = broadcastShapes(x.shape, y.shape);
  const xs = expandedValues(x, shape);
  const ys = expandedValues(y, shape);
  const round = rounder(x.dtype);
  const out = allocate('bool', xs.length);
  for (let i = 0; i < xs.length; i++) {
    const u = xs[i];
    const v = ys[i];
    if (u === v) out[i] = 1;
    else if (Number.isNaN(u) || Number.isNaN(v)) out[i] = nanEqual && Number.isNaN(u) && Number.isNaN(v) ? 1 : 0;
    else if (!Number.isFinite(u) || !Number.isFinite(v)) out[i] = 0;
    else out[i] = round(Math.abs(round(u - v))) <= round(t + round(r * Math.abs(v))) ? 1 : 0;
  }
  return new Tensor(out, shape);
}

function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw pyError('RuntimeError', `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${i}`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

function expandedValues(t: Tensor, shape: readonly number[]): ArrayLike<number> {
  const n = numelOf(shape);
  if (t.numel === n && t.shape.length === shape.length) return t.data;
  const data = t.data;
  const out = new Float64Array(n);
  const offset = shape.length - t.shape.length;
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let from = 0;
    for (let d = 0; d < t.shape.length; d++) if (t.shape[d] !== 1) from += index[d + offset] * strides[d];
    out[i] = data[from];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function allclose(args: PyValue[], kwargs: Kwargs): boolean {
  const close = isclose(args, kwargs);
  return close.data.every((v) => v !== 0);
}

function equal(args: PyValue[], kwargs: Kwargs): boolean {
  const [a, b] = parseArgs('equal', ['input', 'other'], args, kwargs);
  const [x, y] = asTensorPair('equal', a as PyValue, b as PyValue);
  if (x.shape.length !== y.shape.length || x.shape.some((n, i) => n !== y.shape[i])) return false;
  const xs = x.data;
  const ys = y.data;
  for (let i = 0; i < xs.length; i++) if (xs[i] !== ys[i]) return false;
  return true;
}

// ---------------------------------------------------------------- grad mode

function gradModeManager(typeName: string, enabled: boolean): PyContextManager {
  return new PyContextManager(typeName, (body) => withGradMode(enabled, body));
}

const noGradType = namedType('torch.autograd.grad_mode.no_grad');
const enableGradType = namedType('torch.autograd.grad_mode.enable_grad');
const setGradEnabledType = namedType('torch.autograd.grad_mode.set_grad_enabled');
for (const [type, enabled] of [
  [noGradType, false],
  [enableGradType, true],
] as const) {
  type.construct = (args) => {
    if (args.length > 0) throw pyError('TypeError', `${type.name}() takes no arguments`);
    return gradModeManager(type.qualifiedName, enabled);
  };
  // used as a decorator: @torch.no_grad()
  (type.dict as Map<string, PyValue>).set(
    '__call__',
    new PyBuiltin('__call__', ([, fn]) => new PyBuiltin('decorated', (args, kwargs) => withGradMode(enabled, () => activeInterpreter().call(fn, args, kwargs)))),
  );
}
setGradEnabledType.construct = (args) => {
  const [mode] = parseArgs('set_grad_enabled', ['mode'], args, null);
  return gradModeManager(setGradEnabledType.qualifiedName, truthy(mode as PyValue));
};

// ---------------------------------------------------------------- printing options

function setPrintoptions(args: PyValue[], kwargs: Kwargs): PyValue {
  const [precision, threshold, edgeitems, linewidth, profile, sciMode] = parseArgs(
    'set_printoptions',
    ['precision=', 'threshold=', 'edgeitems=', 'linewidth=', 'profile=', 'sci_mode='],
    args,
    kwargs,
  );
  const defaults: [PyValue | undefined, bigint][] = [
    [precision, 4n],
    [threshold, 1000n],
    [edgeitems, 3n],
    [linewidth, 80n],
  ];
  const changed = defaults.some(([v, d]) => v !== undefined && v !== null && v !== d) || (profile !== undefined && profile !== null && profile !== 'default') || (sciMode !== undefined && sciMode !== null);
  if (changed) throw pyError('NotImplementedError', 'torch.set_printoptions: only the default print options are supported');
  return null;
}

// ---------------------------------------------------------------- modules

function moduleOf(name: string, entries: [string, PyValue][]): PyModule {
  return new PyModule(name, new Map(entries));
}

function refusedFunction(name: string, reason: string): PyBuiltin {
  return builtin(name, () => {
    throw pyError('PermissionError', `${name}() is not available in this sandbox: ${reason}`);
  });
}

/** The ops of the table spelled in `module`, as built-in functions. */
function opFunctions(module: OpModule): [string, PyValue][] {
  const out: [string, PyValue][] = [];
  for (const op of OPS) {
    if (!modulesOf(op).includes(module)) continue;
    const name = op.pythonName ?? op.name;
    out.push([name, new PyBuiltin(name, (args, kwargs) => callOp(op, args, kwargs))]);
  }
  return out;
}

const dtypes: [string, PyValue][] = [
  ['float32', TorchDType.of('float32')],
  ['float', TorchDType.of('float32')],
  ['float64', TorchDType.of('float64')],
  ['double', TorchDType.of('float64')],
  ['int64', TorchDType.of('int64')],
  ['long', TorchDType.of('int64')],
  ['bool', TorchDType.of('bool')],
];

const generatorType = namedType('torch._C.Generator');
class Generator extends PyNativeObject {
  get type(): PyClass {
    return generatorType;
  }
}

function makeTorch(): Map<string, PyModule> {
  const functional = moduleOf('torch.nn.functional', opFunctions('torch.nn.functional'));
  const nn = moduleOf('torch.nn', [['functional', functional]]);
  const autogradFunctionModule = moduleOf('torch.autograd.function', [['Function', functionClass]]);
  const autograd = moduleOf('torch.autograd', [
    ['grad', builtin('grad', autogradGradFunction)],
    ['Function', functionClass],
    ['function', autogradFunctionModule],
    ['no_grad', noGradType],
    ['enable_grad', enableGradType],
    ['set_grad_enabled', setGradEnabledType],
  ]);
  const linalg = moduleOf('torch.linalg', opFunctions('torch.linalg'));
  const special = moduleOf('torch.special', opFunctions('torch.special'));
  const cuda = moduleOf('torch.cuda', [
    ['is_available', builtin('is_available', () => false)],
    ['device_count', builtin('device_count', () => 0n)],
  ]);
  const torchEntries: [string, PyValue][] = [
    ...opFunctions('torch'),
    ...dtypes,
    ['tensor', builtin('tensor', (args, kwargs) => {
      const [data, dtype, , requiresGrad] = parseArgs('tensor', ['data', 'dtype=', 'device=', 'requires_grad=', 'pin_memory='], args, kwargs);
      return finish(tensorFromData(data as PyValue, dtypeArg(dtype)), boolArg(requiresGrad));
    })],
    ['as_tensor', builtin('as_tensor', (args, kwargs) => {
      const [data, dtype] = parseArgs('as_tensor', ['data', 'dtype=', 'device='], args, kwargs);
      if (data instanceof Tensor) return convert(data, dtypeArg(dtype) ?? data.dtype);
      return tensorFromData(data as PyValue, dtypeArg(dtype));
    })],
    ['from_numpy', builtin('from_numpy', fromNumpy)],
    ['zeros', creation('zeros', 0)],
    ['ones', creation('ones', 1)],
    ['empty', creation('empty', 0)],
    ['full', builtin('full', full)],
    ['zeros_like', likeCreation('zeros_like', 0)],
    ['ones_like', likeCreation('ones_like', 1)],
    ['empty_like', likeCreation('empty_like', 0)],
    ['full_like', likeCreation('full_like', null)],
    ['eye', builtin('eye', eye)],
    ['arange', builtin('arange', arange)],
    ['linspace', builtin('linspace', linspace)],
    ['isclose', builtin('isclose', isclose)],
    ['allclose', builtin('allclose', allclose)],
    ['equal', builtin('equal', equal)],
    ['numel', builtin('numel', (args) => {
      const t = args[0];
      if (!(t instanceof Tensor)) throw pyError('TypeError', `numel(): argument 'input' (position 1) must be Tensor, not ${typeName(t ?? null)}`);
      return BigInt(t.numel);
    })],
    ['is_tensor', builtin('is_tensor', (args) => args[0] instanceof Tensor)],
    ['is_floating_point', builtin('is_floating_point', (args) => args[0] instanceof Tensor && isFloating(args[0].dtype))],
    ['is_grad_enabled', builtin('is_grad_enabled', () => isGradEnabled())],
    ['get_default_dtype', builtin('get_default_dtype', () => TorchDType.of('float32'))],
    ['set_default_dtype', builtin('set_default_dtype', () => {
      throw pyError('NotImplementedError', 'torch.set_default_dtype is not supported: the default dtype is float32');
    })],
    ['set_printoptions', builtin('set_printoptions', setPrintoptions)],
    ['no_grad', noGradType],
    ['enable_grad', enableGradType],
    ['set_grad_enabled', setGradEnabledType],
    ['inference_mode', noGradType],
    ['Tensor', tensorType],
    ['Size', sizeType],
    ['dtype', namedType('torch.dtype')],
    ['device', builtin('device', () => cpuDevice())],
    ['__version__', '1.13.0a0'],
    ['inf', Infinity],
    ['nan', NaN],
    ['e', Math.E],
    ['pi', Math.PI],
    ['autograd', autograd],
    ['nn', nn],
    ['linalg', linalg],
    ['special', special],
    ['cuda', cuda],
    ['load', refusedFunction('load', 'there is no file system')],
    ['save', refusedFunction('save', 'there is no file system')],
    ...randomFunctions(() => new Generator()),
  ];
  const torch = moduleOf('torch', torchEntries);
  return new Map([
    ['torch', torch],
    ['torch.nn', nn],
    ['torch.nn.functional', functional],
    ['torch.autograd', autograd],
    ['torch.autograd.function', autogradFunctionModule],
    ['torch.linalg', linalg],
    ['torch.special', special],
    ['torch.cuda', cuda],
  ]);
}

setTensorFromData(tensorFromData);

sizeType.construct = (args) => {
  const items = args.length === 0 ? [] : toArray(args[0]);
  for (const item of items) if (typeof item !== 'bigint') throw pyError('TypeError', `torch.Size() takes an iterable of 'int' (item 0 is '${typeName(item)}')`);
  return new TorchSize(items);
};

tensorType.construct = (args, kwargs) => {
  if (kwargs !== null && kwargs.size > 0) throw pyError('TypeError', 'new() received an invalid combination of arguments');
  if (args.length === 1 && (args[0] instanceof PyList || args[0] instanceof PyTuple) && !(args[0] instanceof TorchSize)) {
    return convert(tensorFromData(args[0], null), 'float32');
  }
  return filled(sizesArg('Tensor', args), 'float32', 0);
};

let torchModules: Map<string, PyModule> | null = null;

/** torch and its submodules, made once (modules are read-only, so runs share them). */
export function torchModules_(): Map<string, PyModule> {
  torchModules ??= makeTorch();
  return torchModules;
}

