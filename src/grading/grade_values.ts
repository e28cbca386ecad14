/**
 * Variables of a notebook as plain data (`observe`), and the comparison of a submission's
 * variable with the reference's (`compareObserved`). Plain data, because a batch runs its
 * reference once and sends what it observed to every submission's task (possibly in another
 * thread). Nothing here calls a program's own methods: a class whose `__eq__` always answers
 * True compares by its attributes, not by what it claims.
 */
import type { NamedTuple } from '../engine/op.js';
import { chargeWork } from '../engine/meter.js';
import { Node as GradNode } from '../engine/autograd.js';
import { Tensor } from '../engine/tensor.js';
import { repr, typeName } from '../python/objects.js';
import { PyClass, PyDict, PyInstance, PyList, PySet, PyTuple, type PyValue, TorchSize } from '../python/values.js';
import { COMPARE_FIELDS, type CompareField } from '../../schemas/grade.js';

/** A number as JSON carries it: non-finite values as strings. */
export type Wire = number | 'NaN' | 'Infinity' | '-Infinity';

export interface ObservedValues {
  shape: number[];
  dtype: string;
  data: Wire[];
}

export interface ObservedTensor extends ObservedValues {
  grad: ObservedValues | null;
  grad_fn: string | null;
  requires_grad: boolean;
}

/** A Python value as plain data (JSON-safe). */
export type Observed =
  | null
  | boolean
  | string
  | { int: string }
  | { float: Wire }
  | { tensor: ObservedTensor }
  | { list: Observed[] }
  | { tuple: Observed[] }
  | { set: Observed[] }
  | { dict: [Observed, Observed][] }
  | { object: string; attrs: [string, Observed][] }
  | { other: string; repr: string | null };

/** What one variable may hold to be observed in full (deeper or larger parts are compared by type only). */
const MAX_DEPTH = 32;
const MAX_ITEMS = 10_000;
const MAX_ELEMENTS = 1_000_000;

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** A value as plain data. Charges the work meter one unit per element and item read. */
export function observe(value: PyValue): Observed {
  const budget = { items: MAX_ITEMS, elements: MAX_ELEMENTS };
  return observeBounded(value, 0, budget);
}

function observeBounded(v: PyValue, depth: number, budget: { items: number; elements: number }): Observed {
  chargeWork(1);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'number') return { float: wire(v) };
  if (v instanceof Tensor) return observeTensor(v, budget);
  if (depth >= MAX_DEPTH || --budget.items < 0) return { other: typeName(v), repr: null };
  const items = (xs: readonly PyValue[]) => {
    budget.items -= xs.length;
    return budget.items < 0 ? null : xs.map((x) => observeBounded(x, depth + 1, budget));
  };
  if (v instanceof PyTuple && !(v instanceof TorchSize)) {
    const tuple = items(v.items);
    return tuple === null ? { other: 'tuple', repr: null } : { tuple };
  }
  if (v instanceof PyList) {
    const list = items(v.items);
    return list === null ? { other: 'list', repr: null } : { list };
  }
  if (v instanceof PySet) {
    const set = items([...v.entries.values()]);
    return set === null ? { other: typeName(v), repr: null } : { set };
  }
  if (v instanceof PyDict) {
    const pairs = [...v.entries.values()];
    const keys = items(pairs.map((p) => p[0]));
    const values = items(pairs.map((p) => p[1]));
    if (keys === null || values === null) return { other: 'dict', repr: null };
    return { dict: keys.map((k, i) => [k, values[i]]) };
  }
  if (v instanceof PyInstance && !v.cls.isException && v.cls.module === '__main__') {
    const attrs: [string, Observed][] = [];
    for (const [name, value] of v.dict as Map<string, PyValue>) attrs.push([name, observeBounded(value, depth + 1, budget)]);
    return { object: v.cls.qualifiedName, attrs };
  }
  if (isNamedTuple(v)) {
    const tuple = items(v.values as PyValue[]);
    return tuple === null ? { other: v.typeName, repr: null } : { tuple };
  }
  if (v instanceof GradNode) return { other: 'grad_fn', repr: v.name };
  return { other: typeName(v), repr: safeRepr(v) };
}

function isNamedTuple(v: PyValue): v is NamedTuple {
  return typeof v === 'object' && v !== null && 'fields' in v && 'values' in v && 'typeName' in v;
}

