/**
 * The object protocols every Python value answers to: its type, repr/str, truth, equality and
 * hashing, attribute lookup, iteration, length and indexing. Built-in types are `PyClass` objects
 * whose `dict` holds their methods (filled by builtins.ts and the modules); programs' own classes
 * take part through the same lookups (`__repr__`, `__getitem__`, `__len__`, ... found on the type).
 */
import { Node as GradNode } from '../engine/autograd.js';
import { NamedTuple, TorchDType } from '../engine/op.js';
import { Tensor } from '../engine/tensor.js';
import { nearestName } from '../nearest.js';
import { pyError } from './exceptions.js';
import { floatRepr, intRepr, strRepr } from './format.js';
import {
  type Kwargs,
  type Next,
  PyBoundMethod,
  PyBuiltin,
  PyClass,
  PyClassMethod,
  PyContextManager,
  PyDict,
  PyException,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  PyNativeObject,
  PyNdarray,
  PyNumpyDtype,
  PyObject,
  PyProperty,
  PyRange,
  PySet,
  PySingleton,
  PySlice,
  PyStaticMethod,
  PyTuple,
  type PyValue,
  STOP,
  TorchSize,
} from './values.js';

/** Calls into the interpreter (set by interpreter.ts): protocols call programs' methods through it. */
export const runtime: {
  call(callable: PyValue, args: PyValue[], kwargs: Kwargs): PyValue;
  /** Counts one unit of work per element a protocol walks (a long list's repr, a comparison). */
  charge(units: number): void;
  /** `'%d items' % n` (the formatting library). */
  percentFormat(format: string, args: PyValue): PyValue;
  /** `format(value, spec)`: f-string fields and str.format. */
  format(value: PyValue, spec: string): string;
  /** Arithmetic and comparisons with a numpy array operand (the numpy module). */
  ndarrayOp(op: string, a: PyValue, b: PyValue): PyValue;
  ndarrayCompare(op: string, a: PyValue, b: PyValue): PyValue;
} = {
  call: notLoaded,
  charge: () => {},
  percentFormat: notLoaded,
  format: notLoaded,
  ndarrayOp: notLoaded,
  ndarrayCompare: notLoaded,
};

function notLoaded(): never {
  throw new Error('the interpreter is not loaded');
}

// ---------------------------------------------------------------- built-in types

export const objectType = new PyClass('object', 'builtins', []);

function builtinType(name: string, bases: PyClass[] = [objectType], module = 'builtins'): PyClass {
  return new PyClass(name, module, bases);
}

export const typeType = builtinType('type');
export const intType = builtinType('int');
export const boolType = builtinType('bool', [intType]);
export const floatType = builtinType('float');
export const strType = builtinType('str');
export const listType = builtinType('list');
export const tupleType = builtinType('tuple');
export const dictType = builtinType('dict');
export const setType = builtinType('set');
export const frozensetType = builtinType('frozenset');
export const rangeType = builtinType('range');
export const sliceType = builtinType('slice');
export const noneType = builtinType('NoneType');
export const functionType = builtinType('function');
export const builtinFunctionType = builtinType('builtin_function_or_method');
export const methodType = builtinType('method');
export const moduleType = builtinType('module');
export const staticmethodType = builtinType('staticmethod');
export const classmethodType = builtinType('classmethod');
export const propertyType = builtinType('property');
export const tensorType = builtinType('Tensor', [objectType], 'torch');
export const sizeType = builtinType('Size', [tupleType], 'torch');
export const dtypeType = builtinType('dtype', [objectType], 'torch');
export const ndarrayType = builtinType('ndarray', [objectType], 'numpy');
export const numpyDtypeType = builtinType('dtype', [objectType], 'numpy');

const otherTypes = new Map<string, PyClass>();

/** A type known only by name (iterators, grad_fn nodes, named tuples, context managers), made once. */
export function namedType(qualifiedName: string, bases: PyClass[] = [objectType]): PyClass {
  let cls = otherTypes.get(qualifiedName);
  if (cls === undefined) {
    const dot = qualifiedName.lastIndexOf('.');
    cls = dot < 0 ? builtinType(qualifiedName, bases) : builtinType(qualifiedName.slice(dot + 1), bases, qualifiedName.slice(0, dot));
    otherTypes.set(qualifiedName, cls);
  }
  return cls;
}

/** What every grad_fn node answers to (`name()`, `next_functions`): torch.autograd.graph.Node. */
export const gradNodeBase = builtinType('Node', [objectType], 'torch.autograd.graph');

/** Nodes made by a program's autograd.Function (printed `<torch.autograd.function.SQBackward ...>`). */
export const customNodes = new WeakSet<GradNode>();

export function gradNodeTypeName(node: GradNode): string {
  return customNodes.has(node) ? `torch.autograd.function.${node.name}` : node.name;
}

