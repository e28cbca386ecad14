/**
 * Python's builtins namespace (print, len, range, the number and container types with their
 * methods, the exception classes) and the refusals of a sandbox (eval, exec, open, ...).
 */
import { Tensor } from '../engine/tensor.js';
import { EXCEPTION_CLASSES, pyError } from './exceptions.js';
import {
  asciiEscape,
  doubleToString,
  floatRepr,
  formatWithSpec,
  isPyPrimitive,
  PercentMapping,
  percentFormat,
  roundFloat,
  roundFloatToInt,
  roundInt,
  strFormat,
} from './format.js';
import { activeInterpreter, superBuiltin } from './interpreter.js';
import {
  addressOf,
  asIndex,
  boolType,
  classmethodType,
  compare,
  contains,
  dictGet,
  dictSet,
  dictType,
  equals,
  findAttr,
  floatType,
  frozensetType,
  getAttr,
  getItem,
  intType,
  isInstance,
  iterate,
  keyOf,
  KeyErrorValue,
  length,
  listType,
  objectType,
  propertyType,
  rangeType,
  repr,
  runtime,
  setAttr,
  setType,
  sliceType,
  staticmethodType,
  str,
  strType,
  toArray,
  truthy,
  tupleType,
  typeName,
  typeOf,
  typeType,
  checkAttributeName,
  checkIntDigits,
} from './objects.js';
import { binaryOp, checkLength, compareOp, floatDivmod, intOp, MAX_SEQUENCE_LENGTH, toFloat, unaryOp } from './operators.js';
import {
  type Kwargs,
  NOT_IMPLEMENTED,
  ELLIPSIS,
  type Next,
  type PyValue,
  PyBuiltin,
  PyClass,
  PyClassMethod,
  PyDict,
  PyException,
  PyFunction,
  PyIterator,
  PyList,
  PyObject,
  PyProperty,
  PyRange,
  PySet,
  PySlice,
  PyStaticMethod,
  PyTuple,
  STOP,
  PyBoundMethod,
  PyInstance,
  PyNativeObject,
} from './values.js';

// ---------------------------------------------------------------- argument helpers

/**
 * Binds a native function's arguments: `params` are names, optional ones end with `=`.
 * Returns one value per parameter (undefined when an optional one is not given).
 */
export function parseArgs(fname: string, params: readonly string[], args: readonly PyValue[], kwargs: Kwargs): (PyValue | undefined)[] {
  const out: (PyValue | undefined)[] = new Array(params.length).fill(undefined);
  const { names, required } = signatureOf(fname, params);
  if (args.length > params.length) {
    throw pyError('TypeError', `${fname}() takes ${params.length === required ? '' : 'at most '}${params.length} argument${params.length === 1 ? '' : 's'} (${args.length} given)`);
  }
  for (let i = 0; i < args.length; i++) out[i] = args[i];
  if (kwargs !== null) {
    for (const [key, value] of kwargs) {
      const i = names.indexOf(key);
      if (i < 0) throw pyError('TypeError', `${fname}() got an unexpected keyword argument '${key}'`);
      if (out[i] !== undefined) throw pyError('TypeError', `argument for ${fname}() given by name ('${key}') and position (${i + 1})`);
      out[i] = value;
    }
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) {
      throw pyError('TypeError', `${fname}() missing required argument '${names[i]}' (pos ${i + 1})`);
    }
  }
  return out;
}

interface Signature {
  params: readonly string[];
  /** The parameter names (without the `=` of an optional one). */
  names: readonly string[];
  /** How many leading parameters are required. */
  required: number;
}

/** Signatures read from parseArgs' parameter lists, by function name (a name may have several lists). */
const signatures = new Map<string, Signature[]>();

function signatureOf(fname: string, params: readonly string[]): Signature {
  let known = signatures.get(fname);
  if (known === undefined) {
    known = [];
    signatures.set(fname, known);
  }
  for (const signature of known) if (sameParams(signature.params, params)) return signature;
  const signature = { params: params.slice(), names: params.map((p) => p.replace(/=$/, '')), required: params.filter((p) => !p.endsWith('=')).length };
  // a bounded memory: the lists are the builtins' own (a name with many lists is not remembered)
  if (known.length < 4) known.push(signature);
  return signature;
}

