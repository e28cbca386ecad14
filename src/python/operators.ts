/**
 * Python's operators: int (bigint) and float arithmetic with CPython's results and messages,
 * sequences, programs' own dunder methods, and tensors through the op table (an op declares the
 * operator spellings it implements, e.g. `operators: ['+']`).
 */
import { bindArguments, NamedTuple, NO_KEYWORDS, type OpDef, type Value } from '../engine/op.js';
import { OPS, OPS_BY_NAME } from '../engine/ops/index.js';
import { Tensor } from '../engine/tensor.js';
import type * as ast from './ast.js';
import { pyError } from './exceptions.js';
import {
  compare,
  contains,
  equals,
  fromOpValue,
  getItem,
  runtime,
  toArray,
  truthy,
  typeName,
  typeOf,
} from './objects.js';
import { PyDict, PyInstance, PyList, PyNdarray, PySet, PyTuple, type PyValue, TorchSize, type Kwargs, NOT_IMPLEMENTED } from './values.js';

// ---------------------------------------------------------------- the op boundary

/** A Python value as the engine takes it: lists and tuples become arrays, the rest stays. */
export function toOpValue(v: PyValue): Value {
  if (v instanceof PyList || v instanceof PyTuple) return v.items.map(toOpValue);
  return v as Value;
}

/** An engine result as a Python value: an array is a tuple. */
export function fromOp(v: Value): PyValue {
  if (Array.isArray(v)) return new PyTuple(v.map(fromOp));
  return v as PyValue;
}

/** numpy's keyword spellings torch's argument parser accepts for its own (`x.sum(axis=0)`). */
const KEYWORD_ALIASES: ReadonlyMap<string, string> = new Map([
  ['axis', 'dim'],
  ['keepdims', 'keepdim'],
]);

/** Calls an op of the table with Python arguments (binding errors are Python TypeErrors). */
export function callOp(op: OpDef, args: readonly PyValue[], kwargs: Kwargs): PyValue {
  let keywords: Record<string, Value> = NO_KEYWORDS;
  if (kwargs !== null) {
    keywords = Object.create(null);
    for (const [k, v] of kwargs) {
      const alias = KEYWORD_ALIASES.get(k);
      const name = alias !== undefined && !kwargs.has(alias) && op.params.some((p) => p.name === alias) ? alias : k;
      keywords[name] = toOpValue(v);
    }
  }
  const bound = bindArguments(op, args.map(toOpValue), keywords);
  return fromOp(opObserver === null ? op.call(bound) : observedCall(op, bound));
}

/** Sees each op a program calls and its result (ops an op calls inside itself are not seen). */
export type OpObserver = (op: OpDef, result: Value) => void;

let opObserver: OpObserver | null = null;

/** Runs fn with `observer` told of every op call (the diagnostics of /v1/evaluate). */
export function withOpObserver<T>(observer: OpObserver, fn: () => T): T {
  const outer = opObserver;
  opObserver = observer;
  try {
    return fn();
  } finally {
    opObserver = outer;
  }
}

function observedCall(op: OpDef, bound: Record<string, Value>): Value {
  const observer = opObserver as OpObserver;
  opObserver = null;
  try {
    const result = op.call(bound);
    observer(op, result);
    return result;
  } finally {
    opObserver = observer;
  }
}

const SYMBOLS: Record<ast.Operator, string> = {
  Add: '+',
  Sub: '-',
  Mult: '*',
  MatMult: '@',
  Div: '/',
  Mod: '%',
  Pow: '**',
  LShift: '<<',
  RShift: '>>',
  BitOr: '|',
  BitXor: '^',
  BitAnd: '&',
  FloorDiv: '//',
};

const DUNDERS: Record<ast.Operator, string> = {
  Add: 'add',
  Sub: 'sub',
  Mult: 'mul',
  MatMult: 'matmul',
  Div: 'truediv',
  Mod: 'mod',
  Pow: 'pow',
  LShift: 'lshift',
  RShift: 'rshift',
  BitOr: 'or',
  BitXor: 'xor',
  BitAnd: 'and',
  FloorDiv: 'floordiv',
};