export function typeOf(v: PyValue): PyClass {
  switch (typeof v) {
    case 'bigint':
      return intType;
    case 'number':
      return floatType;
    case 'string':
      return strType;
    case 'boolean':
      return boolType;
  }
  if (v === null) return noneType;
  if (v instanceof Tensor) return tensorType;
  if (v instanceof PyInstance) return v.cls;
  if (v instanceof PyList) return listType;
  if (v instanceof TorchSize) return sizeType;
  if (v instanceof PyTuple) return tupleType;
  if (v instanceof PyDict) return dictType;
  if (v instanceof PyFunction) return functionType;
  if (v instanceof PyBoundMethod) return v.func instanceof PyBuiltin ? builtinFunctionType : methodType;
  if (v instanceof PyBuiltin) return builtinFunctionType;
  if (v instanceof PyClass) return typeType;
  if (v instanceof PyModule) return moduleType;
  if (v instanceof PyRange) return rangeType;
  if (v instanceof PySlice) return sliceType;
  if (v instanceof PySet) return v.frozen ? frozensetType : setType;
  if (v instanceof TorchDType) return dtypeType;
  if (v instanceof GradNode) return namedType(gradNodeTypeName(v), [gradNodeBase]);
  if (v instanceof NamedTuple) return namedType(v.typeName, [tupleType]);
  if (v instanceof PyNdarray) return ndarrayType;
  if (v instanceof PyNumpyDtype) return numpyDtypeType;
  if (v instanceof PyIterator) return namedType(v.typeName);
  if (v instanceof PyContextManager) return namedType(v.typeName);
  if (v instanceof PyStaticMethod) return staticmethodType;
  if (v instanceof PyClassMethod) return classmethodType;
  if (v instanceof PyProperty) return propertyType;
  if (v instanceof PySingleton) return namedType(v.typeName);
  if (v instanceof PyNativeObject) return v.type;
  throw new Error(`not a Python value: ${String(v)}`);
}

/** `type(v).__name__` */
export function typeName(v: PyValue): string {
  return typeOf(v).name;
}

export function isInstance(v: PyValue, cls: PyClass): boolean {
  const t = typeOf(v);
  return t === cls || t.mro.includes(cls);
}

// ---------------------------------------------------------------- addresses

const addresses = new WeakMap<object, string>();
/** The address's low 32 bits (its high part is fixed): a number below 2^32 prints in hex ~8× faster than a larger one. */
let nextAddressLow = 0x1c000000;

/** A stable made-up address per object, as CPython prints them (`0x7f3a1c000070`). */
export function addressOf(obj: object): string {
  let address = addresses.get(obj);
  if (address === undefined) {
    nextAddressLow += 0x70;
    // wraps after ~38 million addresses: far more objects than one run can print
    if (nextAddressLow > 0xfffffff0) nextAddressLow = 0x1c000070;
    address = '0x7f3a' + nextAddressLow.toString(16);
    addresses.set(obj, address);
  }
  return address;
}

// ---------------------------------------------------------------- repr and str

/** Containers nested deeper than this are refused, as CPython's repr refuses deep recursion. */
const MAX_REPR_DEPTH = 1000;
let reprDepth = 0;
/** Containers being printed: a list that contains itself prints `[...]`. */
const reprActive = new Set<object>();

export function repr(v: PyValue): string {
  switch (typeof v) {
    case 'string':
      return strRepr(v);
    case 'bigint':
      checkIntDigits(v);
      return intRepr(v);
    case 'number':
      return floatRepr(v);
    case 'boolean':
      return v ? 'True' : 'False';
  }
  if (v === null) return 'None';
  if (v instanceof Tensor) return tensorRepr(v);
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet || v instanceof NamedTuple) {
    return containerRepr(v);
  }
  if (v instanceof PyNativeObject) {
    const custom = v.type.lookup('__repr__');
    if (custom !== undefined) return expectString(runtime.call(custom, [v], null), '__repr__');
  }
  if (v instanceof PyInstance) {
    if (v instanceof PyException && !v.cls.lookup('__repr__')) return exceptionRepr(v);
    const custom = v.cls.lookup('__repr__');
    if (custom !== undefined) return expectString(runtime.call(custom, [v], null), '__repr__');
    return `<${v.cls.qualifiedName} object at ${addressOf(v)}>`;
  }
  return objectRepr(v);
}

const DIGITS_LIMIT = 10n ** 4300n;

/** CPython 3.11 refuses to write an int of more than 4300 decimal digits (and the conversion is slow). */
export function checkIntDigits(n: bigint): void {
  if (n >= DIGITS_LIMIT || n <= -DIGITS_LIMIT) {
    throw pyError('ValueError', 'Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit');
  }
}

/** Tensor repr, provided by the torch module (kept in one place with the tensor's other printing). */
export const tensorPrinting: { repr(t: Tensor): string; ndarrayRepr(a: PyNdarray): string; ndarrayStr(a: PyNdarray): string } = {
  repr: () => 'tensor(...)',
  ndarrayRepr: () => 'array(...)',
  ndarrayStr: () => '[...]',
};

function tensorRepr(t: Tensor): string {
  return tensorPrinting.repr(t);
}

function expectString(v: PyValue, method: string): string {
  if (typeof v !== 'string') throw pyError('TypeError', `${method} returned non-string (type ${typeName(v)})`);
  return v;
}