function sameParams(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function noKeywords(fname: string, kwargs: Kwargs): void {
  if (kwargs !== null && kwargs.size > 0) throw pyError('TypeError', `${fname}() takes no keyword arguments`);
}

function exactArgs(fname: string, args: readonly PyValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    if (min === max) {
      throw pyError('TypeError', `${fname}() takes exactly ${min === 1 ? 'one argument' : `${min} arguments`} (${args.length} given)`);
    }
    if (args.length < min) throw pyError('TypeError', `${fname} expected at least ${min} argument${min === 1 ? '' : 's'}, got ${args.length}`);
    throw pyError('TypeError', `${fname} expected at most ${max} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

export function builtin(name: string, fn: (args: PyValue[], kwargs: Kwargs) => PyValue): PyBuiltin {
  return new PyBuiltin(name, fn);
}

/** Adds methods to a built-in type: `self` arrives as the first argument. */
export function defineMethods(type: PyClass, methods: Record<string, (self: PyValue, args: PyValue[], kwargs: Kwargs) => PyValue>): void {
  const dict = type.dict as Map<string, PyValue>;
  for (const [name, fn] of Object.entries(methods)) {
    dict.set(name, new PyBuiltin(name, (args, kwargs) => fn(args[0], args.slice(1), kwargs), type.name));
  }
}

/** An int argument (bool and objects with __index__ too): TypeError for anything else. */
function int(v: PyValue): bigint {
  const n = asIndex(v);
  if (n === null || typeof v === 'number') throw pyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  return typeof v === 'bigint' ? v : BigInt(n);
}

// ---------------------------------------------------------------- conversions

/** int(x) */
export function toInt(v: PyValue, base?: PyValue): bigint {
  if (base !== undefined) {
    if (typeof v !== 'string') throw pyError('TypeError', "int() can't convert non-string with explicit base");
    return parseIntText(v, Number(int(base)));
  }
  switch (typeof v) {
    case 'bigint':
      return v;
    case 'boolean':
      return v ? 1n : 0n;
    case 'number':
      if (Number.isNaN(v)) throw pyError('ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(v)) throw pyError('OverflowError', 'cannot convert float infinity to integer');
      return BigInt(Math.trunc(v));
    case 'string':
      return parseIntText(v, 10);
  }
  const special = typeOf(v).lookup('__int__') ?? typeOf(v).lookup('__index__');
  if (special !== undefined) {
    const result = runtime.call(special, [v], null);
    if (typeof result === 'bigint') return result;
  }
  throw pyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
}

function parseIntText(text: string, base: number): bigint {
  const cleaned = text.trim().replace(/_/g, '');
  const match = /^([+-]?)(0[xob])?([0-9a-z]+)$/i.exec(cleaned);
  const fail = () => pyError('ValueError', `invalid literal for int() with base ${base}: ${repr(text)}`);
  if (match === null || (base !== 0 && (base < 2 || base > 36))) throw fail();
  let radix = base;
  const prefix = match[2]?.toLowerCase();
  if (prefix) {
    const prefixRadix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
    if (radix === 0) radix = prefixRadix;
    else if (radix !== prefixRadix) throw fail();
  }
  if (radix === 0) radix = 10;
  let value = 0n;
  for (const ch of match[3].toLowerCase()) {
    const digit = parseInt(ch, 36);
    if (Number.isNaN(digit) || digit >= radix) throw fail();
    value = value * BigInt(radix) + BigInt(digit);
  }
  if (value > 10n ** 4300n) throw pyError('ValueError', 'Exceeds the limit (4300 digits) for integer string conversion: value has more digits; use sys.set_int_max_str_digits() to increase the limit');
  return match[1] === '-' ? -value : value;
}

/** float(x) */
export function toFloatValue(v: PyValue): number {
  switch (typeof v) {
    case 'number':
      return v;
    case 'bigint':
    case 'boolean':
      return toFloat(v);
    case 'string': {
      const text = v.trim().replace(/_/g, '').toLowerCase();
      if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
      if (/^[+-]?nan$/.test(text)) return NaN;
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(text)) return Number(text);
      throw pyError('ValueError', `could not convert string to float: ${repr(v)}`);
    }
  }
  const special = typeOf(v).lookup('__float__');
  if (special !== undefined) {
    const result = runtime.call(special, [v], null);
    if (typeof result === 'number') return result;
  }
  throw pyError('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`);
}

/** format(value, spec): primitives by the format library, tensors and objects by their __format__. */
export function formatValue(value: PyValue, spec: string): string {
  if (isPyPrimitive(value)) {
    chargeFormatSpec(spec);
    if (typeof value === 'bigint') checkIntDigits(value);
    return formatWithSpec(value, spec);
  }
  const special = typeOf(value).lookup('__format__');
  if (special !== undefined) {
    const result = runtime.call(special, [value, spec], null);
    if (typeof result !== 'string') throw pyError('TypeError', `__format__ must return a str, not ${typeName(result)}`);
    return result;
  }
  if (spec !== '') throw pyError('TypeError', `unsupported format string passed to ${typeName(value)}.__format__`);
  return str(value);
}

const percentHooks = {
  typeName: (v: unknown) => typeName(v as PyValue),
  toInt: (v: unknown, indexOnly: boolean): bigint | undefined => {
    const value = v as PyValue;
    const special = typeOf(value).lookup(indexOnly ? '__index__' : '__int__') ?? (indexOnly ? undefined : typeOf(value).lookup('__index__'));
    if (special === undefined) return undefined;
    const result = runtime.call(special, [value], null);
    return typeof result === 'bigint' ? result : undefined;
  },
  toFloat: (v: unknown): number | undefined => {
    const special = typeOf(v as PyValue).lookup('__float__');
    if (special === undefined) return undefined;
    const result = runtime.call(special, [v as PyValue], null);
    return typeof result === 'number' ? result : undefined;
  },
};

/**
 * Charges the output a format spec asks for (a width or precision of a million is a million
 * characters to write) before any is written, so the work meter sees it.
 */
function chargeFormatSpec(spec: string): void {
  let largest = 0;
  for (const digits of spec.match(/\d+/g) ?? []) largest = Math.max(largest, digits.length > 9 ? Infinity : Number(digits));
  if (largest > 256) runtime.charge(Math.ceil(Math.min(largest, 1e12) / 16));
}

/** `template % args` for str. */
export function percent(template: string, args: PyValue): string {
  chargeFormatSpec(template);
  for (const arg of args instanceof PyTuple ? args.items : [args]) if (typeof arg === 'bigint') checkIntDigits(arg);
  let operand: readonly unknown[] | PercentMapping;
  if (args instanceof PyTuple) operand = args.items;
  else if (args instanceof PyDict) {
    operand = new PercentMapping(args, (key) => {
      const value = dictGet(args, key);
      if (value === undefined) throw new KeyErrorValue(key).error();
      return value;
    });
  } else operand = [args];
  return percentFormat(template, operand, (v) => str(v as PyValue), (v) => repr(v as PyValue), percentHooks);
}

runtime.percentFormat = (template, args) => percent(template, args);
runtime.format = formatValue;

// ---------------------------------------------------------------- builtin functions

function print(args: PyValue[], kwargs: Kwargs): PyValue {
  let sep = ' ';
  let end = '\n';
  if (kwargs !== null) {
    for (const [key, value] of kwargs) {
      if (key === 'sep' || key === 'end') {
        if (value !== null && typeof value !== 'string') throw pyError('TypeError', `${key} must be None or a string, not ${typeName(value)}`);
        if (value !== null) {
          if (key === 'sep') sep = value;
          else end = value;
        }
      } else if (key === 'file') {
        if (value !== null) throw pyError('NotImplementedError', 'print(file=...) is not supported: output goes to the cell');
      } else if (key !== 'flush') {
        throw pyError('TypeError', `'${key}' is an invalid keyword argument for print()`);
      }
    }
  }
  let text = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0) text += sep;
    text += str(args[i]);
  }
  activeInterpreter().write(text + end);
  return null;
}

function rangeOf(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('range', kwargs);
  if (args.length === 0) throw pyError('TypeError', 'range expected at least 1 argument, got 0');
  if (args.length > 3) throw pyError('TypeError', `range expected at most 3 arguments, got ${args.length}`);
  const values = args.map((a) => int(a));
  if (values.length === 1) return new PyRange(0n, values[0], 1n);
  const step = values[2] ?? 1n;
  if (step === 0n) throw pyError('ValueError', 'range() arg 3 must not be zero');
  return new PyRange(values[0], values[1], step);
}

function minMax(name: 'min' | 'max', args: PyValue[], kwargs: Kwargs): PyValue {
  let key: PyValue = null;
  let fallback: PyValue | undefined;
  if (kwargs !== null) {
    for (const [k, v] of kwargs) {
      if (k === 'key') key = v;
      else if (k === 'default') fallback = v;
      else throw pyError('TypeError', `'${k}' is an invalid keyword argument for ${name}()`);
    }
  }
  if (args.length === 0) throw pyError('TypeError', `${name} expected at least 1 argument, got 0`);
  const items = args.length === 1 ? toArray(args[0]) : args;
  if (args.length > 1 && fallback !== undefined) {
    throw pyError('TypeError', `Cannot specify a default for ${name}() with multiple positional arguments`);
  }
  if (items.length === 0) {
    if (fallback !== undefined) return fallback;
    throw pyError('ValueError', `${name}() arg is an empty sequence`);
  }
  let best = items[0];
  let bestKey = key === null ? best : runtime.call(key, [best], null);
  for (let i = 1; i < items.length; i++) {
    const k = key === null ? items[i] : runtime.call(key, [items[i]], null);
    if (truthy(compareOp(name === 'max' ? 'Gt' : 'Lt', k, bestKey))) {
      best = items[i];
      bestKey = k;
    }
  }
  return best;
}

function sum(args: PyValue[], kwargs: Kwargs): PyValue {
  const [iterable, start] = parseArgs('sum', ['iterable', 'start='], args, kwargs);
  let total: PyValue = start ?? 0n;
  if (typeof total === 'string') throw pyError('TypeError', "sum() can't sum strings [use ''.join(seq) instead]");
  const it = iterate(iterable as PyValue);
  for (let item = it.next(); item !== STOP; item = it.next()) {
    runtime.charge(1);
    total = binaryOp('Add', total, item);
  }
  return total;
}