/** Ops implementing an operator for tensors, found by the spellings the op table declares. */
function operatorOp(symbol: string): OpDef | undefined {
  let cached = operatorOps.get(symbol);
  if (cached === undefined) {
    cached = OPS.find((op) => op.operators?.includes(symbol)) ?? null;
    operatorOps.set(symbol, cached);
  }
  return cached ?? undefined;
}
const operatorOps = new Map<string, OpDef | null>();

/** Tensor operators PyTorch implements by ops the table may hold under their own names. */
const TENSOR_FALLBACK: Partial<Record<string, string>> = { '//': 'floor_divide', '%': 'remainder', '&': 'bitwise_and', '|': 'bitwise_or', '^': 'bitwise_xor' };

function tensorBinary(op: ast.Operator, a: PyValue, b: PyValue): PyValue {
  const symbol = SYMBOLS[op];
  const def = operatorOp(symbol) ?? OPS_BY_NAME.get(TENSOR_FALLBACK[symbol] ?? '');
  if (def === undefined) throw unsupported(symbol, a, b);
  const other = a instanceof Tensor ? b : a;
  if (!(other instanceof Tensor) && !isScalar(other)) {
    if (other instanceof PyList || other instanceof PyTuple) {
      // torch turns a list operand into a tensor of the other's dtype; keep it simple and ask for one
      throw unsupported(symbol, a, b);
    }
    throw unsupported(symbol, a, b);
  }
  return callOp(def, [a, b], null);
}

function isScalar(v: PyValue): boolean {
  const t = typeof v;
  return t === 'bigint' || t === 'number' || t === 'boolean';
}

function unsupported(symbol: string, a: PyValue, b: PyValue): Error {
  return pyError('TypeError', `unsupported operand type(s) for ${symbol}: '${typeName(a)}' and '${typeName(b)}'`);
}

// ---------------------------------------------------------------- binary operators

/** Sequences longer than this are refused (MemoryError) before they are built. */
export const MAX_SEQUENCE_LENGTH = 10_000_000;
/** Ints wider than this many bits are refused (MemoryError) before they are computed. */
const MAX_INT_BITS = 1_000_000;

export function binaryOp(op: ast.Operator, a: PyValue, b: PyValue): PyValue {
  const ta = typeof a;
  const tb = typeof b;
  // the common cases first: float and int arithmetic
  if (ta === 'number' && tb === 'number') return floatOp(op, a as number, b as number);
  if (ta === 'bigint' && tb === 'bigint') return intOp(op, a as bigint, b as bigint);
  if ((ta === 'number' || ta === 'bigint' || ta === 'boolean') && (tb === 'number' || tb === 'bigint' || tb === 'boolean')) {
    if (ta === 'number' || tb === 'number') return floatOp(op, toFloat(a), toFloat(b));
    if (ta === 'boolean' && tb === 'boolean' && (op === 'BitAnd' || op === 'BitOr' || op === 'BitXor')) {
      return op === 'BitAnd' ? (a as boolean) && (b as boolean) : op === 'BitOr' ? (a as boolean) || (b as boolean) : a !== b;
    }
    return intOp(op, toInt(a), toInt(b));
  }
  if (op === 'Mod' && ta === 'string') return runtime.percentFormat(a as string, b);
  if (a instanceof Tensor || b instanceof Tensor) {
    if (a instanceof PyInstance || b instanceof PyInstance) return instanceOp(op, a, b);
    return tensorBinary(op, a, b);
  }
  if (a instanceof PyInstance || b instanceof PyInstance) return instanceOp(op, a, b);
  return sequenceOp(op, a, b);
}

export function toFloat(v: PyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v as bigint);
  if (!Number.isFinite(n)) throw pyError('OverflowError', 'int too large to convert to float');
  return n;
}

function toInt(v: PyValue): bigint {
  return typeof v === 'bigint' ? v : (v as boolean) ? 1n : 0n;
}

const BIG = 1n << 64n;