function containerRepr(v: PyList | PyTuple | PyDict | PySet | NamedTuple): string {
  if (reprActive.has(v)) {
    if (v instanceof PyList) return '[...]';
    if (v instanceof PyDict) return '{...}';
    return '(...)';
  }
  if (reprDepth >= MAX_REPR_DEPTH) throw pyError('RecursionError', 'maximum recursion depth exceeded while getting the repr of an object');
  reprDepth++;
  reprActive.add(v);
  try {
    if (v instanceof PyList) {
      runtime.charge(v.items.length);
      return '[' + v.items.map(repr).join(', ') + ']';
    }
    if (v instanceof TorchSize) return 'torch.Size([' + v.items.map(repr).join(', ') + '])';
    if (v instanceof PyTuple) {
      runtime.charge(v.items.length);
      return v.items.length === 1 ? `(${repr(v.items[0])},)` : '(' + v.items.map(repr).join(', ') + ')';
    }
    if (v instanceof PyDict) {
      runtime.charge(v.entries.size);
      const parts: string[] = [];
      for (const [key, value] of v.entries.values()) parts.push(`${repr(key)}: ${repr(value)}`);
      return '{' + parts.join(', ') + '}';
    }
    if (v instanceof PySet) {
      const items = [...v.entries.values()].map(repr);
      if (v.frozen) return items.length === 0 ? 'frozenset()' : `frozenset({${items.join(', ')}})`;
      return items.length === 0 ? 'set()' : '{' + items.join(', ') + '}';
    }
    // torch.return_types.max(\nvalues=tensor(...),\nindices=tensor(...))
    return `${v.typeName}(\n` + v.fields.map((f, i) => `${f}=${repr(fromOpValue(v.values[i]))}`).join(',\n') + ')';
  } finally {
    reprActive.delete(v);
    reprDepth--;
  }
}

/** Values inside engine results (NamedTuple fields, arrays) as Python values. */
export function fromOpValue(v: unknown): PyValue {
  if (Array.isArray(v)) return new PyTuple(v.map(fromOpValue));
  return v as PyValue;
}

function exceptionRepr(e: PyException): string {
  const args = e.args.length === 1 ? repr(e.args[0]) : e.args.map(repr).join(', ');
  return `${e.cls.name}(${args})`;
}

function objectRepr(v: PyValue): string {
  if (v instanceof GradNode) return `<${gradNodeTypeName(v)} object at ${addressOf(v)}>`;
  if (v instanceof TorchDType) return `torch.${v.dtype}`;
  if (v instanceof PyFunction) return `<function ${v.qualname} at ${addressOf(v)}>`;
  if (v instanceof PyBuiltin) return v.owner === null ? `<built-in function ${v.name}>` : `<method '${v.name}' of '${v.owner}' objects>`;
  if (v instanceof PyBoundMethod) {
    if (v.func instanceof PyBuiltin) {
      if (v.self instanceof PyModule) return `<built-in function ${v.func.name}>`;
      return `<built-in method ${v.func.name} of ${typeName(v.self)} object at ${addressOf(v.self as object)}>`;
    }
    return `<bound method ${v.func.qualname} of ${repr(v.self)}>`;
  }
  if (v instanceof PyClass) return `<class '${v.qualifiedName}'>`;
  if (v instanceof PyModule) return `<module '${v.name}'>`;
  if (v instanceof PyRange) return v.step === 1n ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PySlice) return `slice(${repr(v.start)}, ${repr(v.stop)}, ${repr(v.step)})`;
  if (v instanceof PyNdarray) return tensorPrinting.ndarrayRepr(v);
  if (v instanceof PyNumpyDtype) return `dtype('${v.name}')`;
  if (v instanceof PyStaticMethod) return `<staticmethod(${repr(v.func)})>`;
  if (v instanceof PyClassMethod) return `<classmethod(${repr(v.func)})>`;
  if (v instanceof PySingleton) return v.repr;
  if (v instanceof PyObject) return `<${typeOf(v).qualifiedName} object at ${addressOf(v)}>`;
  throw new Error(`not a Python value: ${String(v)}`);
}

export function str(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyException) {
    const custom = v.cls.lookup('__str__');
    if (custom !== undefined) return expectString(runtime.call(custom, [v], null), '__str__');
    return exceptionMessage(v);
  }
  if (v instanceof PyInstance) {
    const custom = v.cls.lookup('__str__');
    if (custom !== undefined) return expectString(runtime.call(custom, [v], null), '__str__');
    return repr(v);
  }
  if (v instanceof PyNdarray) return tensorPrinting.ndarrayStr(v);
  if (v instanceof PyNumpyDtype) return v.name;
  if (v instanceof PyNativeObject) {
    const custom = v.type.lookup('__str__');
    if (custom !== undefined) return expectString(runtime.call(custom, [v], null), '__str__');
  }
  return repr(v);
}

/** `str(exception)`: its one argument, nothing for none, the tuple of several (KeyError shows repr). */
export function exceptionMessage(e: PyException): string {
  if (e.args.length === 0) return '';
  if (e.args.length === 1) {
    const arg = e.args[0];
    return e.cls.name === 'KeyError' ? repr(arg) : str(arg);
  }
  return repr(new PyTuple(e.args));
}