function round(args: PyValue[], kwargs: Kwargs): PyValue {
  const [number, ndigits] = parseArgs('round', ['number', 'ndigits='], args, kwargs);
  const x = number as PyValue;
  const n = ndigits === undefined || ndigits === null ? null : int(ndigits);
  if (typeof x === 'number') return n === null ? roundFloatToInt(x) : roundFloat(x, Number(n));
  if (typeof x === 'bigint' || typeof x === 'boolean') {
    const v = typeof x === 'boolean' ? (x ? 1n : 0n) : x;
    return n === null ? v : roundInt(v, n);
  }
  const special = typeOf(x).lookup('__round__');
  if (special !== undefined) return runtime.call(special, n === null ? [x] : [x, n], null);
  throw pyError('TypeError', `type ${typeName(x)} doesn't define __round__ method`);
}

function sorted(args: PyValue[], kwargs: Kwargs): PyValue {
  if (args.length !== 1) throw pyError('TypeError', `sorted expected 1 argument, got ${args.length}`);
  const list = new PyList(toArray(args[0]));
  sortList(list, kwargs);
  return list;
}

/** list.sort(key=None, reverse=False): stable, with Python's ordering. */
export function sortList(list: PyList, kwargs: Kwargs): void {
  let key: PyValue = null;
  let reverse = false;
  if (kwargs !== null) {
    for (const [k, v] of kwargs) {
      if (k === 'key') key = v;
      else if (k === 'reverse') reverse = truthy(v);
      else throw pyError('TypeError', `'${k}' is an invalid keyword argument for sort()`);
    }
  }
  const items = list.items;
  runtime.charge(items.length * Math.max(1, Math.ceil(Math.log2(items.length + 1))));
  const keyed = items.map((item, index) => ({ item, key: key === null ? item : runtime.call(key, [item], null), index }));
  if (reverse) keyed.reverse();
  keyed.sort((a, b) => (truthy(compareOp('Lt', a.key, b.key)) ? -1 : truthy(compareOp('Lt', b.key, a.key)) ? 1 : 0));
  if (reverse) keyed.reverse();
  list.items = keyed.map((k) => k.item);
}

function iteratorOf(typeName: string, next: () => Next): PyIterator {
  return new PyIterator(typeName, next);
}

function zip(args: PyValue[], kwargs: Kwargs): PyValue {
  const strict = kwargs?.get('strict');
  const iterators = args.map(iterate);
  let done = false;
  return iteratorOf('zip', () => {
    if (done || iterators.length === 0) return STOP;
    const items: PyValue[] = [];
    for (let i = 0; i < iterators.length; i++) {
      const item = iterators[i].next();
      if (item === STOP) {
        done = true;
        if (strict !== undefined && truthy(strict) && (i > 0 || iterators.slice(1).some((it) => it.next() !== STOP))) {
          throw pyError('ValueError', `zip() argument ${i === 0 ? 2 : i + 1} is ${i === 0 ? 'longer' : 'shorter'} than argument${i === 0 ? ' 1' : i === 1 ? ' 1' : `s 1-${i}`}`);
        }
        return STOP;
      }
      items.push(item);
    }
    return new PyTuple(items);
  });
}

function enumerate(args: PyValue[], kwargs: Kwargs): PyValue {
  const [iterable, start] = parseArgs('enumerate', ['iterable', 'start='], args, kwargs);
  const it = iterate(iterable as PyValue);
  let index = start === undefined ? 0n : int(start);
  return iteratorOf('enumerate', () => {
    const item = it.next();
    if (item === STOP) return STOP;
    return new PyTuple([index++, item]);
  });
}

function map(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('map', kwargs);
  if (args.length < 2) throw pyError('TypeError', 'map() must have at least two arguments.');
  const [fn, ...iterables] = args;
  const iterators = iterables.map(iterate);
  return iteratorOf('map', () => {
    const items: PyValue[] = [];
    for (const it of iterators) {
      const item = it.next();
      if (item === STOP) return STOP;
      items.push(item);
    }
    return runtime.call(fn, items, null);
  });
}

function filter(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('filter', kwargs);
  exactArgs('filter', args, 2);
  const [fn, iterable] = args;
  const it = iterate(iterable);
  return iteratorOf('filter', () => {
    for (let item = it.next(); item !== STOP; item = it.next()) {
      if (truthy(fn === null ? item : runtime.call(fn, [item], null))) return item;
    }
    return STOP;
  });
}

function reversed(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('reversed', kwargs);
  exactArgs('reversed', args, 1);
  const seq = args[0];
  if (!(seq instanceof PyList || seq instanceof PyTuple || seq instanceof PyRange || typeof seq === 'string' || seq instanceof PyDict)) {
    throw pyError('TypeError', `'${typeName(seq)}' object is not reversible`);
  }
  const items = toArray(seq);
  let i = items.length;
  return iteratorOf(seq instanceof PyList ? 'list_reverseiterator' : 'reversed', () => (i > 0 ? items[--i] : STOP));
}

function isinstance(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('isinstance', kwargs);
  exactArgs('isinstance', args, 2);
  const [obj, spec] = args;
  const check = (s: PyValue): boolean => {
    if (s instanceof PyTuple) return s.items.some(check);
    if (!(s instanceof PyClass)) throw pyError('TypeError', 'isinstance() arg 2 must be a type, a tuple of types, or a union');
    return isInstance(obj, s);
  };
  return check(spec);
}

function issubclass(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('issubclass', kwargs);
  exactArgs('issubclass', args, 2);
  const [cls, spec] = args;
  if (!(cls instanceof PyClass)) throw pyError('TypeError', 'issubclass() arg 1 must be a class');
  const check = (s: PyValue): boolean => {
    if (s instanceof PyTuple) return s.items.some(check);
    if (!(s instanceof PyClass)) throw pyError('TypeError', 'issubclass() arg 2 must be a class, a tuple of classes, or a union');
    return cls.isSubclassOf(s);
  };
  return check(spec);
}

function getattrBuiltin(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('getattr', kwargs);
  exactArgs('getattr', args, 2, 3);
  const [obj, name] = args;
  if (typeof name !== 'string') throw pyError('TypeError', `attribute name must be string, not '${typeName(name)}'`);
  checkAttributeName(name);
  if (args.length === 3) {
    const found = findAttr(obj, name);
    return found === undefined ? args[2] : found;
  }
  return getAttr(obj, name);
}

function hasattr(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('hasattr', kwargs);
  exactArgs('hasattr', args, 2);
  const [obj, name] = args;
  if (typeof name !== 'string') throw pyError('TypeError', `attribute name must be string, not '${typeName(name)}'`);
  if (name.startsWith('__')) return false;
  try {
    return findAttr(obj, name) !== undefined;
  } catch (error) {
    if (error instanceof Error && error.name === 'AttributeError') return false;
    throw error;
  }
}

function setattrBuiltin(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('setattr', kwargs);
  exactArgs('setattr', args, 3);
  const [obj, name, value] = args;
  if (typeof name !== 'string') throw pyError('TypeError', `attribute name must be string, not '${typeName(name)}'`);
  setAttr(obj, name, value);
  return null;
}