function bitLength(n: bigint): number {
  return (n < 0n ? -n : n).toString(16).length * 4;
}

function checkIntSize(bits: number): void {
  if (bits > MAX_INT_BITS) throw pyError('MemoryError', `an int of about ${bits} bits is larger than this service computes`);
  runtime.charge(Math.ceil(bits / 64));
}

export function intOp(op: ast.Operator, a: bigint, b: bigint): PyValue {
  switch (op) {
    case 'Add':
      return a + b;
    case 'Sub':
      return a - b;
    case 'Mult':
      if ((a > BIG || a < -BIG) && (b > BIG || b < -BIG)) checkIntSize(bitLength(a) + bitLength(b));
      return a * b;
    case 'Div':
      if (b === 0n) throw pyError('ZeroDivisionError', 'division by zero');
      return intTrueDivide(a, b);
    case 'FloorDiv': {
      if (b === 0n) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
      const q = a / b;
      return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
    }
    case 'Mod': {
      if (b === 0n) throw pyError('ZeroDivisionError', 'integer modulo by zero');
      const r = a % b;
      return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
    }
    case 'Pow':
      if (b < 0n) {
        if (a === 0n) throw pyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
        return floatOp('Pow', toFloat(a), toFloat(b));
      }
      if (a === 0n || a === 1n || a === -1n) return a === -1n ? (b % 2n === 0n ? 1n : -1n) : b === 0n ? 1n : a;
      checkIntSize(bitLength(a) * Number(b > 10_000_000n ? 10_000_000n : b));
      return a ** b;
    case 'LShift':
      if (b < 0n) throw pyError('ValueError', 'negative shift count');
      checkIntSize(bitLength(a) + Number(b > 10_000_000n ? 10_000_000n : b));
      return a << b;
    case 'RShift':
      if (b < 0n) throw pyError('ValueError', 'negative shift count');
      return a >> b;
    case 'BitAnd':
      return a & b;
    case 'BitOr':
      return a | b;
    case 'BitXor':
      return a ^ b;
    case 'MatMult':
      throw pyError('TypeError', "unsupported operand type(s) for @: 'int' and 'int'");
  }
}

/** int / int, correctly rounded for ints beyond 2^53 as well. */
function intTrueDivide(a: bigint, b: bigint): number {
  const limit = 1n << 53n;
  if (a > -limit && a < limit && b > -limit && b < limit) return Number(a) / Number(b);
  const q = Number(a) / Number(b);
  if (!Number.isFinite(q) && Number.isFinite(Number(a) / 1)) {
    throw pyError('OverflowError', 'integer division result too large for a float');
  }
  if (!Number.isFinite(Number(a)) || !Number.isFinite(Number(b))) {
    // scale both down to fit a double, then divide
    const shift = BigInt(Math.max(bitLength(a), bitLength(b)) - 1000);
    const result = Number(a >> shift) / Number(b >> shift);
    if (!Number.isFinite(result)) throw pyError('OverflowError', 'integer division result too large for a float');
    return result;
  }
  return q;
}

export function floatOp(op: ast.Operator, a: number, b: number): PyValue {
  switch (op) {
    case 'Add':
      return a + b;
    case 'Sub':
      return a - b;
    case 'Mult':
      return a * b;
    case 'Div':
      if (b === 0) throw pyError('ZeroDivisionError', 'float division by zero');
      return a / b;
    case 'FloorDiv': {
      if (b === 0) throw pyError('ZeroDivisionError', 'float floor division by zero');
      return floatDivmod(a, b)[0];
    }
    case 'Mod':
      if (b === 0) throw pyError('ZeroDivisionError', 'float modulo');
      return floatDivmod(a, b)[1];
    case 'Pow':
      return floatPow(a, b);
    default:
      throw pyError('TypeError', `unsupported operand type(s) for ${SYMBOLS[op]}: 'float' and 'float'`);
  }
}

/** CPython's float_divmod: the floor quotient and a remainder with the divisor's sign. */
export function floatDivmod(vx: number, wx: number): [number, number] {
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1;
    }
  } else {
    mod = wx < 0 ? -0 : 0;
  }
  let floordiv: number;
  if (div) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = vx / wx < 0 ? -0 : 0;
  }
  return [floordiv, mod];
}