// ---------------------------------------------------------------- truth, length

export function truthy(v: PyValue): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
  }
  if (v === null) return false;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.entries.size > 0;
  if (v instanceof PySet) return v.entries.size > 0;
  if (v instanceof PyRange) return v.length > 0n;
  if (v instanceof PyInstance) {
    const bool = v.cls.lookup('__bool__');
    if (bool !== undefined) return truthy(runtime.call(bool, [v], null));
    const len = v.cls.lookup('__len__');
    if (len !== undefined) return truthy(runtime.call(len, [v], null));
    return true;
  }
  const special = typeOf(v).lookup('__bool__');
  if (special !== undefined) return truthy(runtime.call(special, [v], null));
  return true;
}

export function length(v: PyValue): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict || v instanceof PySet) return v.entries.size;
  if (v instanceof PyRange) return Number(v.length);
  if (v instanceof NamedTuple) return v.values.length;
  const special = typeOf(v).lookup('__len__');
  if (special !== undefined) {
    const n = runtime.call(special, [v], null);
    if (typeof n !== 'bigint') throw pyError('TypeError', `'${typeName(n)}' object cannot be interpreted as an integer`);
    return Number(n);
  }
  throw pyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

// ---------------------------------------------------------------- equality and hashing

/** A Python number as something comparable exactly: bool and int as bigint, float as number. */
function numeric(v: PyValue): bigint | number | null {
  switch (typeof v) {
    case 'bigint':
    case 'number':
      return v;
    case 'boolean':
      return v ? 1n : 0n;
  }
  return null;
}

/** `a == b` for values whose equality is a bool (tensors compare elementwise elsewhere). */
export function equals(a: PyValue, b: PyValue): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
  const na = numeric(a);
  if (na !== null) {
    const nb = numeric(b);
    // JS compares bigint with number exactly, as Python compares int with float.
    return nb !== null && na == nb; // eslint-disable-line eqeqeq
  }
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (a instanceof PyList) return b instanceof PyList && sequenceEquals(a.items, b.items);
  if (a instanceof PyTuple) return b instanceof PyTuple && sequenceEquals(a.items, b.items);
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.entries.size !== b.entries.size) return false;
    for (const [key, [, value]] of a.entries) {
      const other = b.entries.get(key);
      if (other === undefined || !equals(value, other[1])) return false;
    }
    return true;
  }
  if (a instanceof PySet) {
    if (!(b instanceof PySet) || a.entries.size !== b.entries.size) return false;
    for (const key of a.entries.keys()) if (!b.entries.has(key)) return false;
    return true;
  }
  if (a instanceof PyRange) {
    if (!(b instanceof PyRange)) return false;
    const n = a.length;
    if (n !== b.length) return false;
    return n === 0n || (a.start === b.start && (n === 1n || a.step === b.step));
  }
  if (a instanceof PyInstance) {
    const eq = a.cls.lookup('__eq__');
    if (eq !== undefined) return truthy(runtime.call(eq, [a, b], null));
  }
  if (a instanceof PyBoundMethod && b instanceof PyBoundMethod) return a.func === b.func && a.self === b.self;
  return false;
}

function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  if (a.length !== b.length) return false;
  runtime.charge(a.length);
  for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
  return true;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

/**
 * The dict/set key of a value: equal values (1, 1.0, True) get the same key; objects hash by
 * identity; lists, dicts and sets are unhashable.
 */
export function keyOf(v: PyValue): unknown {
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : `#int:${v}`;
    case 'number':
      return Number.isInteger(v) && !Number.isSafeInteger(v) ? `#int:${BigInt(v)}` : Object.is(v, -0) ? 0 : v;
    case 'boolean':
      return v ? 1 : 0;
  }
  if (v === null) return v;
  if (v instanceof PyTuple) return '#tuple:' + v.items.map(tupleKeyPart).join(',');
  if (v instanceof PyList || v instanceof PyDict || (v instanceof PySet && !v.frozen)) {
    throw pyError('TypeError', `unhashable type: '${typeName(v)}'`);
  }
  if (v instanceof PySet) return '#frozenset:' + [...v.entries.keys()].map((k) => tupleKeyPart(k as PyValue)).sort().join(',');
  if (v instanceof PyInstance && v.cls.lookup('__eq__') !== undefined && v.cls.lookup('__hash__') === undefined) {
    throw pyError('TypeError', `unhashable type: '${typeName(v)}'`);
  }
  return v;
}

function tupleKeyPart(v: PyValue): string {
  const key = keyOf(v);
  switch (typeof key) {
    case 'string':
      return JSON.stringify(key);
    case 'number':
      return String(key);
    case 'object':
      return key === null ? 'None' : `#id:${objectId(key as object)}`;
    default:
      return String(key);
  }
}

// ---------------------------------------------------------------- ordering

type Ordering = 'Lt' | 'LtE' | 'Gt' | 'GtE';
const SYMBOL: Record<Ordering, string> = { Lt: '<', LtE: '<=', Gt: '>', GtE: '>=' };

