/**
 * A minimal `numpy`: arrays (what `tensor.numpy()` gives and `torch.from_numpy` takes), their
 * printing, a few constructors and elementwise functions. Enough for plotting and printing in the
 * course's notebooks; anything else is an AttributeError naming what is missing.
 */
import { allocate, type DType, rounder } from '../../engine/dtype.js';
import { builtin, parseArgs, toFloatValue } from '../builtins.js';
import { pyError } from '../exceptions.js';
import { numpyArrayRepr, numpyArrayStr } from '../numpy_format.js';
import { namedType, ndarrayType, numpyDtypeType, runtime, tensorPrinting, toArray, typeName } from '../objects.js';
import { PyIterator, PyList, PyModule, PyNdarray, PyNumpyDtype, PyProperty, PyTuple, type PyValue, STOP } from '../values.js';
import { defineMethods } from '../builtins.js';
import { Tensor } from '../../engine/tensor.js';

type NumpyDtype = PyNdarray['dtype'];

function storageFor(dtype: NumpyDtype, n: number): PyNdarray['data'] {
  return allocate(dtype as DType, n);
}

/** np.array(data, dtype=None): nested lists of numbers; float64 unless all ints (int64) or bools. */
function arrayFrom(data: PyValue, dtype: NumpyDtype | null): PyNdarray {
  if (data instanceof PyNdarray) return dtype === null || dtype === data.dtype ? new PyNdarray(data.data.slice(), data.shape, data.dtype) : cast(data, dtype);
  if (data instanceof Tensor) {
    if (data.requiresGrad) throw pyError('RuntimeError', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    const a = new PyNdarray(data.data.slice(), data.shape.slice(), data.dtype);
    return dtype === null ? a : cast(a, dtype);
  }
  const shape: number[] = [];
  let probe = data;
  while (probe instanceof PyList || probe instanceof PyTuple) {
    shape.push(probe.items.length);
    if (probe.items.length === 0) break;
    probe = probe.items[0];
  }
  const flat: PyValue[] = [];
  let level: PyValue[] = [data];
  for (let depth = 0; depth < shape.length; depth++) {
    const next: PyValue[] = [];
    for (const item of level) {
      if (!(item instanceof PyList || item instanceof PyTuple) || item.items.length !== shape[depth]) {
        throw pyError('ValueError', 'setting an array element with a sequence. The requested array has an inhomogeneous shape');
      }
      next.push(...item.items);
    }
    level = next;
  }
  flat.push(...level);
  runtime.charge(flat.length);
  let kind = 'bool' as NumpyDtype;
  for (const v of flat) {
    if (typeof v === 'number') kind = 'float64';
    else if (typeof v === 'bigint' && kind === 'bool') kind = 'int64';
    else if (v instanceof Tensor) kind = v.dtype === 'float32' && kind !== 'float64' ? 'float32' : 'float64';
    else if (typeof v !== 'boolean' && typeof v !== 'bigint') throw pyError('TypeError', `unsupported element of type '${typeName(v)}' for np.array in this sandbox`);
  }
  if (flat.length === 0) kind = 'float64';
  const target = dtype ?? kind;
  const out = storageFor(target, flat.length);
  const round = rounder(target as DType);
  flat.forEach((v, i) => (out[i] = round(v instanceof Tensor ? v.data[0] : toFloatValue(v))));
  return new PyNdarray(out, shape, target);
}

function cast(a: PyNdarray, dtype: NumpyDtype): PyNdarray {
  const out = storageFor(dtype, a.data.length);
  const round = rounder(dtype as DType);
  for (let i = 0; i < a.data.length; i++) out[i] = round(a.data[i]);
  return new PyNdarray(out, a.shape, dtype);
}

function dtypeArg(v: PyValue | undefined): NumpyDtype | null {
  if (v === undefined || v === null) return null;
  if (v instanceof PyNumpyDtype) return v.name as NumpyDtype;
  if (typeof v === 'string' && ['float32', 'float64', 'int64', 'bool'].includes(v)) return v as NumpyDtype;
  if (v === floatClass) return 'float64';
  throw pyError('TypeError', `data type ${typeof v === 'string' ? `'${v}'` : typeName(v)} not understood`);
}

const floatClass = namedType('float');

// ---------------------------------------------------------------- printing

export function ndarrayStr(a: PyNdarray): string {
  return numpyArrayStr(a);
}

export function ndarrayRepr(a: PyNdarray): string {
  return numpyArrayRepr(a);
}

tensorPrinting.ndarrayRepr = ndarrayRepr;
tensorPrinting.ndarrayStr = ndarrayStr;

// ---------------------------------------------------------------- the array type

const ndarrayDict = ndarrayType.dict as Map<string, PyValue>;
ndarrayDict.set('shape', new PyProperty((self) => new PyTuple((self as PyNdarray).shape.map(BigInt))));
ndarrayDict.set('dtype', new PyProperty((self) => new PyNumpyDtype((self as PyNdarray).dtype)));
ndarrayDict.set('ndim', new PyProperty((self) => BigInt((self as PyNdarray).shape.length)));
ndarrayDict.set('size', new PyProperty((self) => BigInt((self as PyNdarray).data.length)));

function elementOf(a: PyNdarray, v: number): PyValue {
  return a.dtype === 'int64' ? BigInt(v) : a.dtype === 'bool' ? v !== 0 : v;
}

defineMethods(ndarrayType, {
  tolist: (self) => {
    const a = self as PyNdarray;
    const items = Array.from(a.data, (v) => elementOf(a, v));
    if (a.shape.length === 0) return items[0];
    let level: PyValue[] = items;
    for (let d = a.shape.length - 1; d >= 1; d--) {
      const size = a.shape[d];
      const grouped: PyValue[] = [];
      for (let g = 0; g < level.length / size; g++) grouped.push(new PyList(level.slice(g * size, (g + 1) * size)));
      level = grouped;
    }
    return new PyList(level);
  },
  astype: (self, args) => cast(self as PyNdarray, dtypeArg(args[0]) ?? 'float64'),
  copy: (self) => {
    const a = self as PyNdarray;
    return new PyNdarray(a.data.slice(), a.shape, a.dtype);
  },
  __len__: (self) => {
    const a = self as PyNdarray;
    if (a.shape.length === 0) throw pyError('TypeError', 'len() of unsized object');
    return BigInt(a.shape[0]);
  },
  __iter__: (self) => {
    const a = self as PyNdarray;
    if (a.shape.length !== 1) throw pyError('NotImplementedError', 'iterating over numpy arrays of more than one dimension is not supported');
    let i = 0;
    return new PyIterator('iterator', () => (i < a.data.length ? elementOf(a, a.data[i++]) : STOP));
  },
  __getitem__: (self, args) => {
    const a = self as PyNdarray;
    const index = args[0];
    if (a.shape.length === 1 && typeof index === 'bigint') {
      let i = Number(index);
      if (i < 0) i += a.shape[0];
      if (i < 0 || i >= a.shape[0]) throw pyError('IndexError', `index ${index} is out of bounds for axis 0 with size ${a.shape[0]}`);
      return elementOf(a, a.data[i]);
    }
    throw pyError('NotImplementedError', 'numpy indexing beyond a single element of a 1-D array is not supported');
  },
  __float__: (self) => {
    const a = self as PyNdarray;
    if (a.data.length !== 1) throw pyError('TypeError', 'only size-1 arrays can be converted to Python scalars');
    return Number(a.data[0]);
  },
});

defineMethods(numpyDtypeType, {
  __eq__: (self, args) => {
    const other = args[0];
    const name = (self as PyNumpyDtype).name;
    return (other instanceof PyNumpyDtype && other.name === name) || other === name;
  },
});

// ---------------------------------------------------------------- the module

function linspace(args: PyValue[], kwargs: Parameters<typeof parseArgs>[3]): PyValue {
  const [start, stop, num, endpoint] = parseArgs('linspace', ['start', 'stop', 'num=', 'endpoint=', 'retstep=', 'dtype=', 'axis='], args, kwargs);
  const n = num === undefined ? 50 : Number(num);
  const a = toFloatValue(start as PyValue);
  const b = toFloatValue(stop as PyValue);
  const closed = endpoint === undefined || endpoint === true;
  const div = closed ? n - 1 : n;
  const step = div > 0 ? (b - a) / div : NaN;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = div > 0 ? a + i * step : a;
  if (closed && n > 1) out[n - 1] = b;
  return new PyNdarray(out, [n], 'float64');
}

function arange(args: PyValue[]): PyValue {
  const nums = args.map((v) => (typeof v === 'bigint' ? Number(v) : toFloatValue(v)));
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  const allInts = args.every((v) => typeof v === 'bigint');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype: NumpyDtype = allInts ? 'int64' : 'float64';
  const out = storageFor(dtype, n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return new PyNdarray(out, [n], dtype);
}

function filledArray(value: number) {
  return (args: PyValue[], kwargs: Parameters<typeof parseArgs>[3]): PyValue => {
    const [shape, dtype] = parseArgs('zeros', ['shape', 'dtype='], args, kwargs);
    const dims = shape instanceof PyTuple || shape instanceof PyList ? toArray(shape).map(Number) : [Number(shape)];
    const n = dims.reduce((p, d) => p * d, 1);
    const target = dtypeArg(dtype) ?? 'float64';
    const out = storageFor(target, n);
    out.fill(value);
    return new PyNdarray(out, dims, target);
  };
}

function elementwise(name: string, fn: (x: number) => number) {
  return builtin(name, (args) => {
    const x = args[0];
    if (x instanceof PyNdarray) {
      const dtype: NumpyDtype = x.dtype === 'float32' ? 'float32' : 'float64';
      const out = storageFor(dtype, x.data.length);
      const round = rounder(dtype);
      for (let i = 0; i < x.data.length; i++) out[i] = round(fn(x.data[i]));
      return new PyNdarray(out, x.shape, dtype);
    }
    return fn(toFloatValue(x));
  });
}

let numpyModule: PyModule | null = null;

export function makeNumpy(): PyModule {
  if (numpyModule !== null) return numpyModule;
  const entries: [string, PyValue][] = [
    ['array', builtin('array', (args, kwargs) => {
      const [data, dtype] = parseArgs('array', ['object', 'dtype='], args, kwargs);
      return arrayFrom(data as PyValue, dtypeArg(dtype));
    })],
    ['asarray', builtin('asarray', (args, kwargs) => {
      const [data, dtype] = parseArgs('asarray', ['a', 'dtype='], args, kwargs);
      if (data instanceof PyNdarray && (dtype === undefined || dtype === null)) return data;
      return arrayFrom(data as PyValue, dtypeArg(dtype));
    })],
    ['linspace', builtin('linspace', linspace)],
    ['arange', builtin('arange', arange)],
    ['zeros', builtin('zeros', filledArray(0))],
    ['ones', builtin('ones', filledArray(1))],
    ['float32', new PyNumpyDtype('float32')],
    ['float64', new PyNumpyDtype('float64')],
    ['int64', new PyNumpyDtype('int64')],
    ['__version__', '1.24.2'],
    ['pi', Math.PI],
    ['e', Math.E],
    ['inf', Infinity],
    ['nan', NaN],
    ['ndarray', ndarrayType],
    ['sin', elementwise('sin', Math.sin)],
    ['cos', elementwise('cos', Math.cos)],
    ['tan', elementwise('tan', Math.tan)],
    ['exp', elementwise('exp', Math.exp)],
    ['log', elementwise('log', Math.log)],
    ['sqrt', elementwise('sqrt', Math.sqrt)],
    ['abs', elementwise('abs', Math.abs)],
    ['tanh', elementwise('tanh', Math.tanh)],
    ['load', builtin('load', () => {
      throw pyError('PermissionError', 'load() is not available in this sandbox: there is no file system');
    })],
    ['save', builtin('save', () => {
      throw pyError('PermissionError', 'save() is not available in this sandbox: there is no file system');
    })],
    ['loadtxt', builtin('loadtxt', () => {
      throw pyError('PermissionError', 'loadtxt() is not available in this sandbox: there is no file system');
    })],
  ];
  numpyModule = new PyModule('numpy', new Map(entries));
  return numpyModule;
}

// ---------------------------------------------------------------- arithmetic

const ARITHMETIC: Partial<Record<string, (x: number, y: number) => number>> = {
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mult: (x, y) => x * y,
  Div: (x, y) => x / y,
  Pow: (x, y) => Math.pow(x, y),
};

const COMPARISONS: Partial<Record<string, (x: number, y: number) => boolean>> = {
  Eq: (x, y) => x === y,
  NotEq: (x, y) => x !== y,
  Lt: (x, y) => x < y,
  LtE: (x, y) => x <= y,
  Gt: (x, y) => x > y,
  GtE: (x, y) => x >= y,
};

/** Both operands as arrays of the result's shape (a Python number or a same-shaped array). */
function operandsOf(a: PyValue, b: PyValue, name: string): [ArrayLike<number>, ArrayLike<number>, readonly number[], NumpyDtype[]] {
  const arrays = [a, b].filter((v): v is PyNdarray => v instanceof PyNdarray);
  const shape = arrays[0].shape;
  const values = (v: PyValue): ArrayLike<number> => {
    if (v instanceof PyNdarray) {
      if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i])) {
        throw pyError('NotImplementedError', `numpy ${name} of arrays of different shapes is not supported here`);
      }
      return v.data;
    }
    const x = typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' ? toFloatValue(v) : null;
    if (x === null) throw pyError('TypeError', `unsupported operand type(s) for ${name}: '${typeName(a)}' and '${typeName(b)}'`);
    return new Float64Array(arrays[0].data.length).fill(x);
  };
  return [values(a), values(b), shape, arrays.map((x) => x.dtype)];
}

runtime.ndarrayOp = (op, a, b) => {
  const fn = ARITHMETIC[op];
  if (fn === undefined) throw pyError('NotImplementedError', `the numpy operator ${op} is not supported here`);
  const [x, y, shape, dtypes] = operandsOf(a, b, op);
  const scalarFloat = [a, b].some((v) => typeof v === 'number');
  const dtype: NumpyDtype = dtypes.every((d) => d === 'float32') ? 'float32' : dtypes.every((d) => d === 'int64') && !scalarFloat && op !== 'Div' ? 'int64' : 'float64';
  const out = storageFor(dtype, x.length);
  const round = rounder(dtype as DType);
  for (let i = 0; i < x.length; i++) out[i] = round(fn(x[i], y[i]));
  return new PyNdarray(out, shape, dtype);
};

runtime.ndarrayCompare = (op, a, b) => {
  const fn = COMPARISONS[op];
  if (fn === undefined) throw pyError('NotImplementedError', `the numpy comparison ${op} is not supported here`);
  const [x, y, shape] = operandsOf(a, b, op);
  const out = storageFor('bool', x.length);
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i], y[i]) ? 1 : 0;
  return new PyNdarray(out, shape, 'bool');
};
