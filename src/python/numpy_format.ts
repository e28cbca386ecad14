/**
 * numpy 1.24's printing of arrays and scalars with the default print options (precision 8,
 * threshold 1000, edgeitems 3, linewidth 75, suppress False, floatmode 'maxprec', sign '-'):
 * str(ndarray), repr(ndarray), str/repr of numpy scalars.
 *
 * Float digits come from a port of numpy's Dragon4 (numpy/core/src/multiarray/dragon4.c:
 * Dragon4, FormatPositional, FormatScientific) on exact BigInt arithmetic, and the column
 * layout from numpy/core/arrayprint.py (FloatingFormat, IntegerFormat, BoolFormat,
 * _formatArray, array_repr): float32 values print their own shortest digits (0.1, not
 * 0.10000000149011612), numbers are padded to a common width, rows wrap at 75 columns.
 */

import { chargeWork } from '../engine/meter.js';
import { fixedDecimal, shortestDecimal } from './format.js';

export type NumpyDtype = 'float32' | 'float64' | 'int64' | 'bool';

/** An array as row-major values (bool as 0/1 or booleans, int64 as numbers or bigints). */
export interface NumpyArray {
  readonly dtype: NumpyDtype;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number | bigint | boolean>;
}

// ---------------------------------------------------------------------------------------------
// Dragon4

const LOG10_2 = 0.30102999566398119521373889472449;
/** numpy's scratch buffer: the most digits Dragon4 ever writes. */
const BUFFER_SIZE = 16384;

const pow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  let p = pow10Cache[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n < 700) pow10Cache[n] = p;
  }
  return p;
}

interface FloatParts {
  value: number;
  dtype: 'float32' | 'float64';
  negative: boolean;
  special: 'inf' | 'nan' | null;
  /** The integer significand (< 2^53, exact as a JS number). */
  mantissa: number;
  /** shortestDigits, once computed (null: only Dragon4 can tell). */
  shortest?: { digits: string; printExponent: number } | null;
  exponent: number;
  mantissaBit: number;
  unequalMargins: boolean;
}

const partsView = new DataView(new ArrayBuffer(8));

/** Dragon4_PrintFloat_IEEE_binary32/64: the value as mantissa * 2^exponent. */
function floatParts(x: number, dtype: 'float32' | 'float64'): FloatParts {
  let negative: boolean;
  let biased: number;
  let fraction: number;
  let fractionBits: number;
  let bias: number;
  let maxBiased: number;
  if (dtype === 'float32') {
    partsView.setFloat32(0, x);
    const bits = partsView.getUint32(0);
    negative = bits >>> 31 === 1;
    biased = (bits >>> 23) & 0xff;
    fraction = bits & 0x7fffff;
    fractionBits = 23;
    bias = 127;
    maxBiased = 0xff;
  } else {
    partsView.setFloat64(0, x);
    const hi = partsView.getUint32(0);
    const lo = partsView.getUint32(4);
    negative = hi >>> 31 === 1;
    biased = (hi >>> 20) & 0x7ff;
    fraction = (hi & 0xfffff) * 2 ** 32 + lo;
    fractionBits = 52;
    bias = 1023;
    maxBiased = 0x7ff;
  }
  if (biased === maxBiased) {
    return { value: x, dtype, negative, special: fraction === 0 ? 'inf' : 'nan', mantissa: 0, exponent: 0, mantissaBit: 0, unequalMargins: false };
  }
  if (biased !== 0) {
    return {
      value: x,
      dtype,
      negative,
      special: null,
      mantissa: 2 ** fractionBits + fraction,
      exponent: biased - bias - fractionBits,
      mantissaBit: fractionBits,
      unequalMargins: biased !== 1 && fraction === 0,
    };
  }
  return {
    value: x,
    dtype,
    negative,
    special: null,
    mantissa: fraction,
    exponent: 1 - bias - fractionBits,
    mantissaBit: fraction === 0 ? 0 : Math.floor(Math.log2(fraction)),
    unequalMargins: false,
  };
}