/** `a < b` and friends for numbers, strings, lists and tuples (tensors compare elsewhere). */
export function compare(op: Ordering, a: PyValue, b: PyValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== null && nb !== null) {
    switch (op) {
      case 'Lt':
        return na < nb;
      case 'LtE':
        return na <= nb;
      case 'Gt':
        return na > nb;
      case 'GtE':
        return na >= nb;
    }
  }
  if (typeof a === 'string' && typeof b === 'string') return orderResult(op, a < b ? -1 : a > b ? 1 : 0);
  if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple && !(a instanceof NamedTuple))) {
    const x = a.items;
    const y = (b as PyList | PyTuple).items;
    const n = Math.min(x.length, y.length);
    runtime.charge(n);
    for (let i = 0; i < n; i++) {
      if (!equals(x[i], y[i])) return compare(op, x[i], y[i]);
    }
    return orderResult(op, x.length - y.length);
  }
  if (a instanceof PySet && b instanceof PySet) {
    const subset = (p: PySet, q: PySet) => [...p.entries.keys()].every((k) => q.entries.has(k));
    switch (op) {
      case 'LtE':
        return subset(a, b);
      case 'Lt':
        return a.entries.size < b.entries.size && subset(a, b);
      case 'GtE':
        return subset(b, a);
      case 'Gt':
        return b.entries.size < a.entries.size && subset(b, a);
    }
  }
  const dunder = { Lt: '__lt__', LtE: '__le__', Gt: '__gt__', GtE: '__ge__' }[op];
  if (a instanceof PyInstance) {
    const method = a.cls.lookup(dunder);
    if (method !== undefined) return truthy(runtime.call(method, [a, b], null));
  }
  throw pyError('TypeError', `'${SYMBOL[op]}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

function orderResult(op: Ordering, sign: number): boolean {
  switch (op) {
    case 'Lt':
      return sign < 0;
    case 'LtE':
      return sign <= 0;
    case 'Gt':
      return sign > 0;
    case 'GtE':
      return sign >= 0;
  }
}

// ---------------------------------------------------------------- attributes

/** Dunder names a program may read as attributes; every other `__x` attribute is refused. */
const ALLOWED_DUNDERS = new Set(['__name__', '__doc__', '__init__', '__qualname__', '__version__']);

export function checkAttributeName(name: string): void {
  if (name.startsWith('__') && !ALLOWED_DUNDERS.has(name)) {
    throw pyError('AttributeError', `attribute '${name}' is not available: attributes starting with '__' are disabled in this sandbox`);
  }
}

/** `obj.name` */
export function getAttr(obj: PyValue, name: string): PyValue {
  checkAttributeName(name);
  const found = findAttr(obj, name);
  if (found !== undefined) return found;
  throw attributeError(obj, name);
}

export function attributeError(obj: PyValue, name: string): Error {
  const error =
    obj instanceof PyModule
      ? pyError('AttributeError', `module '${obj.name}' has no attribute '${name}'`)
      : obj instanceof PyClass
        ? pyError('AttributeError', `type object '${obj.name}' has no attribute '${name}'`)
        : pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
  error.suggestion = () => nearestName(name, attributeNames(obj, name.startsWith('_')));
  return error;
}

/** The attributes `obj.x` finds (what dir() lists), private ones only when asked for. */
function* attributeNames(obj: PyValue, withPrivate: boolean): Generator<string> {
  const dicts: Map<string, PyValue>[] = [];
  if (obj instanceof PyModule) dicts.push(obj.dict as Map<string, PyValue>);
  else {
    for (const cls of obj instanceof PyClass ? obj.mro : typeOf(obj).mro) dicts.push(cls.dict as Map<string, PyValue>);
    if (obj instanceof PyObject && obj.dict !== null) dicts.push(obj.dict);
  }
  for (const dict of dicts) for (const key of dict.keys()) if (withPrivate || !key.startsWith('_')) yield key;
}

/** `getattr(obj, name, default)` without the default: undefined when missing. */
export function findAttr(obj: PyValue, name: string): PyValue | undefined {
  if (obj instanceof PyModule) return (obj.dict as Map<string, PyValue>).get(name);
  if (obj instanceof PySuper) return obj.lookup(name);
  if (obj instanceof PyClass) return classAttr(obj, name);
  const type = typeOf(obj);
  const attr = type.lookup(name);
  // properties of the type (x.grad, x.shape) win over the instance's own attributes
  if (attr instanceof PyProperty) return attr.get(obj);
  if (obj instanceof PyObject && obj.dict !== null) {
    const own = obj.dict.get(name);
    if (own !== undefined) return own;
  }
  if (obj instanceof NamedTuple) {
    const field = obj.get(name);
    if (field !== undefined) return fromOpValue(field);
    if (attr === undefined && namedTuplesAsValues && obj.values[0] instanceof Tensor) return findAttr(obj.values[0], name);
  }
  if (attr === undefined) return special(obj, name);
  return bindAttr(attr, obj, type);
}

let namedTuplesAsValues = false;

/**
 * Runs fn with a named tuple (torch.return_types.max) answering, for attributes a tuple lacks, as
 * its values tensor: the expression language of /v1/evaluate reads `m.max(dim=1).sum()` so.
 */
export function withNamedTuplesAsValues<T>(fn: () => T): T {
  const outer = namedTuplesAsValues;
  namedTuplesAsValues = true;
  try {
    return fn();
  } finally {
    namedTuplesAsValues = outer;
  }
}

/** What a class attribute becomes when read through an instance of `type`. */
export function bindAttr(attr: PyValue, obj: PyValue, type: PyClass): PyValue {
  if (attr instanceof PyFunction || attr instanceof PyBuiltin) return new PyBoundMethod(obj, attr);
  if (attr instanceof PyStaticMethod) return attr.func;
  if (attr instanceof PyClassMethod) return new PyBoundMethod(type, attr.func as PyFunction);
  return attr;
}

function classAttr(cls: PyClass, name: string): PyValue | undefined {
  if (name === '__name__') return cls.name;
  if (name === '__qualname__') return cls.name;
  const attr = cls.lookup(name);
  if (attr === undefined) return undefined;
  if (attr instanceof PyStaticMethod) return attr.func;
  if (attr instanceof PyClassMethod) return new PyBoundMethod(cls, attr.func as PyFunction);
  return attr;
}

/** Attributes every object of a kind has, outside any type's dict. */
function special(obj: PyValue, name: string): PyValue | undefined {
  if (name === '__name__') {
    if (obj instanceof PyFunction) return obj.name;
    if (obj instanceof PyBuiltin) return obj.name;
    if (obj instanceof PyBoundMethod) return obj.func.name;
  }
  if (name === '__qualname__' && obj instanceof PyFunction) return obj.qualname;
  if (name === '__doc__') {
    if (obj instanceof PyFunction) return obj.doc;
    return null;
  }
  if (obj instanceof PyException && name === 'args') return new PyTuple(obj.args);
  return undefined;
}

/** `obj.name = value` */
export function setAttr(obj: PyValue, name: string, value: PyValue): void {
  checkAttributeName(name);
  if (obj instanceof PyModule) {
    throw pyError('AttributeError', `module '${obj.name}' is read-only here: cannot set attribute '${name}'`);
  }
  if (obj instanceof PyClass) {
    if (obj.module !== '__main__') throw pyError('TypeError', `cannot set '${name}' attribute of immutable type '${obj.qualifiedName}'`);
    (obj.dict as Map<string, PyValue>).set(name, value);
    return;
  }
  const attr = typeOf(obj).lookup(name);
  if (attr instanceof PyProperty) {
    if (attr.set === null) {
      throw pyError('AttributeError', obj instanceof PyInstance ? `can't set attribute '${name}'` : `attribute '${name}' of '${typeOf(obj).qualifiedName}' objects is not writable`);
    }
    attr.set(obj, value);
    return;
  }
  if (obj instanceof PyInstance || obj instanceof PyFunction) {
    (obj.dict ??= new Map()).set(name, value);
    return;
  }
  if (obj instanceof Tensor) {
    tensorAttributes(obj).set(name, value);
    return;
  }
  if (attr !== undefined) throw pyError('AttributeError', `'${typeName(obj)}' object attribute '${name}' is read-only`);
  throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