function next(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('next', kwargs);
  exactArgs('next', args, 1, 2);
  const it = args[0];
  if (!(it instanceof PyIterator)) {
    const method = typeOf(it).lookup('__next__');
    if (method !== undefined) return runtime.call(method, [it], null);
    throw pyError('TypeError', `'${typeName(it)}' object is not an iterator`);
  }
  const item = it.next();
  if (item !== STOP) return item;
  if (args.length === 2) return args[1];
  throw pyError('StopIteration');
}

function iter(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('iter', kwargs);
  exactArgs('iter', args, 1);
  const v = args[0];
  if (v instanceof PyIterator) return v;
  const it = iterate(v);
  const name = v instanceof PyList ? 'list_iterator' : v instanceof PyTuple ? 'tuple_iterator' : v instanceof PyRange ? 'range_iterator' : typeof v === 'string' ? 'str_ascii_iterator' : v instanceof PyDict ? 'dict_keyiterator' : 'iterator';
  return iteratorOf(name, () => it.next());
}

function divmod(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('divmod', kwargs);
  exactArgs('divmod', args, 2);
  const [a, b] = args;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toFloat(a);
    const y = toFloat(b);
    if (y === 0) throw pyError('ZeroDivisionError', 'float divmod()');
    return new PyTuple(floatDivmod(x, y));
  }
  return new PyTuple([binaryOp('FloorDiv', a, b), binaryOp('Mod', a, b)]);
}

function pow(args: PyValue[], kwargs: Kwargs): PyValue {
  const [base, exp, mod] = parseArgs('pow', ['base', 'exp', 'mod='], args, kwargs);
  if (mod === undefined || mod === null) return binaryOp('Pow', base as PyValue, exp as PyValue);
  const b = int(base as PyValue);
  let e = int(exp as PyValue);
  const m = int(mod);
  if (m === 0n) throw pyError('ValueError', 'pow() 3rd argument cannot be 0');
  if (e < 0n) throw pyError('ValueError', 'pow() negative exponent with a modulus is not supported here');
  let result = 1n;
  let x = ((b % m) + m) % m;
  while (e > 0n) {
    if (e & 1n) result = (result * x) % m;
    x = (x * x) % m;
    e >>= 1n;
  }
  return intOp('Mod', result, m);
}

function abs(args: PyValue[], kwargs: Kwargs): PyValue {
  noKeywords('abs', kwargs);
  exactArgs('abs', args, 1);
  const v = args[0];
  if (typeof v === 'number') return Math.abs(v);
  if (typeof v === 'bigint') return v < 0n ? -v : v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  const special = typeOf(v).lookup('__abs__');
  if (special !== undefined) return runtime.call(special, [v], null);
  throw pyError('TypeError', `bad operand type for abs(): '${typeName(v)}'`);
}

function refused(name: string, reason: string, type: 'PermissionError' | 'NameError' | 'NotImplementedError' = 'PermissionError'): PyBuiltin {
  return builtin(name, () => {
    throw pyError(type, `${name}() is not available in this sandbox: ${reason}`);
  });
}

const builtinFunctions: PyBuiltin[] = [
  builtin('print', print),
  builtin('len', (args, kwargs) => {
    noKeywords('len', kwargs);
    exactArgs('len', args, 1);
    return BigInt(length(args[0]));
  }),
  builtin('repr', (args, kwargs) => {
    noKeywords('repr', kwargs);
    exactArgs('repr', args, 1);
    return repr(args[0]);
  }),
  builtin('ascii', (args) => {
    exactArgs('ascii', args, 1);
    return asciiEscape(repr(args[0]));
  }),
  builtin('format', (args, kwargs) => {
    const [value, spec] = parseArgs('format', ['value', 'format_spec='], args, kwargs);
    if (spec !== undefined && typeof spec !== 'string') throw pyError('TypeError', `format() argument 2 must be str, not ${typeName(spec)}`);
    return formatValue(value as PyValue, (spec as string | undefined) ?? '');
  }),
  builtin('abs', abs),
  builtin('min', (args, kwargs) => minMax('min', args, kwargs)),
  builtin('max', (args, kwargs) => minMax('max', args, kwargs)),
  builtin('sum', sum),
  builtin('round', round),
  builtin('sorted', sorted),
  builtin('reversed', reversed),
  builtin('zip', zip),
  builtin('enumerate', enumerate),
  builtin('map', map),
  builtin('filter', filter),
  builtin('isinstance', isinstance),
  builtin('issubclass', issubclass),
  builtin('getattr', getattrBuiltin),
  builtin('hasattr', hasattr),
  builtin('setattr', setattrBuiltin),
  builtin('callable', (args) => {
    exactArgs('callable', args, 1);
    const v = args[0];
    return v instanceof PyFunction || v instanceof PyBuiltin || v instanceof PyBoundMethod || v instanceof PyClass || (v instanceof PyObject && typeOf(v).lookup('__call__') !== undefined);
  }),
  builtin('next', next),
  builtin('iter', iter),
  builtin('any', (args) => {
    exactArgs('any', args, 1);
    const it = iterate(args[0]);
    for (let item = it.next(); item !== STOP; item = it.next()) if (truthy(item)) return true;
    return false;
  }),
  builtin('all', (args) => {
    exactArgs('all', args, 1);
    const it = iterate(args[0]);
    for (let item = it.next(); item !== STOP; item = it.next()) if (!truthy(item)) return false;
    return true;
  }),
  builtin('divmod', divmod),
  builtin('pow', pow),
  builtin('id', (args) => {
    exactArgs('id', args, 1);
    const v = args[0];
    return typeof v === 'object' && v !== null ? BigInt(addressOf(v)) : (hashOf(v) < 0n ? -hashOf(v) : hashOf(v)) * 16n;
  }),
  builtin('hash', (args) => {
    exactArgs('hash', args, 1);
    keyOf(args[0]);
    return hashOf(args[0]);
  }),
  builtin('chr', (args) => {
    exactArgs('chr', args, 1);
    const n = Number(int(args[0]));
    if (n < 0 || n > 0x10ffff) throw pyError('ValueError', 'chr() arg not in range(0x110000)');
    return String.fromCodePoint(n);
  }),
  builtin('ord', (args) => {
    exactArgs('ord', args, 1);
    const s = args[0];
    if (typeof s !== 'string') throw pyError('TypeError', `ord() expected string of length 1, but ${typeName(s)} found`);
    const chars = Array.from(s);
    if (chars.length !== 1) throw pyError('TypeError', `ord() expected a character, but string of length ${chars.length} found`);
    return BigInt(chars[0].codePointAt(0) as number);
  }),
  builtin('hex', (args) => radix(args, 16, '0x')),
  builtin('oct', (args) => radix(args, 8, '0o')),
  builtin('bin', (args) => radix(args, 2, '0b')),
  superBuiltin,
  refused('eval', 'programs cannot run code from strings'),
  refused('exec', 'programs cannot run code from strings'),
  refused('compile', 'programs cannot compile code from strings'),
  refused('__import__', 'use an import statement (torch, math, numpy, matplotlib)'),
  refused('open', 'there is no file system'),
  refused('input', 'there is no keyboard'),
  refused('breakpoint', 'there is no debugger'),
  refused('globals', 'namespaces cannot be inspected'),
  refused('locals', 'namespaces cannot be inspected'),
  refused('vars', 'namespaces cannot be inspected'),
  refused('dir', 'namespaces cannot be inspected'),
  refused('help', 'there is no help system'),
  refused('exit', 'a notebook cell cannot exit the kernel'),
  refused('quit', 'a notebook cell cannot exit the kernel'),
  refused('memoryview', 'raw memory is not available'),
];