/** CPython's float_pow: C pow with Python's errors. */
export function floatPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (Number.isNaN(x)) return x === 1 ? 1 : NaN;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (x === 0) {
    if (y < 0 && Number.isFinite(y)) throw pyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  }
  if (x < 0 && Number.isFinite(x) && Number.isFinite(y) && !Number.isInteger(y)) {
    throw pyError('ValueError', 'a negative number raised to a fractional power gives a complex number, which this interpreter does not support');
  }
  if (x === 1) return 1;
  if (x === -1 && !Number.isFinite(y)) return 1;
  const result = Math.pow(x, y);
  if (!Number.isFinite(result) && Number.isFinite(x) && Number.isFinite(y)) {
    throw pyError('OverflowError', "(34, 'Numerical result out of range')");
  }
  return result;
}

function repeatCount(n: PyValue): number | null {
  if (typeof n === 'bigint') return n < 0n ? 0 : n > BigInt(MAX_SEQUENCE_LENGTH) ? MAX_SEQUENCE_LENGTH + 1 : Number(n);
  if (typeof n === 'boolean') return n ? 1 : 0;
  return null;
}

/** Refuses (MemoryError) a sequence or string of `n` items before it is built, and charges copying them. */
export function checkLength(n: number): void {
  if (n > MAX_SEQUENCE_LENGTH) throw pyError('MemoryError', `a sequence of ${n} items is longer than this service builds`);
  // copying items is cheap next to a step: one step per 16
  runtime.charge(Math.ceil(n / 16));
}

function sequenceOp(op: ast.Operator, a: PyValue, b: PyValue): PyValue {
  if (op === 'Add') {
    if (typeof a === 'string') {
      if (typeof b !== 'string') throw pyError('TypeError', `can only concatenate str (not "${typeName(b)}") to str`);
      checkLength(a.length + b.length);
      return a + b;
    }
    if (a instanceof PyList) {
      if (!(b instanceof PyList)) throw pyError('TypeError', `can only concatenate list (not "${typeName(b)}") to list`);
      checkLength(a.items.length + b.items.length);
      return new PyList([...a.items, ...b.items]);
    }
    if (a instanceof PyTuple && !(a instanceof TorchSize)) {
      if (!(b instanceof PyTuple)) throw pyError('TypeError', `can only concatenate tuple (not "${typeName(b)}") to tuple`);
      checkLength(a.items.length + b.items.length);
      return new PyTuple([...a.items, ...b.items]);
    }
    if (a instanceof TorchSize && b instanceof PyTuple) return new TorchSize([...a.items, ...b.items]);
  }
  if (op === 'Mult') {
    const [seq, count] = repeatCount(b) !== null ? [a, repeatCount(b)] : [b, repeatCount(a)];
    if (count !== null) {
      if (typeof seq === 'string') {
        checkLength(seq.length * count);
        return seq.repeat(count);
      }
      if (seq instanceof PyList || seq instanceof PyTuple) {
        checkLength(seq.items.length * count);
        const items: PyValue[] = [];
        for (let i = 0; i < count; i++) items.push(...seq.items);
        return seq instanceof PyList ? new PyList(items) : new PyTuple(items);
      }
    }
  }
  if (op === 'Mult' && (isSequence(a) || isSequence(b))) {
    const other = isSequence(a) ? b : a;
    throw pyError('TypeError', `can't multiply sequence by non-int of type '${typeName(other)}'`);
  }
  if (op === 'Mod' && typeof a === 'string') return runtime.percentFormat(a, b);
  if (op === 'BitOr' && a instanceof PyDict && b instanceof PyDict) {
    const out = new PyDict();
    for (const [k, e] of a.entries) out.entries.set(k, [e[0], e[1]]);
    for (const [k, e] of b.entries) out.entries.set(k, [e[0], e[1]]);
    return out;
  }
  if (a instanceof PySet && b instanceof PySet) {
    const out = new PySet();
    const inA = (k: unknown) => a.entries.has(k);
    const inB = (k: unknown) => b.entries.has(k);
    switch (op) {
      case 'BitOr':
        for (const [k, v] of a.entries) out.entries.set(k, v);
        for (const [k, v] of b.entries) out.entries.set(k, v);
        return out;
      case 'BitAnd':
        for (const [k, v] of a.entries) if (inB(k)) out.entries.set(k, v);
        return out;
      case 'Sub':
        for (const [k, v] of a.entries) if (!inB(k)) out.entries.set(k, v);
        return out;
      case 'BitXor':
        for (const [k, v] of a.entries) if (!inB(k)) out.entries.set(k, v);
        for (const [k, v] of b.entries) if (!inA(k)) out.entries.set(k, v);
        return out;
    }
  }
  if (a instanceof PyNdarray || b instanceof PyNdarray) return runtime.ndarrayOp(op, a, b);
  // a dunder on a built-in type (torch.Size, a module's object)
  const method = typeOf(a).lookup(`__${DUNDERS[op]}__`);
  if (method !== undefined) {
    const result = runtime.call(method, [a, b], null);
    if (result !== NOT_IMPLEMENTED) return result;
  }
  throw unsupported(SYMBOLS[op], a, b);
}