/** Attributes a program set on a tensor (`x.name = 'w'`), which PyTorch allows. */
export function tensorAttributes(t: Tensor): Map<string, PyValue> {
  t.attributes ??= new Map<string, PyValue>();
  return t.attributes as Map<string, PyValue>;
}

export function delAttr(obj: PyValue, name: string): void {
  checkAttributeName(name);
  if (obj instanceof PyInstance || obj instanceof PyFunction) {
    if (obj.dict?.delete(name)) return;
  }
  if (obj instanceof PyModule) throw pyError('AttributeError', `module '${obj.name}' is read-only here: cannot delete attribute '${name}'`);
  throw attributeError(obj, name);
}

/** `super()` bound: attribute lookups start after `cls` in the instance's MRO. */
export class PySuper extends PyObject {
  constructor(
    readonly cls: PyClass,
    readonly self: PyValue,
  ) {
    super();
  }

  lookup(name: string): PyValue | undefined {
    const type = this.self instanceof PyClass ? this.self : typeOf(this.self);
    const mro = type.mro;
    const start = mro.indexOf(this.cls);
    for (let i = start + 1; i < mro.length; i++) {
      const value = (mro[i].dict as Map<string, PyValue>).get(name);
      if (value !== undefined) return bindAttr(value, this.self, type);
    }
    // object.__init__ accepts the call a subclass's __init__ makes
    if (name === '__init__') return new PyBuiltin('__init__', () => null);
    return undefined;
  }
}

// ---------------------------------------------------------------- iteration

export interface Iter {
  next(): Next;
}