/**
 * Dragon4: decimal digits of mantissa * 2^exponent. `unique`: the shortest digits that identify
 * the value (IEEE round-half-even boundaries), else exact digits. Cutoffs count digits in total
 * (`totalLength`) or past the decimal point; -1 for none. `printExponent`: exponent of the
 * first digit.
 */
function dragon4(
  p: FloatParts,
  unique: boolean,
  totalLength: boolean,
  cutoffMax: number,
  cutoffMin: number,
): { digits: string; printExponent: number } {
  const { exponent, mantissaBit, unequalMargins } = p;
  if (p.mantissa === 0) return { digits: '0', printExponent: 0 };
  const mantissa = BigInt(p.mantissa);
  const isEven = p.mantissa % 2 === 0;
  let scaledValue: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (unequalMargins) {
    if (exponent > 0) {
      scaledValue = mantissa << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      scaledValue = mantissa << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
  } else if (exponent > 0) {
    scaledValue = mantissa << BigInt(exponent + 1);
    scale = 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    scaledValue = mantissa << 1n;
    scale = 1n << BigInt(-exponent + 1);
    marginLow = 1n;
  }
  const highOf = (low: bigint): bigint => (unequalMargins ? low * 2n : low);
  let marginHigh = highOf(marginLow);

  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && !totalLength && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;
  if (digitExponent > 0) {
    scale *= pow10(digitExponent);
  } else if (digitExponent < 0) {
    const p10 = pow10(-digitExponent);
    scaledValue *= p10;
    marginLow *= p10;
    marginHigh = highOf(marginLow);
  }
  if (scaledValue >= scale) {
    digitExponent += 1;
  } else {
    scaledValue *= 10n;
    marginLow *= 10n;
    marginHigh = highOf(marginLow);
  }

  let cutoffMaxExponent = digitExponent - BUFFER_SIZE;
  if (cutoffMax >= 0) {
    const desired = totalLength ? digitExponent - cutoffMax : -cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = totalLength ? digitExponent - cutoffMin : -cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let printExponent = digitExponent - 1;

  let digits = '';
  let outputDigit: number;
  let low = false;
  let high = false;
  if (unique) {
    for (;;) {
      digitExponent -= 1;
      const q = scaledValue / scale;
      scaledValue -= q * scale;
      outputDigit = Number(q);
      const valueHigh = scaledValue + marginHigh;
      low = isEven ? scaledValue <= marginLow : scaledValue < marginLow;
      high = isEven ? valueHigh >= scale : valueHigh > scale;
      if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
      digits += String.fromCharCode(48 + outputDigit);
      scaledValue *= 10n;
      marginLow *= 10n;
      marginHigh = highOf(marginLow);
    }
  } else {
    for (;;) {
      digitExponent -= 1;
      const q = scaledValue / scale;
      scaledValue -= q * scale;
      outputDigit = Number(q);
      if (scaledValue === 0n || digitExponent === cutoffMaxExponent) break;
      digits += String.fromCharCode(48 + outputDigit);
      scaledValue *= 10n;
    }
  }

  let roundDown = low;
  if (low === high) {
    const twice = scaledValue * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (outputDigit & 1) === 0;
  }
  if (roundDown) {
    digits += String.fromCharCode(48 + outputDigit);
  } else if (outputDigit === 9) {
    // carry into the earlier digits; an all-nines prefix becomes 1 at the next exponent
    let end = digits.length;
    while (end > 0 && digits.charCodeAt(end - 1) === 57) end--;
    if (end === 0) {
      digits = '1';
      printExponent += 1;
    } else {
      digits = digits.slice(0, end - 1) + String.fromCharCode(digits.charCodeAt(end - 1) + 1);
    }
  } else {
    digits += String.fromCharCode(49 + outputDigit);
  }
  return { digits, printExponent };
}

// ---------------------------------------------------------------------------------------------
// Fast path: the same digits without BigInt where they are certain

const f32View = new DataView(new ArrayBuffer(4));

/** The float32 next to f (a positive float32) on the side of `toward`. */
function float32Neighbor(f: number, toward: number): number {
  f32View.setFloat32(0, f);
  f32View.setUint32(0, f32View.getUint32(0) + (toward > f ? 1 : -1));
  return f32View.getFloat32(0);
}

/** Whether the decimal text (a candidate for float32 f) reads back as f; undefined if unsure. */
function readsBackAsFloat32(text: string, f: number): boolean | undefined {
  const d = Number(text);
  if (d === f) return true;
  if (Math.fround(d) !== f) return false;
  // d rounds to f, but the decimal itself could sit on the other side of a midpoint that d hit.
  const midpoint = (f + float32Neighbor(f, d)) / 2;
  return d === midpoint ? undefined : true;
}

/** Shortest digits identifying ax in its dtype (Dragon4 unique); null when only Dragon4 can tell. */
function shortestDigits(p: FloatParts, ax: number): { digits: string; printExponent: number } | null {
  if (p.dtype === 'float64') {
    const d = shortestDecimal(ax);
    return { digits: d.digits, printExponent: d.decpt - 1 };
  }
  // float32: the closest decimal of each length, shortest first. Where the gap below a power of
  // two is half the gap above, the closest may fail while its other neighbour passes: Dragon4.
  // Whether the closest decimal of a length reads back grows with the length (9 always does):
  // binary search for the shortest.
  if (p.unequalMargins) return null;
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const ok = readsBackAsFloat32(ax.toExponential(mid - 1), ax);
    if (ok === undefined) return null;
    if (ok) hi = mid;
    else lo = mid + 1;
  }
  // V8 sends a tie between two closest decimals away from zero, Dragon4 to the even digit.
  const further = ax.toExponential(lo);
  if (further.charCodeAt(further.indexOf('e') - 1) === 53) return null;
  const text = ax.toExponential(lo - 1);
  const e = text.indexOf('e');
  const mantissa = lo === 1 ? text.slice(0, e) : text.charAt(0) + text.slice(2, e);
  let end = mantissa.length;
  while (end > 1 && mantissa.charCodeAt(end - 1) === 48) end--;
  return { digits: mantissa.slice(0, end), printExponent: Number(text.slice(e + 1)) };
}

/**
 * Dragon4's unique positional digits for the cutoffs numpy's default printing uses (precision as
 * digits after the point, min_digits -1 or 0; or no cutoffs at all), without BigInt; null for
 * other cases and where the shortcut cannot be sure.
 */
function fastPositionalDigits(p: FloatParts, totalLength: boolean, cutoffMax: number, cutoffMin: number): { digits: string; printExponent: number } | null {
  if (p.mantissa === 0) return null;
  if (totalLength ? cutoffMax >= 0 || cutoffMin >= 0 : cutoffMin > 0) return null;
  const ax = Math.abs(p.value);
  if (p.shortest === undefined) p.shortest = shortestDigits(p, ax);
  const shortest = p.shortest;
  if (shortest === null) return null;
  const fractionDigits = shortest.digits.length - (shortest.printExponent + 1);
  if (!totalLength && cutoffMax >= 0 && fractionDigits > cutoffMax) {
    // the cutoff binds: the exact value rounded half-to-even at that digit
    const rounded = fixedDecimal(ax, cutoffMax);
    if (rounded.digits === '') return { digits: '0', printExponent: -cutoffMax };
    return { digits: rounded.digits, printExponent: rounded.decpt - 1 };
  }
  if (!totalLength && cutoffMin === 0 && fractionDigits < 0) {
    // min_digits 0 prints every digit down to the ones place: the nearest integer's (from 2^53
    // on, the value is that integer)
    const digits = ax < 2 ** 53 ? String(Math.round(ax)) : BigInt(ax).toString();
    return { digits, printExponent: digits.length - 1 };
  }
  return shortest;
}

type Trim = 'k' | '.' | '0' | '-'; // None, Zeros, LeaveOneZero, DptZeros

interface Dragon4Options {
  unique: boolean;
  /** Always the BigInt Dragon4 (no fast path): for tests. */
  exactOnly?: boolean;
  /** Positional only: precision and min_digits count digits after the point (numpy's fractional=True). */
  fractional: boolean;
  precision: number; // -1: none
  minDigits: number; // -1: none
  sign: boolean; // '+' on positive values
  trim: Trim;
  padLeft: number; // -1: none
  padRight: number; // -1: none
  expDigits: number; // -1: at least 2
}

function signChar(p: FloatParts, sign: boolean): string {
  return p.negative ? '-' : sign ? '+' : '';
}

/** PrintInfNan. */
function infNan(p: FloatParts, sign: boolean): string {
  return p.special === 'inf' ? signChar(p, sign) + 'inf' : 'nan';
}

/** FormatPositional (plus the nan/inf case of Dragon4_Positional). */
function formatPositional(p: FloatParts, o: Dragon4Options): string {
  if (p.special) return infNan(p, o.sign);
  const sign = signChar(p, o.sign);
  const totalLength = !o.fractional;
  const { digits, printExponent } =
    (o.unique && !o.exactOnly ? fastPositionalDigits(p, totalLength, o.precision, o.minDigits) : null) ?? dragon4(p, o.unique, totalLength, o.precision, o.minDigits);
  let body: string;
  let numWholeDigits: number;
  let numFractionDigits = 0;
  if (printExponent >= 0) {
    numWholeDigits = printExponent + 1;
    if (digits.length <= numWholeDigits) {
      body = digits + '0'.repeat(numWholeDigits - digits.length);
    } else {
      numFractionDigits = digits.length - numWholeDigits;
      body = digits.slice(0, numWholeDigits) + '.' + digits.slice(numWholeDigits);
    }
  } else {
    const zeros = -(printExponent + 1);
    numFractionDigits = digits.length + zeros;
    body = '0.' + '0'.repeat(zeros) + digits;
    numWholeDigits = 1;
  }
  if (o.trim !== '-' && numFractionDigits === 0) body += '.';
  const addDigits = o.unique ? o.minDigits : o.precision;
  let desiredFractionDigits = addDigits < 0 ? 0 : addDigits;
  if (totalLength) desiredFractionDigits = addDigits - numWholeDigits;
  if (o.trim === '0') {
    if (numFractionDigits === 0) {
      body += '0';
      numFractionDigits++;
    }
  } else if (o.trim === 'k' && desiredFractionDigits > numFractionDigits) {
    body += '0'.repeat(desiredFractionDigits - numFractionDigits);
    numFractionDigits = desiredFractionDigits;
  }
  if (o.trim !== 'k' && numFractionDigits > 0) {
    let end = body.length;
    while (body.charCodeAt(end - 1) === 48) {
      end--;
      numFractionDigits--;
    }
    body = body.slice(0, end);
    if (body.charCodeAt(body.length - 1) === 46) {
      if (o.trim === '0') {
        body += '0';
        numFractionDigits++;
      } else if (o.trim === '-') {
        body = body.slice(0, -1);
      }
    }
  }
  let out = sign + body;
  if (o.padRight >= numFractionDigits) {
    if (o.trim === '-' && numFractionDigits === 0) out += ' ';
    out += ' '.repeat(o.padRight - numFractionDigits);
  }
  const hasSign = sign === '' ? 0 : 1;
  if (o.padLeft > numWholeDigits + hasSign) out = ' '.repeat(o.padLeft - (numWholeDigits + hasSign)) + out;
  return out;
}

/** FormatScientific (plus the nan/inf case of Dragon4_Scientific). */
function formatScientific(p: FloatParts, o: Dragon4Options): string {
  if (p.special) return infNan(p, o.sign);
  const sign = signChar(p, o.sign);
  let out = '';
  const leftChars = 1 + (sign === '' ? 0 : 1);
  if (o.padLeft > leftChars) out += ' '.repeat(o.padLeft - leftChars);
  out += sign;
  const { digits, printExponent } = dragon4(p, o.unique, true, o.precision < 0 ? -1 : o.precision + 1, o.minDigits < 0 ? -1 : o.minDigits + 1);
  let mantissa = digits.charAt(0);
  let numFractionDigits = digits.length - 1;
  if (numFractionDigits > 0) mantissa += '.' + digits.slice(1);
  if (o.trim !== '-' && numFractionDigits === 0) mantissa += '.';
  let addDigits = o.unique ? o.minDigits : o.precision;
  if (addDigits < 0) addDigits = 0;
  if (o.trim === '0') {
    if (numFractionDigits === 0) {
      mantissa += '0';
      numFractionDigits++;
    }
  } else if (o.trim === 'k' && addDigits > numFractionDigits) {
    mantissa += '0'.repeat(addDigits - numFractionDigits);
    numFractionDigits = addDigits;
  }
  if (o.trim !== 'k' && numFractionDigits > 0) {
    let end = mantissa.length;
    while (mantissa.charCodeAt(end - 1) === 48) end--;
    mantissa = mantissa.slice(0, end);
    if (o.trim === '0' && mantissa.charCodeAt(mantissa.length - 1) === 46) mantissa += '0';
  }
  let expDigits = o.expDigits;
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  const e = Math.abs(printExponent);
  const expText = String(e).padStart(expDigits, '0');
  return out + mantissa + 'e' + (printExponent >= 0 ? '+' : '-') + expText;
}

// ---------------------------------------------------------------------------------------------
// Element formatters (arrayprint.py)

type Formatter = (index: number) => string;

const PRECISION = 8;
const THRESHOLD = 1000;
/**
 * Work units (engine/meter.ts: an element of a kernel, a few ns) charged per printed element: a
 * float's digits cost a hundred times a kernel's element, an int's or a bool's text a few times.
 */
const WORK_PER_FLOAT_ELEMENT = 256;
const WORK_PER_OTHER_ELEMENT = 16;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

/** FloatingFormat for floatmode 'maxprec', precision 8, suppress False, sign '-'. */
function floatingFormat(values: readonly number[], dtype: 'float32' | 'float64', shown: readonly number[]): (index: number) => string {
  // each element's parts once: both passes reuse its shortest digits
  const parts: FloatParts[] = [];
  for (const i of shown) parts[i] = floatParts(values[i], dtype);
  const finiteIndices = shown.filter((i) => Number.isFinite(values[i]));
  const finite = finiteIndices.map((i) => values[i]);
  let expFormat = false;
  const nonZero = finite.filter((x) => x !== 0).map(Math.abs);
  if (nonZero.length > 0) {
    let max = -Infinity;
    let min = Infinity;
    for (const a of nonZero) {
      if (a > max) max = a;
      if (a < min) min = a;
    }
    // numpy compares in the array's dtype: max/min may overflow float32 to inf (> 1000 anyway)
    const ratio = dtype === 'float32' ? Math.fround(max / min) : max / min;
    if (max >= 1e8 || min < 0.0001 || ratio > 1000) expFormat = true;
  }
  let padLeft: number;
  let padRight: number;
  let precision = PRECISION;
  let minDigits: number;
  let trim: Trim;
  let expSize = -1;
  const unique = true;
  if (finite.length === 0) {
    padLeft = 0;
    padRight = 0;
    trim = '.';
    minDigits = -1;
  } else if (expFormat) {
    const base: Dragon4Options = { unique, fractional: true, precision, minDigits: -1, sign: false, trim: '.', padLeft: -1, padRight: -1, expDigits: -1 };
    let maxInt = 0;
    let maxFrac = 0;
    for (const i of finiteIndices) {
      const s = formatScientific(parts[i], base);
      const e = s.indexOf('e');
      const [intPart, fracPart] = s.slice(0, e).split('.');
      expSize = Math.max(expSize, s.length - e - 2);
      maxInt = Math.max(maxInt, intPart.length);
      maxFrac = Math.max(maxFrac, fracPart.length);
    }
    trim = 'k';
    precision = maxFrac;
    minDigits = precision;
    padLeft = maxInt;
    padRight = expSize + 2 + precision;
  } else {
    const base: Dragon4Options = { unique, fractional: true, precision, minDigits: -1, sign: false, trim: '.', padLeft: -1, padRight: -1, expDigits: -1 };
    let maxInt = 0;
    let maxFrac = 0;
    for (const i of finiteIndices) {
      const [intPart, fracPart] = formatPositional(parts[i], base).split('.');
      maxInt = Math.max(maxInt, intPart.length);
      maxFrac = Math.max(maxFrac, fracPart.length);
    }
    padLeft = maxInt;
    padRight = maxFrac;
    trim = '.';
    minDigits = 0;
  }
  if (finite.length !== shown.length) {
    // room for nan / inf / -inf in the same columns
    const negInf = shown.some((i) => values[i] === -Infinity);
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
  }
  const options: Dragon4Options = { unique, fractional: true, precision, minDigits, sign: false, trim, padLeft, padRight, expDigits: expSize };
  return (index: number): string => {
    const x = values[index];
    if (!Number.isFinite(x)) {
      const text = x !== x ? 'nan' : x < 0 ? '-inf' : 'inf';
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - text.length)) + text;
    }
    return expFormat ? formatScientific(parts[index], options) : formatPositional(parts[index], options);
  };
}