function isSequence(v: PyValue): boolean {
  return typeof v === 'string' || v instanceof PyList || v instanceof PyTuple;
}

/** Programs' classes: `a.__add__(b)`, then `b.__radd__(a)`. */
function instanceOp(op: ast.Operator, a: PyValue, b: PyValue): PyValue {
  const name = DUNDERS[op];
  const forward = typeOf(a).lookup(`__${name}__`);
  if (forward !== undefined && a instanceof PyInstance) {
    const result = runtime.call(forward, [a, b], null);
    if (result !== NOT_IMPLEMENTED) return result;
  }
  const reflected = typeOf(b).lookup(`__r${name}__`);
  if (reflected !== undefined && b instanceof PyInstance) {
    const result = runtime.call(reflected, [b, a], null);
    if (result !== NOT_IMPLEMENTED) return result;
  }
  if (a instanceof Tensor || b instanceof Tensor) return tensorBinary(op, a, b);
  throw unsupported(SYMBOLS[op], a, b);
}

/** `a op= b`: lists extend in place, tensors update in place (`x += 1`), everything else rebinds. */
export function inplaceOp(op: ast.Operator, a: PyValue, b: PyValue): PyValue {
  if (a instanceof PyList && op === 'Add') {
    const items = toArray(b);
    checkLength(a.items.length + items.length);
    a.items.push(...items);
    return a;
  }
  if (a instanceof PyList && op === 'Mult') {
    const count = repeatCount(b);
    if (count === null) throw pyError('TypeError', `can't multiply sequence by non-int of type '${typeName(b)}'`);
    checkLength(a.items.length * count);
    const items = a.items.slice();
    a.items.length = 0;
    for (let i = 0; i < count; i++) a.items.push(...items);
    return a;
  }
  if (a instanceof Tensor) {
    const inplace = OPS_BY_NAME.get(`${INPLACE_OPS[op] ?? ''}_`);
    if (inplace !== undefined) return callOp(inplace, [a, b], null);
  }
  if (a instanceof PyInstance) {
    const method = a.cls.lookup(`__i${DUNDERS[op]}__`);
    if (method !== undefined) {
      const result = runtime.call(method, [a, b], null);
      if (result !== NOT_IMPLEMENTED) return result;
    }
  }
  return binaryOp(op, a, b);
}

/** The in-place op a tensor's augmented assignment calls (`x += y` is `x.add_(y)`). */
const INPLACE_OPS: Partial<Record<ast.Operator, string>> = { Add: 'add', Sub: 'sub', Mult: 'mul', Div: 'div', Pow: 'pow', FloorDiv: 'floor_divide', Mod: 'remainder' };

// ---------------------------------------------------------------- unary operators