/** `iter(v)` */
export function iterate(v: PyValue): Iter {
  if (v instanceof PyList) {
    let i = 0;
    // reads the length each step, as Python's list iterator does
    return { next: () => (i < v.items.length ? v.items[i++] : STOP) };
  }
  if (v instanceof PyTuple) {
    const items = v.items;
    let i = 0;
    return { next: () => (i < items.length ? items[i++] : STOP) };
  }
  if (v instanceof PyRange) {
    const { step, stop } = v;
    let current = v.start;
    return {
      next: () => {
        if (step > 0n ? current >= stop : current <= stop) return STOP;
        const value = current;
        current += step;
        return value;
      },
    };
  }
  if (typeof v === 'string') {
    const chars = Array.from(v);
    let i = 0;
    return { next: () => (i < chars.length ? chars[i++] : STOP) };
  }
  if (v instanceof PyDict) {
    const keys = [...v.entries.values()].map(([key]) => key);
    const size = v.entries.size;
    let i = 0;
    return {
      next: () => {
        if (v.entries.size !== size) throw pyError('RuntimeError', 'dictionary changed size during iteration');
        return i < keys.length ? keys[i++] : STOP;
      },
    };
  }
  if (v instanceof PySet) {
    const items = [...v.entries.values()];
    let i = 0;
    return { next: () => (i < items.length ? items[i++] : STOP) };
  }
  if (v instanceof PyIterator) return v;
  if (v instanceof NamedTuple) {
    let i = 0;
    return { next: () => (i < v.values.length ? fromOpValue(v.values[i++]) : STOP) };
  }
  const type = typeOf(v);
  const iterMethod = type.lookup('__iter__');
  if (iterMethod !== undefined) {
    const iterator = runtime.call(iterMethod, [v], null);
    if (iterator instanceof PyIterator) return iterator;
    const nextMethod = typeOf(iterator).lookup('__next__');
    if (nextMethod === undefined) throw pyError('TypeError', `iter() returned non-iterator of type '${typeName(iterator)}'`);
    return {
      next: () => {
        try {
          return runtime.call(nextMethod, [iterator], null);
        } catch (error) {
          if (error instanceof Error && error.name === 'StopIteration') return STOP;
          throw error;
        }
      },
    };
  }
  const getItem = type.lookup('__getitem__');
  if (getItem !== undefined && v instanceof PyInstance) {
    let i = 0n;
    return {
      next: () => {
        try {
          return runtime.call(getItem, [v, i++], null);
        } catch (error) {
          if (error instanceof Error && (error.name === 'IndexError' || error.name === 'StopIteration')) return STOP;
          throw error;
        }
      },
    };
  }
  throw pyError('TypeError', `'${typeName(v)}' object is not iterable`);
}

/** Every item of an iterable, as a JS array (charged one unit per item). */
export function toArray(v: PyValue): PyValue[] {
  if (v instanceof PyList || v instanceof PyTuple) {
    runtime.charge(v.items.length);
    return v.items.slice();
  }
  const out: PyValue[] = [];
  const it = iterate(v);
  for (let item = it.next(); item !== STOP; item = it.next()) {
    runtime.charge(1);
    out.push(item);
  }
  return out;
}

// ---------------------------------------------------------------- indexing

/** An index as a JS number: ints, bools and objects with __index__ (a 0-dim integer tensor). */
export function asIndex(v: PyValue): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const index = v instanceof PyObject || v instanceof Tensor ? typeOf(v).lookup('__index__') : undefined;
  if (index !== undefined) {
    const n = runtime.call(index, [v], null);
    if (typeof n === 'bigint') return Number(n);
  }
  return null;
}

/** Python's slice.indices(length): start, stop, step clipped to the sequence. */
export function sliceIndices(s: PySlice, length: number): [number, number, number] {
  const step = s.step === null ? 1 : asIndex(s.step);
  if (step === null) throw pyError('TypeError', 'slice indices must be integers or None or have an __index__ method');
  if (step === 0) throw pyError('ValueError', 'slice step cannot be zero');
  const bound = (v: PyValue, fallback: number, lower: number, upper: number): number => {
    if (v === null) return fallback;
    let n = asIndex(v);
    if (n === null) throw pyError('TypeError', 'slice indices must be integers or None or have an __index__ method');
    if (n < 0) n += length;
    return Math.min(Math.max(n, lower), upper);
  };
  if (step > 0) return [bound(s.start, 0, 0, length), bound(s.stop, length, 0, length), step];
  return [bound(s.start, length - 1, -1, length - 1), bound(s.stop, -1, -1, length - 1), step];
}

export function sliceRange(s: PySlice, length: number): number[] {
  const [start, stop, step] = sliceIndices(s, length);
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  runtime.charge(out.length);
  return out;
}

function sequenceIndex(index: PyValue, length: number, kind: string): number {
  const i = asIndex(index);
  if (i === null) throw pyError('TypeError', `${kind} indices must be integers or slices, not ${typeName(index)}`);
  const j = i < 0 ? i + length : i;
  if (j < 0 || j >= length) throw pyError('IndexError', `${kind} index out of range`);
  return j;
}