function radix(args: PyValue[], base: number, prefix: string): string {
  exactArgs(prefix === '0x' ? 'hex' : prefix === '0o' ? 'oct' : 'bin', args, 1);
  const n = int(args[0]);
  return (n < 0n ? '-' : '') + prefix + (n < 0n ? -n : n).toString(base);
}

/** hash() as CPython gives it for ints (and a stable number for everything else). */
function hashOf(v: PyValue): bigint {
  const key = keyOf(v);
  if (typeof key === 'number' && Number.isInteger(key)) return intHash(BigInt(key));
  if (typeof key === 'string' && key.startsWith('#int:')) return intHash(BigInt(key.slice(5)));
  const text = typeof key === 'string' ? key : typeof key === 'number' ? String(key) : addressOf(key as object);
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return BigInt(h === -1 ? -2 : h);
}

/** CPython's hash of an int: the value modulo 2^61 - 1, with the sign; -1 becomes -2. */
function intHash(n: bigint): bigint {
  const modulus = (1n << 61n) - 1n;
  const h = n < 0n ? -(-n % modulus) : n % modulus;
  return h === -1n ? -2n : h;
}

// ---------------------------------------------------------------- built-in types: constructors

intType.construct = (args, kwargs) => {
  const [x, base] = parseArgs('int', ['x=', 'base='], args, kwargs);
  return x === undefined ? 0n : toInt(x, base);
};
floatType.construct = (args, kwargs) => {
  noKeywords('float', kwargs);
  exactArgs('float', args, 0, 1);
  return args.length === 0 ? 0 : toFloatValue(args[0]);
};
boolType.construct = (args, kwargs) => {
  noKeywords('bool', kwargs);
  exactArgs('bool', args, 0, 1);
  return args.length === 0 ? false : truthy(args[0]);
};
strType.construct = (args, kwargs) => {
  const [object] = parseArgs('str', ['object='], args, kwargs);
  return object === undefined ? '' : str(object);
};
listType.construct = (args, kwargs) => {
  noKeywords('list', kwargs);
  exactArgs('list', args, 0, 1);
  return new PyList(args.length === 0 ? [] : toArray(args[0]));
};
tupleType.construct = (args, kwargs) => {
  noKeywords('tuple', kwargs);
  exactArgs('tuple', args, 0, 1);
  return args.length === 0 ? new PyTuple([]) : args[0] instanceof PyTuple && typeOf(args[0]) === tupleType ? args[0] : new PyTuple(toArray(args[0]));
};
dictType.construct = (args, kwargs) => {
  exactArgs('dict', args, 0, 1);
  const d = new PyDict();
  if (args.length === 1) dictUpdate(d, args[0]);
  if (kwargs !== null) for (const [k, v] of kwargs) dictSet(d, k, v);
  return d;
};
setType.construct = (args, kwargs) => {
  noKeywords('set', kwargs);
  exactArgs('set', args, 0, 1);
  const s = new PySet();
  if (args.length === 1) for (const item of toArray(args[0])) setAddItem(s, item);
  return s;
};
frozensetType.construct = (args, kwargs) => {
  noKeywords('frozenset', kwargs);
  exactArgs('frozenset', args, 0, 1);
  const s = new PySet(true);
  if (args.length === 1) for (const item of toArray(args[0])) setAddItem(s, item);
  return s;
};
rangeType.construct = rangeOf;
sliceType.construct = (args, kwargs) => {
  noKeywords('slice', kwargs);
  exactArgs('slice', args, 1, 3);
  if (args.length === 1) return new PySlice(null, args[0], null);
  return new PySlice(args[0], args[1], args[2] ?? null);
};
typeType.construct = (args, kwargs) => {
  noKeywords('type', kwargs);
  if (args.length === 1) return typeOf(args[0]);
  throw pyError('TypeError', args.length === 3 ? 'type() with three arguments (making a class) is not supported here' : 'type() takes 1 or 3 arguments');
};
objectType.construct = (args) => {
  if (args.length > 0) throw pyError('TypeError', 'object() takes no arguments');
  return new PyInstance(objectType);
};
staticmethodType.construct = (args) => {
  exactArgs('staticmethod', args, 1);
  return new PyStaticMethod(args[0]);
};
classmethodType.construct = (args) => {
  exactArgs('classmethod', args, 1);
  return new PyClassMethod(args[0]);
};
propertyType.construct = (args, kwargs) => {
  const [fget, fset] = parseArgs('property', ['fget=', 'fset=', 'fdel=', 'doc='], args, kwargs);
  return makeProperty(fget ?? null, fset ?? null);
};

function makeProperty(fget: PyValue, fset: PyValue): PyProperty {
  const prop = new PyProperty(
    (self) => {
      if (fget === null) throw pyError('AttributeError', 'unreadable attribute');
      return runtime.call(fget, [self], null);
    },
    fset === null ? null : (self, value) => void runtime.call(fset, [self, value], null),
    fget,
  );
  return prop;
}

defineMethods(propertyType, {
  setter: (self, args) => makeProperty((self as PyProperty).getter, args[0]),
  getter: (_self, args) => makeProperty(args[0], null),
});

export function setAddItem(s: PySet, item: PyValue): void {
  const key = keyOf(item);
  if (!s.entries.has(key)) s.entries.set(key, item);
}

function dictUpdate(d: PyDict, source: PyValue): void {
  if (source instanceof PyDict) {
    for (const [k, entry] of source.entries) d.entries.set(k, [entry[0], entry[1]]);
    return;
  }
  const items = toArray(source);
  items.forEach((pair, i) => {
    let kv: PyValue[];
    try {
      kv = toArray(pair);
    } catch (error) {
      if (error instanceof Error && error.name === 'TypeError') {
        throw pyError('TypeError', `cannot convert dictionary update sequence element #${i} to a sequence`);
      }
      throw error;
    }
    if (kv.length !== 2) {
      throw pyError('ValueError', `dictionary update sequence element #${i} has length ${kv.length}; 2 is required`);
    }
    dictSet(d, kv[0], kv[1]);
  });
}

// ---------------------------------------------------------------- methods of built-in types

function checkStr(v: PyValue, method: string): string {
  if (typeof v !== 'string') throw pyError('TypeError', `${method} arg must be None or str`);
  return v;
}