export function unaryOp(op: ast.UnaryOperator, v: PyValue): PyValue {
  switch (op) {
    case 'Not':
      return !truthy(v);
    case 'USub':
      if (typeof v === 'number') return -v;
      if (typeof v === 'bigint') return -v;
      if (typeof v === 'boolean') return v ? -1n : 0n;
      if (v instanceof Tensor) return callOp(operatorOp('unary -') ?? (OPS_BY_NAME.get('neg') as OpDef), [v], null);
      return unaryDunder('neg', '-', v);
    case 'UAdd':
      if (typeof v === 'number' || typeof v === 'bigint') return v;
      if (typeof v === 'boolean') return v ? 1n : 0n;
      if (v instanceof Tensor) return v;
      return unaryDunder('pos', '+', v);
    case 'Invert':
      if (typeof v === 'bigint') return ~v;
      if (typeof v === 'boolean') return v ? -2n : -1n;
      if (v instanceof Tensor) {
        const def = OPS_BY_NAME.get('bitwise_not') ?? OPS_BY_NAME.get('logical_not');
        if (def !== undefined) return callOp(def, [v], null);
      }
      return unaryDunder('invert', '~', v);
  }
}

function unaryDunder(name: string, symbol: string, v: PyValue): PyValue {
  const method = typeOf(v).lookup(`__${name}__`);
  if (method !== undefined) return runtime.call(method, [v], null);
  throw pyError('TypeError', `bad operand type for unary ${symbol}: '${typeName(v)}'`);
}

// ---------------------------------------------------------------- comparisons

const TENSOR_COMPARISONS: Record<'Eq' | 'NotEq' | 'Lt' | 'LtE' | 'Gt' | 'GtE', string> = {
  Eq: 'eq',
  NotEq: 'ne',
  Lt: 'lt',
  LtE: 'le',
  Gt: 'gt',
  GtE: 'ge',
};

export function compareOp(op: ast.CompareOperator, a: PyValue, b: PyValue): PyValue {
  switch (op) {
    case 'Is':
      return a === b;
    case 'IsNot':
      return a !== b;
    case 'In':
      return contains(b, a);
    case 'NotIn':
      return !contains(b, a);
  }
  if (a instanceof Tensor || b instanceof Tensor) {
    const other = a instanceof Tensor ? b : a;
    if (other instanceof Tensor || isScalar(other)) {
      const def = OPS_BY_NAME.get(TENSOR_COMPARISONS[op]);
      if (def !== undefined) {
        // `2 < x` is `x > 2`
        if (!(a instanceof Tensor)) return callOp(OPS_BY_NAME.get(TENSOR_COMPARISONS[MIRROR[op]]) as OpDef, [b, a], null);
        return callOp(def, [a, b], null);
      }
    }
    if (op === 'Eq') return a === b;
    if (op === 'NotEq') return a !== b;
  }
  if (a instanceof NamedTuple || b instanceof NamedTuple) {
    const left = a instanceof NamedTuple ? new PyTuple(a.values.map(fromOpValue)) : a;
    const right = b instanceof NamedTuple ? new PyTuple(b.values.map(fromOpValue)) : b;
    return compareOp(op, left, right);
  }
  if (a instanceof PyNdarray || b instanceof PyNdarray) return runtime.ndarrayCompare(op, a, b);
  if (op === 'Eq') return equals(a, b);
  if (op === 'NotEq') {
    if (a instanceof PyInstance) {
      const ne = a.cls.lookup('__ne__');
      if (ne !== undefined) return runtime.call(ne, [a, b], null);
    }
    return !equals(a, b);
  }
  return compare(op, a, b);
}

const MIRROR: Record<'Eq' | 'NotEq' | 'Lt' | 'LtE' | 'Gt' | 'GtE', 'Eq' | 'NotEq' | 'Lt' | 'LtE' | 'Gt' | 'GtE'> = {
  Eq: 'Eq',
  NotEq: 'NotEq',
  Lt: 'Gt',
  LtE: 'GtE',
  Gt: 'Lt',
  GtE: 'LtE',
};

export { getItem };