function asNumber(v: number | bigint | boolean): number {
  return typeof v === 'number' ? v : Number(v);
}

function intText(v: number | bigint | boolean): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  return Object.is(v, -0) ? '0' : String(v);
}

function makeFormatter(a: NumpyArray, shown: readonly number[]): Formatter {
  const data = a.data;
  switch (a.dtype) {
    case 'bool': {
      const trueText = a.shape.length === 0 ? 'True' : ' True';
      return (i) => (asNumber(data[i]) ? trueText : 'False');
    }
    case 'int64': {
      // IntegerFormat: '%{width}d' with the width of the longest of max and min
      let width = 0;
      if (shown.length > 0) {
        let max = data[shown[0]];
        let min = max;
        for (const i of shown) {
          const v = data[i];
          if (v > max) max = v;
          if (v < min) min = v;
        }
        width = Math.max(intText(max).length, intText(min).length);
      }
      return (i) => intText(data[i]).padStart(width, ' ');
    }
    default: {
      const values: number[] = new Array(data.length);
      for (const i of shown) values[i] = asNumber(data[i]);
      return floatingFormat(values, a.dtype, shown);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Layout (_formatArray)

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d];
  }
  return out;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Indices (per axis) shown: all, or the first and last edge items when summarizing. */
function shownIndices(length: number, summarize: boolean): number[] {
  if (summarize && length > 2 * EDGE_ITEMS) {
    const out: number[] = [];
    for (let i = 0; i < EDGE_ITEMS; i++) out.push(i);
    for (let i = length - EDGE_ITEMS; i < length; i++) out.push(i);
    return out;
  }
  return Array.from({ length }, (_, i) => i);
}

/** Flat indices of the elements that will be printed (_leading_trailing). */
function shownElements(shape: readonly number[], summarize: boolean): number[] {
  const st = strides(shape);
  let flat = [0];
  for (let d = 0; d < shape.length; d++) {
    const axis = shownIndices(shape[d], summarize);
    const next: number[] = [];
    for (const base of flat) for (const i of axis) next.push(base + i * st[d]);
    flat = next;
  }
  return flat;
}

function extendLine(s: string, line: string, word: string, lineWidth: number, nextLinePrefix: string): [string, string] {
  let needsWrap = line.length + word.length > lineWidth;
  if (line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    s += line.trimEnd() + '\n';
    line = nextLinePrefix;
  }
  return [s, line + word];
}

function formatArray(a: NumpyArray, format: Formatter, lineWidth: number, nextLinePrefix: string, separator: string, summarize: boolean): string {
  const shape = a.shape;
  const st = strides(shape);
  const summaryInsert = summarize ? '...' : '';
  const recurse = (offset: number, axis: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = shape.length - axis;
    if (axesLeft === 0) return format(offset);
    const nextHangingIndent = hangingIndent + ' ';
    const nextWidth = currWidth - 1;
    const length = shape[axis];
    const showSummary = summaryInsert !== '' && 2 * EDGE_ITEMS < length;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : length;
    const at = (i: number) => offset + (i >= 0 ? i : length + i) * st[axis];
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(separator.trimEnd().length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, recurse(at(i), axis + 1, nextHangingIndent, nextWidth), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, recurse(at(-i), axis + 1, nextHangingIndent, nextWidth), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, recurse(at(-1), axis + 1, nextHangingIndent, nextWidth), elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + recurse(at(i), axis + 1, nextHangingIndent, nextWidth) + lineSep;
      if (showSummary) s += hangingIndent + summaryInsert + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + recurse(at(-i), axis + 1, nextHangingIndent, nextWidth) + lineSep;
      s += hangingIndent + recurse(at(-1), axis + 1, nextHangingIndent, nextWidth);
    }
    return '[' + s.slice(hangingIndent.length) + ']';
  };
  return recurse(0, 0, nextLinePrefix, lineWidth);
}

/** array2string with the default options. */
function array2string(a: NumpyArray, separator: string, prefix: string, suffix: string): string {
  const size = sizeOf(a.shape);
  if (size === 0) return '[]';
  const summarize = size > THRESHOLD;
  const shown = shownElements(a.shape, summarize);
  // Metered before the digits are worked out: a float element takes ~1–2.5 µs here (shortest
  // digits by trial, Dragon4 where that cannot tell), a loop of prints must not run unmetered.
  chargeWork(shown.length * (a.dtype === 'float32' || a.dtype === 'float64' ? WORK_PER_FLOAT_ELEMENT : WORK_PER_OTHER_ELEMENT));
  const format = makeFormatter(a, shown);
  return formatArray(a, format, LINE_WIDTH - suffix.length, ' ' + ' '.repeat(prefix.length), separator, summarize);
}

/** str(ndarray) / print(ndarray). */
export function numpyArrayStr(a: NumpyArray): string {
  if (a.shape.length === 0) return numpyScalarStr(a.data[0], a.dtype);
  return array2string(a, ' ', '', '');
}

/** repr(ndarray): `array([...], dtype=float32)`. */
export function numpyArrayRepr(a: NumpyArray): string {
  const size = sizeOf(a.shape);
  const skipDtype = a.dtype !== 'float32' && size > 0;
  const prefix = 'array(';
  const suffix = skipDtype ? ')' : ',';
  let list: string;
  if (size > 0 || (a.shape.length === 1 && a.shape[0] === 0)) list = array2string(a, ', ', prefix, suffix);
  else list = `[], shape=(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;
  const text = prefix + list + suffix;
  if (skipDtype) return text;
  const dtypeText = `dtype=${a.dtype})`;
  const lastLineLength = text.length - (text.lastIndexOf('\n') + 1);
  const spacer = lastLineLength + dtypeText.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return text + spacer + dtypeText;
}

/** str() == repr() of a numpy scalar (np.float32(0.1) prints 0.1, np.float64 like a float). */
export function numpyScalarStr(value: number | bigint | boolean, dtype: NumpyDtype): string {
  switch (dtype) {
    case 'bool':
      return asNumber(value) ? 'True' : 'False';
    case 'int64':
      return intText(value);
    default: {
      const x = asNumber(value);
      const parts = floatParts(x, dtype);
      const ax = Math.abs(x);
      const scalar: Dragon4Options = { unique: true, fractional: false, precision: -1, minDigits: -1, sign: false, trim: '0', padLeft: -1, padRight: -1, expDigits: -1 };
      if (ax === 0 || (ax < 1e16 && ax >= 1e-4)) return formatPositional(parts, scalar);
      return formatScientific(parts, { ...scalar, trim: '-' });
    }
  }
}

/** numpy.format_float_positional / format_float_scientific with explicit options. */
export function numpyFormatFloat(
  x: number,
  dtype: 'float32' | 'float64',
  options: {
    scientific?: boolean;
    unique?: boolean;
    fractional?: boolean;
    precision?: number;
    minDigits?: number;
    sign?: boolean;
    trim?: Trim;
    padLeft?: number;
    padRight?: number;
    expDigits?: number;
    exactOnly?: boolean;
  } = {},
): string {
  const o: Dragon4Options = {
    exactOnly: options.exactOnly ?? false,
    unique: options.unique ?? true,
    fractional: options.fractional ?? true,
    precision: options.precision ?? -1,
    minDigits: options.minDigits ?? -1,
    sign: options.sign ?? false,
    trim: options.trim ?? 'k',
    padLeft: options.padLeft ?? -1,
    padRight: options.padRight ?? -1,
    expDigits: options.expDigits ?? -1,
  };
  const parts = floatParts(x, dtype);
  return options.scientific ? formatScientific(parts, o) : formatPositional(parts, o);
}