function whitespaceSplit(s: string, maxsplit: number): string[] {
  const parts: string[] = [];
  let rest = s.replace(/^\s+/, '');
  while (rest.length > 0) {
    if (maxsplit >= 0 && parts.length === maxsplit) {
      parts.push(rest);
      break;
    }
    const m = /\s+/.exec(rest);
    if (m === null) {
      parts.push(rest);
      break;
    }
    parts.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  return parts;
}

function stripChars(s: string, chars: PyValue | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : new Set(Array.from(checkStr(chars, 'strip')));
  const strip = (ch: string) => (set === null ? isWhitespace(ch) : set.has(ch));
  // code point by code point from each end, in place (a surrogate pair is one character)
  let start = 0;
  let end = s.length;
  if (left) {
    while (start < end) {
      const ch = String.fromCodePoint(s.codePointAt(start) as number);
      if (!strip(ch)) break;
      start += ch.length;
    }
  }
  if (right) {
    while (end > start) {
      const low = s.charCodeAt(end - 1);
      const pair = end - 2 >= start && low >= 0xdc00 && low <= 0xdfff && s.charCodeAt(end - 2) >= 0xd800 && s.charCodeAt(end - 2) <= 0xdbff;
      const ch = s.slice(pair ? end - 2 : end - 1, end);
      if (!strip(ch)) break;
      end -= ch.length;
    }
  }
  // charged for what was examined (a step per 16 characters)
  runtime.charge(Math.ceil((start + s.length - end) / 16));
  return s.slice(start, end);
}

/** What the default strip() removes (JavaScript's \s; the ASCII ones without a regex). */
function isWhitespace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /^\s$/.test(ch);
}

function strIndexArgs(s: string, args: PyValue[]): [string, number, number] {
  const sub = args[0];
  if (typeof sub !== 'string') throw pyError('TypeError', `must be str, not ${typeName(sub)}`);
  const n = s.length;
  const clip = (v: PyValue | undefined, fallback: number) => {
    if (v === undefined || v === null) return fallback;
    let i = asIndex(v) ?? 0;
    if (i < 0) i = Math.max(0, i + n);
    return Math.min(i, n);
  };
  return [sub, clip(args[1], 0), clip(args[2], n)];
}

/** `s`, with its length charged as work done on it: a step per `charactersPerStep` characters. */
function chargedText(s: string, charactersPerStep: number): string {
  runtime.charge(Math.ceil(s.length / charactersPerStep));
  return s;
}

function pad(s: string, width: PyValue, fill: PyValue | undefined, where: 'left' | 'right' | 'center'): string {
  const w = Number(int(width));
  if (w > MAX_SEQUENCE_LENGTH) throw pyError('MemoryError', `a string of ${w} characters is longer than this service builds`);
  runtime.charge(Math.ceil(w / 16));
  const f = fill === undefined ? ' ' : (fill as string);
  if (typeof f !== 'string' || Array.from(f).length !== 1) throw pyError('TypeError', 'The fill character must be exactly one character long');
  const len = Array.from(s).length;
  if (w <= len) return s;
  const total = w - len;
  if (where === 'left') return s + f.repeat(total);
  if (where === 'right') return f.repeat(total) + s;
  // CPython centers with the extra character on the right when the width is odd and the text even
  const left = Math.floor(total / 2) + (total & w & 1);
  return f.repeat(left) + s + f.repeat(total - left);
}