function observeTensor(t: Tensor, budget: { elements: number }): Observed {
  const size = t.numel + (t.grad?.numel ?? 0);
  budget.elements -= size;
  if (budget.elements < 0) return { other: 'Tensor', repr: `a tensor of shape ${shapeText(t.shape)} (too large to compare)` };
  chargeWork(size);
  return {
    tensor: {
      ...valuesOf(t),
      grad: t.grad === null ? null : valuesOf(t.grad),
      grad_fn: t.gradFn?.name ?? null,
      requires_grad: t.requiresGrad,
    },
  };
}

function valuesOf(t: Tensor): ObservedValues {
  const data = t.data;
  const out = new Array<Wire>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = wire(data[i]);
  return { shape: t.shape.slice(), dtype: t.dtype, data: out };
}

function wire(v: number): Wire {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function unwire(v: Wire): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

function safeRepr(v: PyValue): string | null {
  if (v instanceof PyClass) return v.qualifiedName;
  try {
    return repr(v).replace(/0x[0-9a-f]+/gi, '0x?');
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- comparison

/**
 * Compares the submission's value of `name` (undefined: not defined) with the reference's.
 * Answers null when they agree, else one sentence per difference, joined by "; ".
 */
export function compareObserved(
  name: string,
  expected: Observed,
  actual: Observed | undefined,
  fields: readonly CompareField[] = COMPARE_FIELDS,
  tolerance: Tolerance,
): string | null {
  if (actual === undefined) return `${name} is not defined in your notebook`;
  if (isTensor(expected)) {
    if (!isTensor(actual)) return `${name} should be a tensor, but yours is ${describe(actual)}`;
    const problems = compareTensors(name, expected.tensor, actual.tensor, fields, tolerance);
    return problems.length === 0 ? null : problems.join('; ');
  }
  if (isTensor(actual)) return `${name} should be ${describe(expected)}, but yours is a tensor (${showValues(actual.tensor)})`;
  if (equalObserved(expected, actual, tolerance, 0)) return null;
  if (uncomparable(expected) || uncomparable(actual)) {
    return `${name} cannot be compared: it holds more than grading compares (${MAX_DEPTH} levels of nesting, ${MAX_ITEMS} items, ${MAX_ELEMENTS} tensor elements)`;
  }
  return `${name} is ${pythonText(actual)}, expected ${pythonText(expected)}`;
}

/** Whether a value has a part that was too deep or too large to observe (a bounded walk). */
function uncomparable(v: Observed, depth = 0): boolean {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH + 1) return false;
  if ('other' in v) return v.repr === null || v.repr.endsWith('(too large to compare)');
  const parts = 'list' in v ? v.list : 'tuple' in v ? v.tuple : 'set' in v ? v.set : 'dict' in v ? v.dict.flat() : 'object' in v ? v.attrs.map((a) => a[1]) : [];
  return parts.some((part) => uncomparable(part, depth + 1));
}

function isTensor(v: Observed): v is { tensor: ObservedTensor } {
  return typeof v === 'object' && v !== null && 'tensor' in v;
}

function compareTensors(name: string, want: ObservedTensor, got: ObservedTensor, fields: readonly CompareField[], tolerance: Tolerance): string[] {
  const wanted = new Set(fields);
  const problems: string[] = [];
  const sameShape = shapeText(want.shape) === shapeText(got.shape);
  // Reported in one order whatever order `fields` names them in.
  for (const field of COMPARE_FIELDS) {
    if (!wanted.has(field)) continue;
    switch (field) {
      case 'shape':
        if (!sameShape) problems.push(`${name}.shape is ${sizeText(got.shape)}, expected ${sizeText(want.shape)}`);
        break;
      case 'dtype':
        if (want.dtype !== got.dtype) problems.push(`${name}.dtype is torch.${got.dtype}, expected torch.${want.dtype}`);
        break;
      case 'requires_grad':
        if (want.requires_grad !== got.requires_grad) problems.push(`${name}.requires_grad is ${pyBool(got.requires_grad)}, expected ${pyBool(want.requires_grad)}`);
        break;
      case 'grad_fn':
        if (want.grad_fn !== got.grad_fn) problems.push(`${name}.grad_fn is ${got.grad_fn ?? 'None'}, expected ${want.grad_fn ?? 'None'}`);
        break;
      case 'data': {
        // a shape difference is said once: by the shape field when it is compared
        const problem = compareValues(name, want, got, tolerance, !wanted.has('shape'));
        if (problem !== null) problems.push(problem);
        break;
      }
      case 'grad': {
        const label = `${name}.grad`;
        if (want.grad === null && got.grad === null) break;
        if (want.grad === null) problems.push(`${label} is ${showValues(got.grad as ObservedValues)}, expected None (no gradient)`);
        else if (got.grad === null) problems.push(`${label} is None (no gradient reached ${name}), expected ${showValues(want.grad)}`);
        else {
          const problem = compareValues(label, want.grad, got.grad, tolerance, true);
          if (problem !== null) problems.push(problem);
        }
        break;
      }
    }
  }
  return problems;
}

/**
 * torch.allclose for floating values (NaN never matches), exact for integer and bool tensors.
 * Values of different shapes differ; `sayShape` says so (else the caller has said it).
 */
function compareValues(label: string, want: ObservedValues, got: ObservedValues, { rtol, atol }: Tolerance, sayShape: boolean): string | null {
  if (shapeText(want.shape) !== shapeText(got.shape)) {
    return sayShape ? `${label} has shape ${sizeText(got.shape)}, expected ${sizeText(want.shape)}` : null;
  }
  const exact = !isFloatDtype(want.dtype) && !isFloatDtype(got.dtype);
  let worst = -1;
  let worstDifference = 0;
  let failures = 0;
  for (let i = 0; i < want.data.length; i++) {
    const e = unwire(want.data[i]);
    const a = unwire(got.data[i]);
    if (a === e) continue;
    const difference = Math.abs(a - e);
    if (!exact && difference <= atol + rtol * Math.abs(e)) continue;
    failures++;
    if (worst < 0 || !(difference <= worstDifference)) {
      worst = i;
      worstDifference = difference;
    }
  }
  if (failures === 0) return null;
  const off = Number.isNaN(worstDifference) ? 'NaN where a number was expected' : `off by ${number(worstDifference)}`;
  if (want.data.length <= 12) return `${label} is ${showValues(got)}, expected ${showValues(want)} (${want.data.length === 1 ? off : `${off} at index ${indexText(worst, want.shape)}`})`;
  return `${label} differs from the expected values at ${failures} of ${want.data.length} elements (the most at index ${indexText(worst, want.shape)}: ${number(unwire(got.data[worst]))}, expected ${number(unwire(want.data[worst]))})`;
}

function isFloatDtype(dtype: string): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Python's == on plain data, numbers within the tolerance when either is a float. */
function equalObserved(want: Observed, got: Observed, tolerance: Tolerance, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const wantNumber = numberOf(want);
  const gotNumber = numberOf(got);
  if (wantNumber !== null || gotNumber !== null) {
    if (wantNumber === null || gotNumber === null) return false;
    if (wantNumber.exact !== null && gotNumber.exact !== null) return wantNumber.exact === gotNumber.exact;
    const [e, a] = [wantNumber.value, gotNumber.value];
    return a === e || Math.abs(a - e) <= tolerance.atol + tolerance.rtol * Math.abs(e);
  }
  if (want === null || typeof want !== 'object' || got === null || typeof got !== 'object') return want === got;
  if (isTensor(want) || isTensor(got)) {
    return isTensor(want) && isTensor(got) && compareTensors('', want.tensor, got.tensor, COMPARE_FIELDS, tolerance).length === 0;
  }
  const sequence = (a: readonly Observed[], b: readonly Observed[]) => a.length === b.length && a.every((x, i) => equalObserved(x, b[i], tolerance, depth + 1));
  if ('list' in want) return 'list' in got && sequence(want.list, got.list);
  if ('tuple' in want) return 'tuple' in got && sequence(want.tuple, got.tuple);
  if ('set' in want) return 'set' in got && unordered(want.set, got.set, (x, y) => equalObserved(x, y, tolerance, depth + 1));
  if ('dict' in want) {
    return 'dict' in got && unordered(want.dict, got.dict, ([k1, v1], [k2, v2]) => equalObserved(k1, k2, tolerance, depth + 1) && equalObserved(v1, v2, tolerance, depth + 1));
  }
  if ('object' in want) {
    return 'object' in got && want.object === got.object && unordered(want.attrs, got.attrs, ([n1, v1], [n2, v2]) => n1 === n2 && equalObserved(v1, v2, tolerance, depth + 1));
  }
  if ('other' in want) return 'other' in got && want.other === got.other && want.repr === got.repr && want.repr !== null;
  return false;
}

/** Every element of `a` matches a distinct element of `b` (same sizes). */
function unordered<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  return a.every((x) => {
    const i = b.findIndex((y, j) => !used[j] && same(x, y));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

/** An int, float or bool as a number (exact: the int's digits, for ints and bools). */
function numberOf(v: Observed): { value: number; exact: string | null } | null {
  if (typeof v === 'boolean') return { value: v ? 1 : 0, exact: v ? '1' : '0' };
  if (v === null || typeof v !== 'object') return null;
  if ('int' in v) return { value: Number(v.int), exact: v.int };
  if ('float' in v) return { value: unwire(v.float), exact: null };
  return null;
}

// ---------------------------------------------------------------- words

/** A value as Python shows it: 3, 0.1, 'text', [1, 2], None. */
export function pythonText(v: Observed, depth = 0): string {
  if (depth > 3) return '...';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return pyBool(v);
  if (typeof v === 'string') return clip(repr(v), 60);
  if ('int' in v) return clip(v.int, 40);
  if ('float' in v) return repr(unwire(v.float));
  if ('tensor' in v) return `a tensor (${showValues(v.tensor)})`;
  const join = (xs: readonly Observed[]) => clip(xs.slice(0, 8).map((x) => pythonText(x, depth + 1)).join(', ') + (xs.length > 8 ? ', ...' : ''), 120);
  if ('list' in v) return `[${join(v.list)}]`;
  if ('tuple' in v) return v.tuple.length === 1 ? `(${join(v.tuple)},)` : `(${join(v.tuple)})`;
  if ('set' in v) return v.set.length === 0 ? 'set()' : `{${join(v.set)}}`;
  if ('dict' in v) return clip(`{${v.dict.slice(0, 8).map(([k, x]) => `${pythonText(k, depth + 1)}: ${pythonText(x, depth + 1)}`).join(', ')}${v.dict.length > 8 ? ', ...' : ''}}`, 120);
  if ('object' in v) return `a ${v.object} object`;
  return v.repr ?? `a ${v.other}`;
}

/** What kind of value a student's variable holds, in words: `a float (3.0)`, `None`. */
function describe(v: Observed): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return `a bool (${pyBool(v)})`;
  if (typeof v === 'string') return `a str (${pythonText(v)})`;
  if ('int' in v) return `an int (${pythonText(v)})`;
  if ('float' in v) return `a float (${pythonText(v)})`;
  if ('tensor' in v) return 'a tensor';
  if ('list' in v) return `a list (${pythonText(v)})`;
  if ('tuple' in v) return `a tuple (${pythonText(v)})`;
  if ('dict' in v) return `a dict (${pythonText(v)})`;
  if ('set' in v) return `a set (${pythonText(v)})`;
  if ('object' in v) return `a ${v.object} object`;
  return `a ${v.other}`;
}

/** A tensor's values as a student reads them: 7, [2, 4], or its shape when large. */
function showValues(t: ObservedValues): string {
  if (t.data.length > 12) return `a tensor of shape ${sizeText(t.shape)}`;
  if (t.shape.length === 0) return number(unwire(t.data[0]));
  let position = 0;
  const nest = (dim: number): string => {
    if (dim === t.shape.length) return number(unwire(t.data[position++]));
    const parts: string[] = [];
    for (let i = 0; i < t.shape[dim]; i++) parts.push(nest(dim + 1));
    return `[${parts.join(', ')}]`;
  };
  return nest(0);
}

/** Six significant digits, as /v1/check shows numbers; small and huge ones in Python's exponent form (1e-05). */
function number(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const rounded = Number(v.toPrecision(6));
  const magnitude = Math.abs(rounded);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    return rounded.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(rounded);
}

function shapeText(shape: readonly number[]): string {
  return shape.join(',');
}

function sizeText(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`;
}

function indexText(flat: number, shape: readonly number[]): string {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return `[${index.join(', ')}]`;
}

function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