/** `v[index]` */
export function getItem(v: PyValue, index: PyValue): PyValue {
  if (v instanceof PyList || v instanceof PyTuple) {
    const kind = v instanceof PyList ? 'list' : 'tuple';
    if (index instanceof PySlice) {
      const items = sliceRange(index, v.items.length).map((i) => v.items[i]);
      if (v instanceof TorchSize) return new TorchSize(items);
      return v instanceof PyList ? new PyList(items) : new PyTuple(items);
    }
    return v.items[sequenceIndex(index, v.items.length, kind)];
  }
  if (v instanceof PyDict) {
    const entry = v.entries.get(keyOf(index));
    if (entry === undefined) throw new KeyErrorValue(index).error();
    return entry[1];
  }
  if (typeof v === 'string') {
    const chars = Array.from(v);
    if (index instanceof PySlice) return sliceRange(index, chars.length).map((i) => chars[i]).join('');
    return chars[sequenceIndex(index, chars.length, 'string')];
  }
  if (v instanceof PyRange) {
    const n = Number(v.length);
    if (index instanceof PySlice) {
      const [start, stop, step] = sliceIndices(index, n);
      const at = (i: number) => v.start + BigInt(i) * v.step;
      return new PyRange(at(start), at(stop), v.step * BigInt(step));
    }
    return v.start + BigInt(sequenceIndex(index, n, 'range object')) * v.step;
  }
  if (v instanceof NamedTuple) {
    const items = v.values.map(fromOpValue);
    if (index instanceof PySlice) return new PyTuple(sliceRange(index, items.length).map((i) => items[i]));
    return items[sequenceIndex(index, items.length, 'tuple')];
  }
  const method = typeOf(v).lookup('__getitem__');
  if (method !== undefined) return runtime.call(method, [v, index], null);
  if (v instanceof PyClass) throw pyError('TypeError', `type '${v.name}' is not subscriptable`);
  throw pyError('TypeError', `'${typeName(v)}' object is not subscriptable`);
}

/** Builds the KeyError for a missing key (its message is the key's repr). */
export class KeyErrorValue {
  constructor(readonly key: PyValue) {}
  error(): Error {
    const e = pyError('KeyError');
    e.exception.args = [this.key];
    e.message = repr(this.key);
    return e;
  }
}

/** `v[index] = value` */
export function setItem(v: PyValue, index: PyValue, value: PyValue): void {
  if (v instanceof PyList) {
    if (index instanceof PySlice) {
      const replacement = toArray(value);
      const [start, stop, step] = sliceIndices(index, v.items.length);
      if (step === 1) {
        v.items.splice(start, Math.max(0, stop - start), ...replacement);
        return;
      }
      const positions = sliceRange(index, v.items.length);
      if (positions.length !== replacement.length) {
        throw pyError('ValueError', `attempt to assign sequence of size ${replacement.length} to extended slice of size ${positions.length}`);
      }
      positions.forEach((p, k) => (v.items[p] = replacement[k]));
      return;
    }
    v.items[sequenceIndex(index, v.items.length, 'list assignment')] = value;
    return;
  }
  if (v instanceof PyDict) {
    dictSet(v, index, value);
    return;
  }
  const method = typeOf(v).lookup('__setitem__');
  if (method !== undefined) {
    runtime.call(method, [v, index, value], null);
    return;
  }
  throw pyError('TypeError', `'${typeName(v)}' object does not support item assignment`);
}

export function delItem(v: PyValue, index: PyValue): void {
  if (v instanceof PyList) {
    if (index instanceof PySlice) {
      const drop = new Set(sliceRange(index, v.items.length));
      v.items = v.items.filter((_, i) => !drop.has(i));
      return;
    }
    v.items.splice(sequenceIndex(index, v.items.length, 'list assignment'), 1);
    return;
  }
  if (v instanceof PyDict) {
    if (!v.entries.delete(keyOf(index))) throw new KeyErrorValue(index).error();
    return;
  }
  throw pyError('TypeError', `'${typeName(v)}' object doesn't support item deletion`);
}

export function dictSet(d: PyDict, key: PyValue, value: PyValue): void {
  const k = keyOf(key);
  const existing = d.entries.get(k);
  if (existing !== undefined) existing[1] = value;
  else d.entries.set(k, [key, value]);
}

export function dictGet(d: PyDict, key: PyValue): PyValue | undefined {
  return d.entries.get(keyOf(key))?.[1];
}

/** `x in container` */
export function contains(container: PyValue, item: PyValue): boolean {
  if (container instanceof PyList || container instanceof PyTuple) {
    runtime.charge(container.items.length);
    return container.items.some((x) => x === item || equals(x, item));
  }
  if (container instanceof PyDict) return container.entries.has(keyOf(item));
  if (container instanceof PySet) return container.entries.has(keyOf(item));
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof PyRange) {
    const n = numeric(item);
    if (n === null || (typeof n === 'number' && !Number.isInteger(n))) return false;
    const i = BigInt(n);
    const { start, stop, step } = container;
    if (step > 0n ? i < start || i >= stop : i > start || i <= stop) return false;
    return (i - start) % step === 0n;
  }
  const method = typeOf(container).lookup('__contains__');
  if (method !== undefined) return truthy(runtime.call(method, [container, item], null));
  const it = iterate(container);
  for (let x = it.next(); x !== STOP; x = it.next()) {
    runtime.charge(1);
    if (x === item || equals(x, item)) return true;
  }
  return false;
}