defineMethods(strType, {
  format: (self, args, kwargs) =>
    strFormat(chargedTemplate(self as string), args, kwargs ?? new Map(), {
      format: (v, spec) => formatValue(v as PyValue, spec),
      str: (v) => str(v as PyValue),
      repr: (v) => repr(v as PyValue),
      getAttr: (v, name) => getAttr(v as PyValue, name),
      getItem: (v, key) => getItem(v as PyValue, key),
    }),
  join: (self, args) => {
    exactArgs('join', args, 1);
    const items = toArray(args[0]);
    items.forEach((item, i) => {
      if (typeof item !== 'string') throw pyError('TypeError', `sequence item ${i}: expected str instance, ${typeName(item)} found`);
    });
    const separator = self as string;
    let length = separator.length * Math.max(0, items.length - 1);
    for (const item of items as string[]) length += item.length;
    checkLength(length);
    return (items as string[]).join(separator);
  },
  split: (self, args, kwargs) => {
    const [sep, maxsplit] = parseArgs('split', ['sep=', 'maxsplit='], args, kwargs);
    const s = self as string;
    const max = maxsplit === undefined ? -1 : Number(int(maxsplit));
    if (sep === undefined || sep === null) return new PyList(whitespaceSplit(s, max));
    const separator = checkStr(sep, 'split');
    if (separator === '') throw pyError('ValueError', 'empty separator');
    const parts = s.split(separator);
    if (max >= 0 && parts.length > max + 1) return new PyList([...parts.slice(0, max), parts.slice(max).join(separator)]);
    return new PyList(parts);
  },
  rsplit: (self, args, kwargs) => {
    const [sep, maxsplit] = parseArgs('rsplit', ['sep=', 'maxsplit='], args, kwargs);
    const s = self as string;
    const max = maxsplit === undefined ? -1 : Number(int(maxsplit));
    if (sep === undefined || sep === null) {
      const all = whitespaceSplit(s, -1);
      if (max < 0 || all.length <= max + 1) return new PyList(all);
      const trimmed = s.replace(/\s+$/, '');
      const reversedParts = whitespaceSplit(Array.from(trimmed).reverse().join(''), max).map((p) => Array.from(p).reverse().join(''));
      return new PyList(reversedParts.reverse());
    }
    const separator = checkStr(sep, 'rsplit');
    const parts = s.split(separator);
    if (max >= 0 && parts.length > max + 1) return new PyList([parts.slice(0, parts.length - max).join(separator), ...parts.slice(parts.length - max)]);
    return new PyList(parts);
  },
  strip: (self, args) => stripChars(self as string, args[0], true, true),
  lstrip: (self, args) => stripChars(self as string, args[0], true, false),
  rstrip: (self, args) => stripChars(self as string, args[0], false, true),
  upper: (self) => chargedText(self as string, 16).toUpperCase(),
  lower: (self) => chargedText(self as string, 16).toLowerCase(),
  casefold: (self) => chargedText(self as string, 16).toLowerCase(),
  // character by character (~100 ns each): a step per 4
  swapcase: (self) => Array.from(chargedText(self as string, 4)).map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  // a callback per word (~300 ns a character for short words): a step per character
  title: (self) => chargedText(self as string, 1).toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()),
  capitalize: (self) => {
    const s = self as string;
    return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1).toLowerCase();
  },
  replace: (self, args) => {
    exactArgs('replace', args, 2, 3);
    const [old, replacement] = [checkStr(args[0], 'replace'), checkStr(args[1], 'replace')];
    const count = args[2] === undefined ? -1 : Number(int(args[2]));
    const s = self as string;
    const limit = count < 0 ? Infinity : count;
    // The text is split at the first `limit` matches (left to right, one pass) and the pieces joined
    // with the replacement; the result's length is known, and refused if too long, before it is
    // built. Scanning is charged as copying is (a step per 16 characters), pieces made one by one a
    // step per 4.
    const pieces: string[] = [];
    runtime.charge(Math.ceil(s.length / 16));
    if (old === '') {
      // '' matches before every character and at the end: 'ab' -> '-a-b-'
      const characters = Array.from(s);
      runtime.charge(Math.ceil(characters.length / 4));
      const matches = Math.min(limit, characters.length + 1);
      checkLength(s.length + matches * replacement.length);
      pieces.push('');
      for (let i = 0; i < characters.length; i++) {
        if (i + 1 < matches) pieces.push(characters[i]);
        else {
          pieces.push(characters.slice(i).join(''));
          break;
        }
      }
      if (matches === characters.length + 1) pieces.push('');
      return matches === 0 ? s : pieces.join(replacement);
    }
    if (count < 0) {
      // every match: the native split, then its pieces joined
      const parts = s.split(old);
      if (parts.length === 1) return s;
      checkLength(s.length + (parts.length - 1) * (replacement.length - old.length));
      return parts.join(replacement);
    }
    let from = 0;
    while (pieces.length < limit) {
      const at = s.indexOf(old, from);
      if (at < 0) break;
      pieces.push(s.slice(from, at));
      from = at + old.length;
      if ((pieces.length & 255) === 0) runtime.charge(64);
    }
    if (pieces.length === 0) return s;
    checkLength(s.length + pieces.length * (replacement.length - old.length));
    pieces.push(s.slice(from));
    return pieces.join(replacement);
  },
  startswith: (self, args) => affix(self as string, args, (s, p) => s.startsWith(p)),
  endswith: (self, args) => affix(self as string, args, (s, p) => s.endsWith(p)),
  find: (self, args) => {
    const [sub, start, end] = strIndexArgs(self as string, args);
    const at = (self as string).slice(0, end).indexOf(sub, start);
    return BigInt(at);
  },
  rfind: (self, args) => {
    const [sub, start, end] = strIndexArgs(self as string, args);
    const at = (self as string).slice(0, end).lastIndexOf(sub);
    return BigInt(at >= start ? at : -1);
  },
  index: (self, args) => {
    const [sub, start, end] = strIndexArgs(self as string, args);
    const at = (self as string).slice(0, end).indexOf(sub, start);
    if (at < 0) throw pyError('ValueError', 'substring not found');
    return BigInt(at);
  },
  count: (self, args) => {
    const [sub, start, end] = strIndexArgs(self as string, args);
    const region = chargedText((self as string).slice(start, end), 16);
    if (sub === '') return BigInt(Array.from(region).length + 1);
    return BigInt(region.split(sub).length - 1);
  },
  center: (self, args) => pad(self as string, args[0], args[1], 'center'),
  ljust: (self, args) => pad(self as string, args[0], args[1], 'left'),
  rjust: (self, args) => pad(self as string, args[0], args[1], 'right'),
  zfill: (self, args) => {
    const s = self as string;
    const w = Number(int(args[0]));
    if (w > MAX_SEQUENCE_LENGTH) throw pyError('MemoryError', `a string of ${w} characters is longer than this service builds`);
    runtime.charge(Math.ceil(w / 16));
    if (s.length >= w) return s;
    const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
    return sign + '0'.repeat(w - s.length) + s.slice(sign.length);
  },
  isdigit: (self) => /^\d+$/.test(self as string),
  isdecimal: (self) => /^\d+$/.test(self as string),
  isnumeric: (self) => /^\d+$/.test(self as string),
  isalpha: (self) => /^\p{L}+$/u.test(self as string),
  isalnum: (self) => /^[\p{L}\d]+$/u.test(self as string),
  isspace: (self) => /^\s+$/.test(self as string),
  isupper: (self) => /[A-Z]/.test(self as string) && (self as string) === (self as string).toUpperCase(),
  islower: (self) => /[a-z]/.test(self as string) && (self as string) === (self as string).toLowerCase(),
  isidentifier: (self) => /^[\p{L}_][\p{L}\d_]*$/u.test(self as string),
  splitlines: (self, args) => {
    const keep = args[0] !== undefined && truthy(args[0]);
    const s = self as string;
    const lines: string[] = [];
    const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
    let last = 0;
    for (let m = re.exec(s); m !== null; m = re.exec(s)) {
      lines.push(s.slice(last, keep ? m.index + m[0].length : m.index));
      last = m.index + m[0].length;
    }
    if (last < s.length) lines.push(s.slice(last));
    return new PyList(lines);
  },
  partition: (self, args) => {
    const sep = checkStr(args[0], 'partition');
    const s = self as string;
    const at = s.indexOf(sep);
    return new PyTuple(at < 0 ? [s, '', ''] : [s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  rpartition: (self, args) => {
    const sep = checkStr(args[0], 'rpartition');
    const s = self as string;
    const at = s.lastIndexOf(sep);
    return new PyTuple(at < 0 ? ['', '', s] : [s.slice(0, at), sep, s.slice(at + sep.length)]);
  },
  removeprefix: (self, args) => {
    const p = checkStr(args[0], 'removeprefix');
    const s = self as string;
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (self, args) => {
    const p = checkStr(args[0], 'removesuffix');
    const s = self as string;
    return p !== '' && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  expandtabs: (self) => {
    const s = chargedText(self as string, 16);
    let tabs = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 9) tabs++;
    checkLength(s.length + 7 * tabs);
    return s.replace(/\t/g, '        ');
  },
});

function chargedTemplate(template: string): string {
  chargeFormatSpec(template);
  return template;
}

function affix(s: string, args: PyValue[], test: (s: string, p: string) => boolean): boolean {
  const prefix = args[0];
  const region = s.slice(args[1] === undefined || args[1] === null ? 0 : Number(asIndex(args[1]) ?? 0), args[2] === undefined || args[2] === null ? undefined : Number(asIndex(args[2]) ?? 0));
  if (prefix instanceof PyTuple) return prefix.items.some((p) => test(region, checkStr(p, 'startswith')));
  if (typeof prefix !== 'string') throw pyError('TypeError', `startswith first arg must be str or a tuple of str, not ${typeName(prefix)}`);
  return test(region, prefix);
}

defineMethods(listType, {
  append: (self, args) => {
    exactArgs('list.append', args, 1);
    (self as PyList).items.push(args[0]);
    return null;
  },
  extend: (self, args) => {
    exactArgs('list.extend', args, 1);
    const items = toArray(args[0]);
    (self as PyList).items.push(...items);
    return null;
  },
  insert: (self, args) => {
    exactArgs('insert', args, 2);
    const items = (self as PyList).items;
    let i = Number(int(args[0]));
    if (i < 0) i = Math.max(0, i + items.length);
    items.splice(Math.min(i, items.length), 0, args[1]);
    return null;
  },
  pop: (self, args) => {
    const items = (self as PyList).items;
    if (items.length === 0) throw pyError('IndexError', 'pop from empty list');
    let i = args.length === 0 ? items.length - 1 : Number(int(args[0]));
    if (i < 0) i += items.length;
    if (i < 0 || i >= items.length) throw pyError('IndexError', 'pop index out of range');
    return items.splice(i, 1)[0];
  },
  remove: (self, args) => {
    const items = (self as PyList).items;
    runtime.charge(items.length);
    const i = items.findIndex((x) => equals(x, args[0]));
    if (i < 0) throw pyError('ValueError', 'list.remove(x): x not in list');
    items.splice(i, 1);
    return null;
  },
  index: (self, args) => {
    const items = (self as PyList).items;
    runtime.charge(items.length);
    const i = items.findIndex((x) => equals(x, args[0]));
    if (i < 0) throw pyError('ValueError', `${repr(args[0])} is not in list`);
    return BigInt(i);
  },
  count: (self, args) => {
    runtime.charge((self as PyList).items.length);
    return BigInt((self as PyList).items.filter((x) => equals(x, args[0])).length);
  },
  sort: (self, args, kwargs) => {
    if (args.length > 0) throw pyError('TypeError', 'sort() takes no positional arguments');
    sortList(self as PyList, kwargs);
    return null;
  },
  reverse: (self) => {
    (self as PyList).items.reverse();
    return null;
  },
  clear: (self) => {
    (self as PyList).items.length = 0;
    return null;
  },
  copy: (self) => new PyList((self as PyList).items.slice()),
});

defineMethods(tupleType, {
  index: (self, args) => {
    const i = (self as PyTuple).items.findIndex((x) => equals(x, args[0]));
    if (i < 0) throw pyError('ValueError', 'tuple.index(x): x not in tuple');
    return BigInt(i);
  },
  count: (self, args) => BigInt((self as PyTuple).items.filter((x) => equals(x, args[0])).length),
});

/** dict.keys() / values() / items(): a list-like view (iterable, len, in). */
class DictView extends PyNativeObject {
  constructor(
    readonly kind: 'keys' | 'values' | 'items',
    readonly source: PyDict,
  ) {
    super();
  }
  get type(): PyClass {
    return dictViewTypes[this.kind];
  }
  items(): PyValue[] {
    const out: PyValue[] = [];
    for (const [k, v] of this.source.entries.values()) out.push(this.kind === 'keys' ? k : this.kind === 'values' ? v : new PyTuple([k, v]));
    return out;
  }
}

const dictViewTypes = {
  keys: new PyClass('dict_keys', 'builtins', [objectType]),
  values: new PyClass('dict_values', 'builtins', [objectType]),
  items: new PyClass('dict_items', 'builtins', [objectType]),
};
for (const [kind, type] of Object.entries(dictViewTypes)) {
  defineMethods(type, {
    __iter__: (self) => {
      const items = (self as DictView).items();
      let i = 0;
      return new PyIterator(`dict_${kind.slice(0, -1)}iterator`, () => (i < items.length ? items[i++] : STOP));
    },
    __len__: (self) => BigInt((self as DictView).source.entries.size),
    __repr__: (self) => `dict_${kind}(${repr(new PyList((self as DictView).items()))})`,
    __contains__: (self, args) => contains(new PyList((self as DictView).items()), args[0]),
  });
}

defineMethods(dictType, {
  keys: (self) => new DictView('keys', self as PyDict),
  values: (self) => new DictView('values', self as PyDict),
  items: (self) => new DictView('items', self as PyDict),
  get: (self, args) => {
    exactArgs('get', args, 1, 2);
    return dictGet(self as PyDict, args[0]) ?? args[1] ?? null;
  },
  pop: (self, args) => {
    exactArgs('pop', args, 1, 2);
    const d = self as PyDict;
    const key = keyOf(args[0]);
    const entry = d.entries.get(key);
    if (entry === undefined) {
      if (args.length === 2) return args[1];
      throw new KeyErrorValue(args[0]).error();
    }
    d.entries.delete(key);
    return entry[1];
  },
  setdefault: (self, args) => {
    const d = self as PyDict;
    const existing = dictGet(d, args[0]);
    if (existing !== undefined) return existing;
    const value = args[1] ?? null;
    dictSet(d, args[0], value);
    return value;
  },
  update: (self, args, kwargs) => {
    const d = self as PyDict;
    if (args.length > 0) dictUpdate(d, args[0]);
    if (kwargs !== null) for (const [k, v] of kwargs) dictSet(d, k, v);
    return null;
  },
  clear: (self) => {
    (self as PyDict).entries.clear();
    return null;
  },
  copy: (self) => {
    const out = new PyDict();
    for (const [k, e] of (self as PyDict).entries) out.entries.set(k, [e[0], e[1]]);
    return out;
  },
  popitem: (self) => {
    const d = self as PyDict;
    const last = [...d.entries.keys()].pop();
    if (last === undefined) throw pyError('KeyError', "'popitem(): dictionary is empty'");
    const entry = d.entries.get(last) as [PyValue, PyValue];
    d.entries.delete(last);
    return new PyTuple(entry);
  },
});

defineMethods(setType, {
  add: (self, args) => {
    setAddItem(self as PySet, args[0]);
    return null;
  },
  remove: (self, args) => {
    if (!(self as PySet).entries.delete(keyOf(args[0]))) throw new KeyErrorValue(args[0]).error();
    return null;
  },
  discard: (self, args) => {
    (self as PySet).entries.delete(keyOf(args[0]));
    return null;
  },
  pop: (self) => {
    const s = self as PySet;
    const first = s.entries.keys().next();
    if (first.done) throw pyError('KeyError', "'pop from an empty set'");
    const value = s.entries.get(first.value) as PyValue;
    s.entries.delete(first.value);
    return value;
  },
  update: (self, args) => {
    for (const a of args) for (const item of toArray(a)) setAddItem(self as PySet, item);
    return null;
  },
  clear: (self) => {
    (self as PySet).entries.clear();
    return null;
  },
  copy: (self) => {
    const out = new PySet();
    for (const [k, v] of (self as PySet).entries) out.entries.set(k, v);
    return out;
  },
  union: (self, args) => args.reduce((acc: PyValue, a) => binaryOp('BitOr', acc, setType.construct?.([a], null) as PyValue), self),
  intersection: (self, args) => args.reduce((acc: PyValue, a) => binaryOp('BitAnd', acc, setType.construct?.([a], null) as PyValue), self),
  difference: (self, args) => args.reduce((acc: PyValue, a) => binaryOp('Sub', acc, setType.construct?.([a], null) as PyValue), self),
  issubset: (self, args) => compare('LtE', self, setType.construct?.([args[0]], null) as PyValue),
  issuperset: (self, args) => compare('GtE', self, setType.construct?.([args[0]], null) as PyValue),
});

for (const type of [intType, floatType]) {
  const dict = type.dict as Map<string, PyValue>;
  dict.set('real', new PyProperty((self) => (typeof self === 'boolean' ? (self ? 1n : 0n) : self)));
  dict.set('imag', new PyProperty((self) => (typeof self === 'number' ? 0 : 0n)));
}

defineMethods(intType, {
  bit_length: (self) => {
    const n = typeof self === 'boolean' ? (self ? 1n : 0n) : (self as bigint);
    return BigInt(n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length);
  },
  conjugate: (self) => self,
  __index__: (self) => (typeof self === 'boolean' ? (self ? 1n : 0n) : self),
});

defineMethods(floatType, {
  is_integer: (self) => Number.isInteger(self as number),
  conjugate: (self) => self,
  hex: (self) => {
    const x = self as number;
    if (!Number.isFinite(x)) return floatRepr(x);
    return doubleToString(x, 'r', 0);
  },
});

// ---------------------------------------------------------------- the namespace

/** The builtins namespace a program starts with. */
export const BUILTINS: ReadonlyMap<string, PyValue> = (() => {
  const names = new Map<string, PyValue>();
  for (const fn of builtinFunctions) names.set(fn.name, fn);
  for (const type of [intType, floatType, boolType, strType, listType, tupleType, dictType, setType, frozensetType, rangeType, sliceType, typeType, objectType, staticmethodType, classmethodType, propertyType]) {
    names.set(type.name, type);
  }
  for (const [name, cls] of EXCEPTION_CLASSES) names.set(name, cls);
  names.set('NotImplemented', NOT_IMPLEMENTED);
  names.set('Ellipsis', ELLIPSIS);
  return names;
})();

