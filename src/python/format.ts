/**
 * Python's text formatting of numbers and strings, exactly as CPython 3.11 does it, over JS
 * primitives: int = bigint, float = number, bool = boolean, str = string.
 *
 * - repr/str: floatRepr (shortest round-trip digits laid out Python's way), intRepr, strRepr, asciiRepr
 * - format(value, spec): formatWithSpec (the format-spec mini-language of int, float, bool, str)
 * - printf-style `%`: percentFormat
 * - str.format: strFormat
 * - round(): roundFloat, roundFloatToInt, roundInt
 *
 * The layout code follows CPython's Python/formatter_unicode.c, Python/pystrtod.c
 * (format_float_short), Objects/unicodeobject.c (PyUnicode_Format) and
 * Objects/stringlib/unicode_format.h, so that widths, zero padding with grouping, signs and
 * error messages come out the same. Digits come from V8 (shortest digits, toFixed,
 * toExponential: exact except that they round ties away from zero) and from exact BigInt
 * arithmetic where a tie must round half-to-even as Python's dtoa does.
 */

import { chargeWork } from '../engine/meter.js';

export type PythonErrorType = 'ValueError' | 'TypeError' | 'OverflowError' | 'KeyError' | 'IndexError' | 'AttributeError';

/** A Python exception raised by formatting: `pythonType` names its class, `message` is str(exception). */
export class FormatError extends Error {
  readonly pythonType: PythonErrorType;
  constructor(pythonType: PythonErrorType, message: string) {
    super(message);
    this.name = pythonType;
    this.pythonType = pythonType;
  }
}

/** A Python value this module formats by itself. */
export type PyPrimitive = bigint | number | string | boolean;

export function isPyPrimitive(value: unknown): value is PyPrimitive {
  const t = typeof value;
  return t === 'bigint' || t === 'number' || t === 'string' || t === 'boolean';
}

/** type(value).__name__ of a primitive. */
export function primitiveTypeName(value: PyPrimitive): 'int' | 'float' | 'str' | 'bool' {
  switch (typeof value) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    default:
      return 'str';
  }
}

// ---------------------------------------------------------------------------------------------
// Code points (Python strings index code points; JS strings UTF-16 units)

const SURROGATE = /[\uD800-\uDFFF]/;

/** len() of a Python str held in a JS string. */
export function pyLen(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The characters of s (code points; a lone surrogate is one character). */
function codePoints(s: string): string[] {
  return Array.from(s);
}

// ---------------------------------------------------------------------------------------------
// repr / str of int, float, str

export function intRepr(x: bigint): string {
  const text = x.toString();
  // decimal digits of a big int cost ~30 ns each here (quadratic below CPython's 4300-digit limit): metered
  if (text.length > 64) chargeWork(text.length * WORK_PER_BIG_INT_DIGIT);
  return text;
}

/** Work units (engine/meter.ts) per decimal digit of an int longer than 64 digits. */
const WORK_PER_BIG_INT_DIGIT = 4;

/** repr(float) == str(float): shortest round-trip digits, exponent when exp < -4 or >= 16. */
export function floatRepr(x: number): string {
  const ax = Math.abs(x);
  if (ax >= 1e-4 && ax < 1e16) {
    // JS prints this range in fixed notation with the same shortest digits.
    const s = String(x);
    return s.includes('.') ? s : s + '.0';
  }
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (x !== x) return 'nan';
  if (ax === Infinity) return x > 0 ? 'inf' : '-inf';
  const s = x.toExponential();
  const e = s.indexOf('e');
  const exp = s.slice(e + 2);
  return s.slice(0, e + 2) + (exp.length < 2 ? '0' + exp : exp);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Characters repr() escapes besides the ASCII controls: Python's non-printable categories. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * Code points assigned after Unicode 14.0 (Python 3.11's database: unassigned there, so repr()
 * escapes them) that the JS engine's newer Unicode tables call printable. Measured by comparing
 * str.isprintable() of Python 3.11 with the regex above over every code point.
 */
const ASSIGNED_AFTER_UNICODE_14 = parseRanges(
  '88f 897 c5c cdc cf3 ece 1acf-1add 1ae0-1aeb 1b4e-1b4f 1b7f 1c89-1c8a 20c1 2427-2429 2b96 ' +
    '2ffc-2fff 31e4-31e5 31ef a7cb-a7cf a7d2 a7d4 a7da-a7dc a7f1 fbc3-fbd2 fd90-fd91 fdc8-fdce ' +
    '105c0-105f3 10940-10959 10d40-10d65 10d69-10d85 10d8e-10d8f 10ec2-10ec7 10ed0-10ed8 ' +
    '10efa-10eff 1123f-11241 11380-11389 1138b 1138e 11390-113b5 113b7-113c0 113c2 113c5 ' +
    '113c7-113ca 113cc-113d5 113d7-113d8 113e1-113e2 116d0-116e3 11b00-11b09 11b60-11b67 ' +
    '11bc0-11be1 11bf0-11bf9 11db0-11ddb 11de0-11de9 11f00-11f10 11f12-11f3a 11f3e-11f5a 1342f ' +
    '13440-13455 13460-143fa 16100-16139 16d40-16d79 16ea0-16eb8 16ebb-16ed3 16ff2-16ff6 ' +
    '187f8-187ff 18cff 18d09-18d1e 18d80-18df2 1b132 1b155 1cc00-1ccfc 1cd00-1ceb3 1ceba-1ced0 ' +
    '1cee0-1cef0 1d2c0-1d2d3 1df25-1df2a 1e030-1e06d 1e08f 1e4d0-1e4f9 1e5d0-1e5fa 1e5ff ' +
    '1e6c0-1e6de 1e6e0-1e6f5 1e6fe-1e6ff 1f6d8 1f6dc 1f774-1f77f 1f7d9 1f8b2-1f8bb 1f8c0-1f8c1 ' +
    '1f8d0-1f8d8 1fa54-1fa57 1fa75-1fa77 1fa87-1fa8a 1fa8e-1fa8f 1faad-1faaf 1fabb-1fabf 1fac6 ' +
    '1fac8 1facd-1facf 1fada-1fadc 1fadf 1fae8-1faea 1faef 1faf7-1faf8 1fbcb-1fbef 1fbfa ' +
    '2b739-2b73f 2cea2-2cead 2ebf0-2ee5d 31350-33479',
);

/** "a-b c" (hex) as sorted [start, end] pairs. */
function parseRanges(text: string): Uint32Array {
  const parts = text.split(' ');
  const out = new Uint32Array(parts.length * 2);
  parts.forEach((part, i) => {
    const [a, b] = part.split('-');
    out[2 * i] = parseInt(a, 16);
    out[2 * i + 1] = parseInt(b ?? a, 16);
  });
  return out;
}

function inRanges(ranges: Uint32Array, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[2 * mid]) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Python 3.11's str.isprintable() of one character (code point >= 0x7f). */
function isPrintableNonAscii(ch: string, cp: number): boolean {
  return !NON_PRINTABLE.test(ch) && !inRanges(ASSIGNED_AFTER_UNICODE_14, cp);
}

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

const NON_ASCII = /[^\x00-\x7f]/;
/** Control characters repr() writes as \xNN (\n, \r and \t have escapes of their own). */
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const OTHER_CONTROLS = new RegExp(OTHER_CONTROL.source, 'g');
/** `\xNN`, charged as it is written (a callback per character, ~400 ns). */
function controlEscape(ch: string): string {
  chargeWork(64);
  return '\\x' + hex(ch.charCodeAt(0), 2);
}

/** Work units (engine/meter.ts) per character of a string repr() escapes (more where it goes one by one). */
const WORK_PER_ESCAPED_CHARACTER = 2;

/** repr(str): single quotes unless the text has ' and no ", Python's escapes. */
export function strRepr(s: string): string {
  let quote = "'";
  if (s.includes("'") && !s.includes('"')) quote = '"';
  let simple = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x5c || (c === 0x27 && quote === "'")) {
      simple = false;
      break;
    }
  }
  if (simple) return quote + s + quote;
  if (!NON_ASCII.test(s)) {
    // ASCII text (a long printed text, a tensor's repr in a string): a native pass per kind of
    // escape, the backslash first (what later passes write is never escaped again). ~1 ns a character.
    chargeWork(s.length * WORK_PER_ESCAPED_CHARACTER);
    let out = s;
    if (out.includes('\\')) out = out.replaceAll('\\', '\\\\');
    if (out.includes('\n')) out = out.replaceAll('\n', '\\n');
    if (out.includes('\r')) out = out.replaceAll('\r', '\\r');
    if (out.includes('\t')) out = out.replaceAll('\t', '\\t');
    if (quote === "'" && out.includes("'")) out = out.replaceAll("'", "\\'");
    if (OTHER_CONTROL.test(out)) out = out.replace(OTHER_CONTROLS, controlEscape);
    return quote + out + quote;
  }
  // a character (code point) at a time, ~50-150 ns each
  chargeWork(s.length * WORK_PER_ESCAPED_CHARACTER * 8);
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x5c) out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f) out += ch;
    else if (isPrintableNonAscii(ch, cp)) out += ch;
    else out += escapeCodePoint(cp);
  }
  return out + quote;
}

/** What ascii() does to a repr: every non-ASCII character escaped (backslashreplace). */
export function asciiEscape(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x80 ? ch : escapeCodePoint(cp);
  }
  return out;
}

/** ascii(str). */
export function asciiRepr(s: string): string {
  return asciiEscape(strRepr(s));
}

/** str() of a primitive. */
export function primitiveStr(value: PyPrimitive): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return floatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    default:
      return value;
  }
}

/** repr() of a primitive. */
export function primitiveRepr(value: PyPrimitive): string {
  return typeof value === 'string' ? strRepr(value) : primitiveStr(value);
}

// ---------------------------------------------------------------------------------------------
// Decimal digits of a double, as David Gay's dtoa gives them to CPython: digits without
// trailing zeros and the position of the decimal point (value = 0.DIGITS * 10^decpt).

interface DecimalDigits {
  digits: string;
  decpt: number;
}

const ZERO_DIGITS: DecimalDigits = { digits: '0', decpt: 1 };

function stripTrailingZeros(digits: string): string {
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

/** Digits of a JS exponential string "d.ddde+X" (of a positive number). */
function fromExponential(s: string): DecimalDigits {
  const e = s.indexOf('e');
  const mantissa = s.charAt(1) === '.' ? s.charAt(0) + s.slice(2, e) : s.slice(0, e);
  return { digits: stripTrailingZeros(mantissa), decpt: Number(s.slice(e + 1)) + 1 };
}

/** Digits of a JS fixed string "123.4500" (of a non-negative number), `places` decimals. */
function fromFixed(s: string, places: number): DecimalDigits {
  const dot = s.indexOf('.');
  const intLen = dot < 0 ? s.length : dot;
  const all = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
  let lead = 0;
  while (lead < all.length && all.charCodeAt(lead) === 48) lead++;
  if (lead === all.length) return { digits: '', decpt: -places };
  return { digits: stripTrailingZeros(all.slice(lead)), decpt: intLen - lead };
}

const view = new DataView(new ArrayBuffer(8));

/** A positive finite double as mantissa * 2^exponent exactly. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

const bigPow10Cache: bigint[] = [];
function pow10(n: number): bigint {
  if (n < 400) {
    let p = bigPow10Cache[n];
    if (p === undefined) {
      p = 10n ** BigInt(n);
      bigPow10Cache[n] = p;
    }
    return p;
  }
  return 10n ** BigInt(n);
}

/** round(x * 10^scale) half-to-even, exactly, for positive finite x. */
function scaledRoundHalfEven(x: number, scale: number): bigint {
  const { mantissa, exponent } = decompose(x);
  let num = mantissa;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  if (scale >= 0) num *= pow10(scale);
  else den *= pow10(-scale);
  const q = num / den;
  const twice = (num - q * den) * 2n;
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** dtoa mode 3: x rounded half-to-even to `places` decimals (places may be negative). */
function exactFixedDigits(ax: number, places: number): DecimalDigits {
  const n = scaledRoundHalfEven(ax, places);
  if (n === 0n) return { digits: '', decpt: -places };
  const s = n.toString();
  return { digits: stripTrailingZeros(s), decpt: s.length - places };
}

/** Whether 10^k <= ax, exactly. */
function powerOfTenAtMost(k: number, ax: number): boolean {
  const { mantissa, exponent } = decompose(ax);
  let left = k >= 0 ? pow10(k) : 1n; // 10^k scaled
  let right = mantissa; // ax scaled the same way
  if (k < 0) right *= pow10(-k);
  if (exponent >= 0) right <<= BigInt(exponent);
  else left <<= BigInt(-exponent);
  return left <= right;
}

/** dtoa mode 2: x rounded half-to-even to `count` significant digits. */
function exactSignificantDigits(ax: number, count: number): DecimalDigits {
  // k = floor(log10(ax)) exactly; Math.log10 may be off by one next to powers of ten.
  let k = Math.floor(Math.log10(ax));
  while (!powerOfTenAtMost(k, ax)) k--;
  while (powerOfTenAtMost(k + 1, ax)) k++;
  const n = scaledRoundHalfEven(ax, count - 1 - k);
  // Rounding up to 10^count moves the point: 9.99 -> 10.0.
  if (n >= pow10(count)) return { digits: '1', decpt: k + 2 };
  return { digits: stripTrailingZeros(n.toString()), decpt: k + 1 };
}

/** Shortest digits that read back as x (dtoa mode 0); ax positive finite. */
function shortestDigits(ax: number): DecimalDigits {
  return fromExponential(ax.toExponential());
}

/** `count` significant digits (dtoa mode 2), count >= 1; ax positive finite. */
function significantDigits(ax: number, count: number): DecimalDigits {
  if (count > 100) return exactSignificantDigits(ax, count);
  // V8 rounds exactly but sends ties away from zero; a tie shows as a final 5 one digit further.
  const further = ax.toExponential(count);
  if (further.charCodeAt(further.indexOf('e') - 1) === 53) return exactSignificantDigits(ax, count);
  return fromExponential(ax.toExponential(count - 1));
}

/** Number of binary digits after the point of ax, counted up to limit + 1. */
function fractionBits(ax: number, limit: number): number {
  let y = ax;
  for (let j = 0; j <= limit; j++) {
    if (Number.isInteger(y)) return j;
    y *= 2;
  }
  return limit + 1;
}

/** Digits of ax rounded to `places` decimals (dtoa mode 3), places >= 0; ax positive finite. */
function fixedDigits(ax: number, places: number): DecimalDigits {
  if (ax >= 1e21 || places > 99) return exactFixedDigits(ax, places);
  // A tie at `places` decimals is a value with exactly places + 1 decimals (= binary digits).
  if (fractionBits(ax, places + 1) === places + 1) {
    const exact = ax.toFixed(places + 1);
    const kept = exact.slice(0, -1);
    const last = kept.charCodeAt(kept.length - 1) === 46 ? kept.charCodeAt(kept.length - 2) : kept.charCodeAt(kept.length - 1);
    if ((last & 1) === 0) return fromFixed(kept, places);
  }
  return fromFixed(ax.toFixed(places), places);
}

/**
 * Decimal digits of a positive finite double: `digits` (no trailing zeros; '' for a value that
 * rounds to 0) and `decpt` (value = 0.DIGITS * 10^decpt). shortestDecimal: the shortest digits
 * that read back as x; fixedDecimal: x rounded half-to-even to `places` decimals, exactly.
 */
export function shortestDecimal(ax: number): { digits: string; decpt: number } {
  return shortestDigits(ax);
}

export function fixedDecimal(ax: number, places: number): { digits: string; decpt: number } {
  return places >= 0 ? fixedDigits(ax, places) : exactFixedDigits(ax, places);
}

// ---------------------------------------------------------------------------------------------
// PyOS_double_to_string

interface DoubleFlags {
  alt?: boolean;
  addDot0?: boolean;
  noNegZero?: boolean;
}

/**
 * PyOS_double_to_string(x, code, precision, flags): code e E f F g G r (r: shortest, precision 0).
 * No '+' flag: callers add signs themselves.
 */
export function doubleToString(x: number, code: string, precision: number, flags: DoubleFlags = {}): string {
  const upper = code === 'E' || code === 'F' || code === 'G';
  const lower = upper ? code.toLowerCase() : code;
  const negative = x < 0 || Object.is(x, -0);
  if (!Number.isFinite(x)) {
    const text = x !== x ? 'nan' : 'inf';
    const sign = x === -Infinity ? '-' : '';
    return sign + (upper ? text.toUpperCase() : text);
  }
  const ax = Math.abs(x);
  let d: DecimalDigits;
  switch (lower) {
    case 'e':
      precision += 1;
      d = ax === 0 ? ZERO_DIGITS : significantDigits(ax, precision);
      break;
    case 'f':
      d = ax === 0 ? ZERO_DIGITS : fixedDigits(ax, precision);
      break;
    case 'g':
      if (precision === 0) precision = 1;
      d = ax === 0 ? ZERO_DIGITS : significantDigits(ax, precision);
      break;
    case 'r':
      d = ax === 0 ? ZERO_DIGITS : shortestDigits(ax);
      break;
    default:
      throw new Error(`doubleToString: bad format code ${code}`);
  }
  return layoutDigits(d, negative, lower, precision, flags, upper);
}

/** format_float_short after the digits are known. */
function layoutDigits(d: DecimalDigits, negative: boolean, code: string, precision: number, flags: DoubleFlags, upper: boolean): string {
  const digits = d.digits;
  const digitsLen = digits.length;
  let decpt = d.decpt;
  let sign = negative;
  if (flags.noNegZero && sign && (digitsLen === 0 || digits === '0')) sign = false;
  let vdigitsEnd = digitsLen;
  let useExp = false;
  switch (code) {
    case 'e':
      useExp = true;
      vdigitsEnd = precision;
      break;
    case 'f':
      vdigitsEnd = decpt + precision;
      break;
    case 'g':
      if (decpt <= -4 || decpt > (flags.addDot0 ? precision - 1 : precision)) useExp = true;
      if (flags.alt) vdigitsEnd = precision;
      break;
    default: // 'r': exponent from 1e16 on
      if (decpt <= -4 || decpt > 16) useExp = true;
  }
  let exp = 0;
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const vdigitsStart = decpt <= 0 ? decpt - 1 : 0;
  if (!useExp && flags.addDot0) vdigitsEnd = Math.max(vdigitsEnd, decpt + 1);
  else vdigitsEnd = Math.max(vdigitsEnd, decpt);

  let out = sign ? '-' : '';
  if (decpt <= 0) out += '0'.repeat(decpt - vdigitsStart) + '.' + '0'.repeat(-decpt);
  if (decpt > 0 && decpt <= digitsLen) out += digits.slice(0, decpt) + '.' + digits.slice(decpt);
  else out += digits;
  if (digitsLen < decpt) out += '0'.repeat(decpt - digitsLen) + '.' + '0'.repeat(vdigitsEnd - decpt);
  else out += '0'.repeat(vdigitsEnd - digitsLen);
  if (out.charCodeAt(out.length - 1) === 46 && !flags.alt) out = out.slice(0, -1);
  if (useExp) {
    const a = Math.abs(exp);
    out += (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// round()

/** round(x, ndigits) for a float (correctly rounded, ties to even on the exact binary value). */
export function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits > 323) return x;
  if (ndigits < -308) return 0 * x;
  const ax = Math.abs(x);
  const d = ndigits >= 0 && ndigits <= 99 && ax < 1e21 ? fixedDigits(ax, ndigits) : exactFixedDigits(ax, ndigits);
  const magnitude = d.digits === '' ? 0 : Number(`0.${d.digits}e${d.decpt}`);
  if (magnitude === Infinity) throw new FormatError('OverflowError', 'rounding result too large');
  return x < 0 ? -magnitude : magnitude;
}

/** round(x) for a float: the nearest int, ties to even. */
export function roundFloatToInt(x: number): bigint {
  if (x !== x) throw new FormatError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw new FormatError('OverflowError', 'cannot convert float infinity to integer');
  let r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) r = 2 * Math.round(x / 2);
  return BigInt(r);
}

/** round(n, ndigits) for an int: n itself when ndigits >= 0, else ties to even at 10^-ndigits. */
export function roundInt(n: bigint, ndigits: bigint): bigint {
  if (ndigits >= 0n) return n;
  const unit = 10n ** -ndigits;
  const negative = n < 0n;
  const a = negative ? -n : n;
  let q = a / unit;
  const twice = (a - q * unit) * 2n;
  if (twice > unit || (twice === unit && (q & 1n) === 1n)) q += 1n;
  const r = q * unit;
  return negative ? -r : r;
}

// ---------------------------------------------------------------------------------------------
// The format-spec mini-language: [[fill]align][sign][z][#][0][width][grouping][.precision][type]

const enum Grouping {
  None = 0,
  Comma = 1,
  Underscore = 2,
  UnderscoreFour = 3,
}

interface FormatSpec {
  fill: string;
  align: string;
  alternate: boolean;
  noNegZero: boolean;
  sign: string;
  width: number;
  grouping: Grouping;
  precision: number;
  type: string;
}

const MAX_SSIZE = 2n ** 63n - 1n;

function isAlign(c: string | undefined): boolean {
  return c === '<' || c === '>' || c === '=' || c === '^';
}

function readInteger(chars: readonly string[], pos: number): { value: number; end: number } {
  let end = pos;
  while (end < chars.length && chars[end] >= '0' && chars[end] <= '9') end++;
  if (end === pos) return { value: -1, end };
  const text = chars.slice(pos, end).join('');
  if (end - pos > 18 && BigInt(text) > MAX_SSIZE) throw new FormatError('ValueError', 'Too many decimal digits in format string');
  return { value: Number(text), end };
}

function groupingChar(g: Grouping): string {
  return g === Grouping.Comma ? ',' : '_';
}

function invalidGrouping(g: Grouping, type: string): never {
  const code = type.codePointAt(0) ?? 0;
  const shown = code > 32 && code < 128 ? `'${type}'` : `'\\x${code.toString(16)}'`;
  throw new FormatError('ValueError', `Cannot specify '${groupingChar(g)}' with ${shown}.`);
}

function parseSpec(spec: string, defaultType: string, defaultAlign: string, typeName: string): FormatSpec {
  const chars = codePoints(spec);
  const end = chars.length;
  let pos = 0;
  const f: FormatSpec = {
    fill: ' ',
    align: defaultAlign,
    alternate: false,
    noNegZero: false,
    sign: '',
    width: -1,
    grouping: Grouping.None,
    precision: -1,
    type: defaultType,
  };
  let alignSpecified = false;
  let fillSpecified = false;
  if (end >= 2 && isAlign(chars[1])) {
    f.align = chars[1];
    f.fill = chars[0];
    fillSpecified = alignSpecified = true;
    pos = 2;
  } else if (end >= 1 && isAlign(chars[0])) {
    f.align = chars[0];
    alignSpecified = true;
    pos = 1;
  }
  if (pos < end && (chars[pos] === '+' || chars[pos] === '-' || chars[pos] === ' ')) f.sign = chars[pos++];
  if (pos < end && chars[pos] === 'z') {
    f.noNegZero = true;
    pos++;
  }
  if (pos < end && chars[pos] === '#') {
    f.alternate = true;
    pos++;
  }
  if (!fillSpecified && pos < end && chars[pos] === '0') {
    f.fill = '0';
    if (!alignSpecified && defaultAlign === '>') f.align = '=';
    pos++;
  }
  const width = readInteger(chars, pos);
  f.width = width.value;
  pos = width.end;
  if (pos < end && chars[pos] === ',') {
    f.grouping = Grouping.Comma;
    pos++;
  }
  if (pos < end && chars[pos] === '_') {
    if (f.grouping !== Grouping.None) throw new FormatError('ValueError', "Cannot specify both ',' and '_'.");
    f.grouping = Grouping.Underscore;
    pos++;
  }
  if (pos < end && chars[pos] === ',' && f.grouping === Grouping.Underscore) {
    throw new FormatError('ValueError', "Cannot specify both ',' and '_'.");
  }
  if (pos < end && chars[pos] === '.') {
    pos++;
    const precision = readInteger(chars, pos);
    if (precision.value < 0) throw new FormatError('ValueError', 'Format specifier missing precision');
    f.precision = precision.value;
    pos = precision.end;
  }
  if (end - pos > 1) throw new FormatError('ValueError', `Invalid format specifier '${spec}' for object of type '${typeName}'`);
  if (end - pos === 1) f.type = chars[pos];
  if (f.grouping !== Grouping.None) {
    switch (f.type) {
      case 'd':
      case 'e':
      case 'f':
      case 'g':
      case 'E':
      case 'G':
      case '%':
      case 'F':
      case '':
        break;
      case 'b':
      case 'o':
      case 'x':
      case 'X':
        if (f.grouping === Grouping.Underscore) {
          f.grouping = Grouping.UnderscoreFour;
          break;
        }
        invalidGrouping(f.grouping, f.type);
      // falls through (invalidGrouping throws)
      default:
        invalidGrouping(f.grouping, f.type);
    }
  }
  return f;
}

function unknownType(type: string, typeName: string): never {
  const code = type.codePointAt(0) ?? 0;
  const shown = code > 32 && code < 128 ? `'${type}'` : `'\\x${code.toString(16)}'`;
  throw new FormatError('ValueError', `Unknown format code ${shown} for object of type '${typeName}'`);
}

/**
 * _PyUnicode_InsertThousandsGrouping: the digits with separators every `group` digits (none
 * when group is 0), left-padded with zeros (grouped too) up to minWidth characters.
 */
function groupDigits(digits: string, minWidth: number, group: number, sep: string): string {
  let remaining = digits.length;
  let out = '';
  let useSep = false;
  if (group > 0) {
    for (;;) {
      const l = Math.min(group, Math.max(remaining, minWidth, 1));
      const zeros = Math.max(0, l - remaining);
      const count = Math.max(0, Math.min(remaining, l));
      out = '0'.repeat(zeros) + digits.slice(remaining - count, remaining) + (useSep ? sep : '') + out;
      useSep = true;
      remaining -= count;
      minWidth -= group;
      if (remaining <= 0 && minWidth <= 0) return out;
      minWidth -= sep.length;
    }
  }
  const l = Math.max(remaining, minWidth, 1);
  const zeros = Math.max(0, l - remaining);
  return '0'.repeat(zeros) + digits;
}

/**
 * calc_number_widths + fill_number: | lpad | sign | prefix | spad | grouped digits | . | remainder | rpad |
 */
function layoutNumber(f: FormatSpec, negative: boolean, prefix: string, digits: string, hasDecimal: boolean, remainder: string, grouping: Grouping): string {
  let sign = '';
  if (f.sign === '+') sign = negative ? '-' : '+';
  else if (f.sign === ' ') sign = negative ? '-' : ' ';
  else if (negative) sign = '-';
  const nonDigits = sign.length + prefix.length + (hasDecimal ? 1 : 0) + pyLen(remainder);
  const minWidth = f.fill === '0' && f.align === '=' ? f.width - nonDigits : 0;
  let grouped = '';
  if (digits.length > 0) {
    const group = grouping === Grouping.None ? 0 : grouping === Grouping.UnderscoreFour ? 4 : 3;
    grouped = groupDigits(digits, minWidth, group, grouping === Grouping.Comma ? ',' : '_');
  }
  const padding = f.width - (nonDigits + grouped.length);
  let lpad = '';
  let spad = '';
  let rpad = '';
  if (padding > 0) {
    switch (f.align) {
      case '<':
        rpad = f.fill.repeat(padding);
        break;
      case '^':
        lpad = f.fill.repeat(padding >> 1);
        rpad = f.fill.repeat(padding - (padding >> 1));
        break;
      case '=':
        spad = f.fill.repeat(padding);
        break;
      default:
        lpad = f.fill.repeat(padding);
    }
  }
  return lpad + sign + prefix + spad + grouped + (hasDecimal ? '.' : '') + remainder + rpad;
}

function formatStringInternal(s: string, f: FormatSpec): string {
  if (f.sign === ' ') throw new FormatError('ValueError', 'Space not allowed in string format specifier');
  if (f.sign !== '') throw new FormatError('ValueError', 'Sign not allowed in string format specifier');
  if (f.noNegZero) throw new FormatError('ValueError', 'Negative zero coercion (z) not allowed in string format specifier');
  if (f.alternate) throw new FormatError('ValueError', 'Alternate form (#) not allowed in string format specifier');
  if (f.align === '=') throw new FormatError('ValueError', "'=' alignment not allowed in string format specifier");
  let len = pyLen(s);
  if ((f.width === -1 || f.width <= len) && (f.precision === -1 || f.precision >= len)) return s;
  let text = s;
  if (f.precision >= 0 && len >= f.precision) {
    text = len === s.length ? s.slice(0, f.precision) : codePoints(s).slice(0, f.precision).join('');
    len = f.precision;
  }
  return pad(text, len, f.width, f.align, f.fill);
}

/** calc_padding + fill_padding. */
function pad(text: string, len: number, width: number, align: string, fill: string): string {
  const total = width >= 0 && width > len ? width : len;
  let left = 0;
  if (align === '>') left = total - len;
  else if (align === '^') left = (total - len) >> 1;
  const right = total - len - left;
  return (left ? fill.repeat(left) : '') + text + (right ? fill.repeat(right) : '');
}

function formatLongInternal(value: bigint, f: FormatSpec): string {
  if (f.precision !== -1) throw new FormatError('ValueError', 'Precision not allowed in integer format specifier');
  if (f.noNegZero) throw new FormatError('ValueError', 'Negative zero coercion (z) not allowed in integer format specifier');
  if (f.type === 'c') {
    if (f.sign !== '') throw new FormatError('ValueError', "Sign not allowed with integer format specifier 'c'");
    if (f.alternate) throw new FormatError('ValueError', "Alternate form (#) not allowed with integer format specifier 'c'");
    if (value > MAX_SSIZE || value < -MAX_SSIZE - 1n) throw new FormatError('OverflowError', 'Python int too large to convert to C long');
    if (value < 0n || value > 0x10ffffn) throw new FormatError('OverflowError', '%c arg not in range(0x110000)');
    return layoutNumber(f, false, '', '', false, String.fromCodePoint(Number(value)), f.grouping);
  }
  let base = 10;
  let prefix = '';
  switch (f.type) {
    case 'b':
      base = 2;
      prefix = '0b';
      break;
    case 'o':
      base = 8;
      prefix = '0o';
      break;
    case 'x':
      base = 16;
      prefix = '0x';
      break;
    case 'X':
      base = 16;
      prefix = '0X';
      break;
  }
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString(base);
  if (f.type === 'X') digits = digits.toUpperCase();
  // 'n' formats with the C locale: no grouping.
  return layoutNumber(f, negative, f.alternate ? prefix : '', digits, false, '', f.type === 'n' ? Grouping.None : f.grouping);
}

function formatFloatInternal(value: number, f: FormatSpec): string {
  let type = f.type;
  let precision = f.precision;
  let defaultPrecision = 6;
  const flags: DoubleFlags = { alt: f.alternate, noNegZero: f.noNegZero };
  if (type === '') {
    flags.addDot0 = true;
    type = 'r';
    defaultPrecision = 0;
  }
  if (type === 'n') type = 'g';
  let addPercent = false;
  if (type === '%') {
    type = 'f';
    value *= 100;
    addPercent = true;
  }
  if (precision < 0) precision = defaultPrecision;
  else if (type === 'r') type = 'g';
  let s = doubleToString(value, type, precision, flags);
  if (addPercent) s += '%';
  if (f.sign !== '+' && f.sign !== ' ' && f.width === -1 && f.type !== 'n' && f.grouping === Grouping.None) return s;
  const negative = s.charCodeAt(0) === 45;
  if (negative) s = s.slice(1);
  let intEnd = 0;
  while (intEnd < s.length && s.charCodeAt(intEnd) >= 48 && s.charCodeAt(intEnd) <= 57) intEnd++;
  const hasDecimal = s.charCodeAt(intEnd) === 46;
  const remainder = s.slice(hasDecimal ? intEnd + 1 : intEnd);
  return layoutNumber(f, negative, '', s.slice(0, intEnd), hasDecimal, remainder, f.type === 'n' ? Grouping.None : f.grouping);
}

function intToFloat(value: bigint): number {
  const x = Number(value);
  if (!Number.isFinite(x)) throw new FormatError('OverflowError', 'int too large to convert to float');
  return x;
}

/** format(value, spec) for int, float, bool and str, as Python 3.11 (errors as FormatError). */
export function formatWithSpec(value: PyPrimitive, spec: string): string {
  switch (typeof value) {
    case 'string': {
      if (spec === '') return value;
      const f = parseSpec(spec, 's', '<', 'str');
      if (f.type !== 's') unknownType(f.type, 'str');
      return formatStringInternal(value, f);
    }
    case 'number': {
      if (spec === '') return floatRepr(value);
      const f = parseSpec(spec, '', '>', 'float');
      switch (f.type) {
        case '':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'n':
        case '%':
          return formatFloatInternal(value, f);
        default:
          return unknownType(f.type, 'float');
      }
    }
    case 'boolean':
    case 'bigint': {
      const typeName = typeof value === 'boolean' ? 'bool' : 'int';
      if (spec === '') return typeof value === 'boolean' ? (value ? 'True' : 'False') : value.toString();
      const n = typeof value === 'boolean' ? (value ? 1n : 0n) : value;
      const f = parseSpec(spec, 'd', '>', typeName);
      switch (f.type) {
        case 'b':
        case 'c':
        case 'd':
        case 'o':
        case 'x':
        case 'X':
        case 'n':
          return formatLongInternal(n, f);
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case '%':
          return formatFloatInternal(intToFloat(n), f);
        default:
          return unknownType(f.type, typeName);
      }
    }
    default:
      throw new TypeError('formatWithSpec: not a Python primitive');
  }
}

// ---------------------------------------------------------------------------------------------
// printf-style formatting: template % args

/** The right operand of `%` when it is a mapping (a dict): `%(key)s` looks keys up in it. */
export class PercentMapping {
  constructor(
    /** The dict itself (what a plain `%s` formats). */
    readonly value: unknown,
    /** mapping[key]; throws the interpreter's KeyError when missing. */
    readonly getItem: (key: string) => unknown,
  ) {}
}

export interface PercentHooks {
  /** type(value).__name__ for error messages (default 'object'). */
  typeName?(value: unknown): string;
  /**
   * For a non-primitive operand of %d %i %u (int(value)) or of %o %x %X %c (operator.index):
   * the int, or undefined when the value is not a number (TypeError). May throw.
   */
  toInt?(value: unknown, indexOnly: boolean): bigint | undefined;
  /** float(value) for a non-primitive operand of %e %f %g; undefined when not a number. May throw. */
  toFloat?(value: unknown): number | undefined;
}

interface PercentArg {
  ch: string;
  ljust: boolean;
  plus: boolean;
  blank: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number;
  sign: boolean;
}

function typeNameOf(value: unknown, hooks: PercentHooks): string {
  if (isPyPrimitive(value)) return primitiveTypeName(value);
  return hooks.typeName?.(value) ?? 'object';
}

function floatToIntTruncated(x: number): bigint {
  if (x !== x) throw new FormatError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw new FormatError('OverflowError', 'cannot convert float infinity to integer');
  return BigInt(Math.trunc(x));
}

/** _PyUnicode_FormatLong: digits with base prefix (alt) and precision as minimum digits. */
function formatLongForPercent(value: bigint, alt: boolean, prec: number, type: string): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let digits: string;
  let prefix = '';
  switch (type) {
    case 'o':
      digits = magnitude.toString(8);
      if (alt) prefix = '0o';
      break;
    case 'x':
      digits = magnitude.toString(16);
      if (alt) prefix = '0x';
      break;
    case 'X':
      digits = magnitude.toString(16).toUpperCase();
      if (alt) prefix = '0X';
      break;
    default:
      digits = magnitude.toString(10);
  }
  if (prec > digits.length) digits = '0'.repeat(prec - digits.length) + digits;
  return (negative ? '-' : '') + prefix + digits;
}

/**
 * printf-style `template % args` (PyUnicode_Format).
 * args: a tuple's items as an array, a single non-tuple operand as [value], a dict (any mapping)
 * as a PercentMapping or a plain record. toStr/toRepr give str()/repr() of values that are
 * not int/float/bool/str (None, lists, tensors, ...).
 */
export function percentFormat(
  template: string,
  args: readonly unknown[] | PercentMapping | Readonly<Record<string, unknown>>,
  toStr: (value: unknown) => string,
  toRepr: (value: unknown) => string,
  hooks: PercentHooks = {},
): string {
  let items: readonly unknown[];
  let dict: PercentMapping | null = null;
  if (Array.isArray(args)) {
    items = args;
  } else if (args instanceof PercentMapping) {
    dict = args;
    items = [args.value];
  } else {
    const record = args as Readonly<Record<string, unknown>>;
    dict = new PercentMapping(record, (key) => {
      if (!Object.prototype.hasOwnProperty.call(record, key)) throw new FormatError('KeyError', strRepr(key));
      return record[key];
    });
    items = [record];
  }
  // CPython's argument cursor: a tuple is indexed; a mapping (or a looked-up value) is one value (arglen -1).
  let current: unknown = items[0];
  let arglen = dict === null ? items.length : -1;
  let argidx = dict === null ? 0 : -2;
  let tupleItems: readonly unknown[] | null = dict === null ? items : null;
  const nextArg = (): unknown => {
    if (argidx < arglen) {
      const i = argidx++;
      return arglen < 0 ? current : tupleItems![i];
    }
    throw new FormatError('TypeError', 'not enough arguments for format string');
  };

  const fmt: ArrayLike<string> = SURROGATE.test(template) ? codePoints(template) : template;
  const n = fmt.length;
  let out = '';
  let pos = 0;
  while (pos < n) {
    if (fmt[pos] !== '%') {
      const start = pos;
      while (pos < n && fmt[pos] !== '%') pos++;
      out += typeof fmt === 'string' ? fmt.slice(start, pos) : Array.prototype.slice.call(fmt, start, pos).join('');
      continue;
    }
    pos++;
    if (pos < n && fmt[pos] === '%') {
      out += '%';
      pos++;
      continue;
    }
    const arg: PercentArg = { ch: '', ljust: false, plus: false, blank: false, alt: false, zero: false, width: -1, prec: -1, sign: false };
    // Mapping key: %(name)s
    if (pos < n && fmt[pos] === '(') {
      if (dict === null) throw new FormatError('TypeError', 'format requires a mapping');
      pos++;
      const keyStart = pos;
      let depth = 1;
      while (depth > 0 && pos < n) {
        if (fmt[pos] === ')') depth--;
        else if (fmt[pos] === '(') depth++;
        pos++;
      }
      if (depth > 0) throw new FormatError('ValueError', 'incomplete format key');
      const key = Array.prototype.slice.call(fmt, keyStart, pos - 1).join('');
      current = dict.getItem(key);
      tupleItems = null;
      arglen = -1;
      argidx = -2;
    }
    let c = '';
    let exhausted = true;
    while (pos < n) {
      c = fmt[pos++];
      if (c === '-') arg.ljust = true;
      else if (c === '+') arg.plus = true;
      else if (c === ' ') arg.blank = true;
      else if (c === '#') arg.alt = true;
      else if (c === '0') arg.zero = true;
      else {
        exhausted = false;
        break;
      }
    }
    const advance = (): void => {
      if (pos < n) c = fmt[pos++];
      else {
        exhausted = true;
        c = '';
      }
    };
    if (!exhausted) {
      if (c === '*') {
        const v = nextArg();
        if (typeof v !== 'bigint' && typeof v !== 'boolean') throw new FormatError('TypeError', '* wants int');
        let w = Number(v);
        if (w < 0) {
          arg.ljust = true;
          w = -w;
        }
        arg.width = w;
        advance();
      } else if (c >= '0' && c <= '9') {
        arg.width = c.charCodeAt(0) - 48;
        for (;;) {
          advance();
          if (exhausted || c < '0' || c > '9') break;
          arg.width = arg.width * 10 + (c.charCodeAt(0) - 48);
          if (arg.width > Number.MAX_SAFE_INTEGER) throw new FormatError('ValueError', 'width too big');
        }
      }
    }
    if (!exhausted && c === '.') {
      arg.prec = 0;
      advance();
      if (!exhausted && (c as string) === '*') {
        const v = nextArg();
        if (typeof v !== 'bigint' && typeof v !== 'boolean') throw new FormatError('TypeError', '* wants int');
        const p = Number(v);
        if (p > 2147483647 || p < -2147483648) throw new FormatError('OverflowError', 'Python int too large to convert to C int');
        arg.prec = p < 0 ? 0 : p;
        advance();
      } else if (!exhausted && (c as string) >= '0' && c <= '9') {
        arg.prec = c.charCodeAt(0) - 48;
        for (;;) {
          advance();
          if (exhausted || c < '0' || c > '9') break;
          arg.prec = arg.prec * 10 + (c.charCodeAt(0) - 48);
          if (arg.prec > 2147483647) throw new FormatError('ValueError', 'precision too big');
        }
      }
    }
    if (!exhausted && (c === 'h' || c === 'l' || c === 'L')) advance();
    if (exhausted) throw new FormatError('ValueError', 'incomplete format');
    arg.ch = c;
    const index = pos - 1;

    const v = nextArg();
    let str: string;
    switch (arg.ch) {
      case 's':
        str = isPyPrimitive(v) ? primitiveStr(v) : toStr(v);
        break;
      case 'r':
        str = isPyPrimitive(v) ? primitiveRepr(v) : toRepr(v);
        break;
      case 'a':
        str = asciiEscape(isPyPrimitive(v) ? primitiveRepr(v) : toRepr(v));
        break;
      case 'i':
      case 'd':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        const indexOnly = arg.ch === 'o' || arg.ch === 'x' || arg.ch === 'X';
        let int: bigint | undefined;
        if (typeof v === 'bigint') int = v;
        else if (typeof v === 'boolean') int = v ? 1n : 0n;
        else if (typeof v === 'number') int = indexOnly ? undefined : floatToIntTruncated(v);
        else if (typeof v === 'string') int = undefined;
        else int = hooks.toInt?.(v, indexOnly);
        if (int === undefined) {
          const what = indexOnly ? 'an integer' : 'a real number';
          throw new FormatError('TypeError', `%${arg.ch} format: ${what} is required, not ${typeNameOf(v, hooks)}`);
        }
        str = formatLongForPercent(int, arg.alt, arg.prec, arg.ch === 'i' || arg.ch === 'u' ? 'd' : arg.ch);
        arg.sign = true;
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        let x: number | undefined;
        if (typeof v === 'number') x = v;
        else if (typeof v === 'bigint') x = intToFloat(v);
        else if (typeof v === 'boolean') x = v ? 1 : 0;
        else if (typeof v === 'string') x = undefined;
        else x = hooks.toFloat?.(v);
        if (x === undefined) throw new FormatError('TypeError', `must be real number, not ${typeNameOf(v, hooks)}`);
        str = doubleToString(x, arg.ch, arg.prec < 0 ? 6 : arg.prec, { alt: arg.alt });
        arg.sign = true;
        break;
      }
      case 'c': {
        let code: bigint | undefined;
        if (typeof v === 'string') {
          if (pyLen(v) !== 1) throw new FormatError('TypeError', '%c requires int or char');
          str = v;
          break;
        }
        if (typeof v === 'bigint') code = v;
        else if (typeof v === 'boolean') code = v ? 1n : 0n;
        else if (typeof v !== 'number') code = hooks.toInt?.(v, true);
        if (code === undefined) throw new FormatError('TypeError', '%c requires int or char');
        if (code < 0n || code > 0x10ffffn) throw new FormatError('OverflowError', '%c arg not in range(0x110000)');
        str = String.fromCodePoint(Number(code));
        break;
      }
      default: {
        const cp = arg.ch.codePointAt(0)!;
        const shown = cp >= 31 && cp <= 126 ? arg.ch : '?';
        throw new FormatError('ValueError', `unsupported format character '${shown}' (0x${cp.toString(16)}) at index ${index}`);
      }
    }
    out += percentOutput(arg, str);
    if (dict !== null && argidx < arglen) throw new FormatError('TypeError', 'not all arguments converted during string formatting');
  }
  if (argidx < arglen && dict === null) throw new FormatError('TypeError', 'not all arguments converted during string formatting');
  return out;
}

/** unicode_format_arg_output: width, precision (s r a), sign, zero fill, 0x prefix. */
function percentOutput(arg: PercentArg, str: string): string {
  const fill = arg.sign && arg.zero ? '0' : ' ';
  let len = pyLen(str);
  if ((arg.width === -1 || arg.width <= len) && (arg.prec === -1 || arg.prec >= len) && !arg.plus && !arg.blank) return str;
  const chars = len === str.length ? null : codePoints(str);
  const at = (i: number): string => (chars ? chars[i] : str[i]);
  if ((arg.ch === 's' || arg.ch === 'r' || arg.ch === 'a') && arg.prec >= 0 && len >= arg.prec) len = arg.prec;
  let pindex = 0;
  let signchar = '';
  let sign = arg.sign;
  if (sign) {
    const first = at(0);
    if (first === '-' || first === '+') {
      signchar = first;
      len--;
      pindex++;
    } else if (arg.plus) signchar = '+';
    else if (arg.blank) signchar = ' ';
    else sign = false;
  }
  let width = arg.width < len ? len : arg.width;
  let out = '';
  if (sign) {
    if (fill !== ' ') out += signchar;
    if (width > len) width--;
  }
  const basePrefix = arg.alt && (arg.ch === 'x' || arg.ch === 'X' || arg.ch === 'o');
  if (basePrefix) {
    if (fill !== ' ') {
      out += at(pindex) + at(pindex + 1);
      pindex += 2;
    }
    width -= 2;
    if (width < 0) width = 0;
    len -= 2;
  }
  if (width > len && !arg.ljust) {
    out += fill.repeat(width - len);
    width = len;
  }
  if (fill === ' ') {
    if (sign) out += signchar;
    if (basePrefix) {
      out += at(pindex) + at(pindex + 1);
      pindex += 2;
    }
  }
  if (len > 0) out += chars ? chars.slice(pindex, pindex + len).join('') : str.slice(pindex, pindex + len);
  if (width > len) out += ' '.repeat(width - len);
  return out;
}

// ---------------------------------------------------------------------------------------------
// str.format

/** What str.format needs from the interpreter for values that are not int/float/bool/str. */
export interface StrFormatHooks {
  /** format(value, spec) (value.__format__(spec)). */
  format(value: unknown, spec: string): string;
  str?(value: unknown): string;
  repr?(value: unknown): string;
  /** getattr(value, name) for `{0.name}`; throws the interpreter's AttributeError. */
  getAttr?(value: unknown, name: string): unknown;
  /** value[key] for `{0[1]}` (an int key when the text is all digits) or `{0[name]}`. */
  getItem?(value: unknown, key: bigint | string): unknown;
}

type Keywords = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

function lookupKeyword(keywords: Keywords, key: string): unknown {
  if (keywords instanceof Map) {
    if (keywords.has(key)) return keywords.get(key);
  } else if (Object.prototype.hasOwnProperty.call(keywords, key)) {
    return (keywords as Readonly<Record<string, unknown>>)[key];
  }
  throw new FormatError('KeyError', strRepr(key));
}

/** get_integer of unicode_format.h: -1 when not all decimal digits (or empty). */
function fieldInteger(text: string): number {
  if (text.length === 0) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  if (text.length > 18 && BigInt(text) > MAX_SSIZE) throw new FormatError('ValueError', 'Too many decimal digits in format string');
  return Number(text);
}

function defaultGetAttr(value: unknown, name: string): never {
  const t = isPyPrimitive(value) ? primitiveTypeName(value) : 'object';
  throw new FormatError('AttributeError', `'${t}' object has no attribute '${name}'`);
}

function defaultGetItem(value: unknown, key: bigint | string): unknown {
  if (typeof value === 'string' && typeof key === 'bigint') {
    const chars = codePoints(value);
    if (key >= BigInt(chars.length)) throw new FormatError('IndexError', 'string index out of range');
    return chars[Number(key)];
  }
  if (typeof value === 'string') throw new FormatError('TypeError', 'string indices must be integers, not \'str\'');
  const t = isPyPrimitive(value) ? primitiveTypeName(value) : 'object';
  throw new FormatError('TypeError', `'${t}' object is not subscriptable`);
}

interface AutoNumber {
  state: 0 | 1 | 2; // init, auto, manual
  next: number;
}

/**
 * str.format(template, *positional, **keywords) (do_string_format). `hooks` (or just a
 * format function) handles values that are not int/float/bool/str.
 */
export function strFormat(
  template: string,
  positional: readonly unknown[],
  keywords: Keywords,
  hooks: StrFormatHooks | ((value: unknown, spec: string) => string),
): string {
  const h: StrFormatHooks = typeof hooks === 'function' ? { format: hooks } : hooks;
  return buildString(template, positional, keywords, h, 2, { state: 0, next: 0 });
}

function buildString(input: string, args: readonly unknown[], kwargs: Keywords, hooks: StrFormatHooks, depth: number, auto: AutoNumber): string {
  if (depth <= 0) throw new FormatError('ValueError', 'Max string recursion exceeded');
  let out = '';
  let pos = 0;
  const end = input.length;
  while (pos < end) {
    // MarkupIterator_next: literal text up to a brace
    const start = pos;
    let c = '';
    let markup = false;
    while (pos < end) {
      c = input[pos++];
      if (c === '{' || c === '}') {
        markup = true;
        break;
      }
    }
    const atEnd = pos >= end;
    let len = pos - start;
    if (markup && c === '}' && (atEnd || input[pos] !== '}')) throw new FormatError('ValueError', "Single '}' encountered in format string");
    if (markup && atEnd && c === '{') throw new FormatError('ValueError', "Single '{' encountered in format string");
    if (markup && !atEnd) {
      if (input[pos] === c) {
        pos++;
        markup = false;
      } else len--;
    }
    out += input.slice(start, start + len);
    if (!markup) continue;

    // parse_field
    const nameStart = pos;
    c = '';
    while (pos < end) {
      c = input[pos++];
      if (c === '{') throw new FormatError('ValueError', "unexpected '{' in field name");
      if (c === '[') {
        while (pos < end && input[pos] !== ']') pos++;
        continue;
      }
      if (c === '}' || c === ':' || c === '!') break;
      c = '';
    }
    const fieldName = input.slice(nameStart, c === '' ? pos : pos - 1);
    let conversion = '';
    let spec = '';
    let specNeedsExpanding = false;
    if (c === '!' || c === ':') {
      let specDone = false;
      if (c === '!') {
        if (pos >= end) throw new FormatError('ValueError', 'end of string while looking for conversion specifier');
        conversion = String.fromCodePoint(input.codePointAt(pos)!);
        pos += conversion.length;
        if (pos < end) {
          const next = input[pos++];
          if (next === '}') specDone = true;
          else if (next !== ':') throw new FormatError('ValueError', "expected ':' after conversion specifier");
        }
      }
      if (!specDone) {
        const specStart = pos;
        let count = 1;
        let closed = false;
        while (pos < end) {
          const s = input[pos++];
          if (s === '{') {
            specNeedsExpanding = true;
            count++;
          } else if (s === '}') {
            count--;
            if (count === 0) {
              spec = input.slice(specStart, pos - 1);
              closed = true;
              break;
            }
          }
        }
        if (!closed) throw new FormatError('ValueError', "unmatched '{' in format spec");
      }
    } else if (c !== '}') {
      throw new FormatError('ValueError', "expected '}' before end of string");
    }

    // output_markup
    let obj = getFieldObject(fieldName, args, kwargs, hooks, auto);
    if (conversion !== '') {
      switch (conversion) {
        case 'r':
          obj = isPyPrimitive(obj) ? primitiveRepr(obj) : reprVia(hooks, obj);
          break;
        case 's':
          obj = isPyPrimitive(obj) ? primitiveStr(obj) : strVia(hooks, obj);
          break;
        case 'a':
          obj = asciiEscape(isPyPrimitive(obj) ? primitiveRepr(obj) : reprVia(hooks, obj));
          break;
        default: {
          const cp = conversion.codePointAt(0)!;
          const shown = cp > 32 && cp < 127 ? conversion : `\\x${cp.toString(16)}`;
          throw new FormatError('ValueError', `Unknown conversion specifier ${shown}`);
        }
      }
    }
    if (specNeedsExpanding) spec = buildString(spec, args, kwargs, hooks, depth - 1, auto);
    out += isPyPrimitive(obj) ? formatWithSpec(obj, spec) : hooks.format(obj, spec);
  }
  return out;
}

function reprVia(hooks: StrFormatHooks, value: unknown): string {
  if (!hooks.repr) throw new Error('strFormat: a repr hook is needed for !r of a non-primitive value');
  return hooks.repr(value);
}

function strVia(hooks: StrFormatHooks, value: unknown): string {
  if (hooks.str) return hooks.str(value);
  return hooks.format(value, '');
}

function getFieldObject(field: string, args: readonly unknown[], kwargs: Keywords, hooks: StrFormatHooks, auto: AutoNumber): unknown {
  // field_name_split: the part before the first '.' or '['
  let i = 0;
  while (i < field.length && field[i] !== '.' && field[i] !== '[') i++;
  const first = field.slice(0, i);
  let index = fieldInteger(first);
  const empty = first.length === 0;
  const numeric = empty || index !== -1;
  if (auto.state === 0 && numeric) auto.state = empty ? 1 : 2;
  if (numeric) {
    if (auto.state === 2 && empty) throw new FormatError('ValueError', 'cannot switch from manual field specification to automatic field numbering');
    if (auto.state === 1 && !empty) throw new FormatError('ValueError', 'cannot switch from automatic field numbering to manual field specification');
  }
  if (empty) index = auto.next++;
  let obj: unknown;
  if (index === -1) obj = lookupKeyword(kwargs, first);
  else {
    if (index >= args.length) throw new FormatError('IndexError', `Replacement index ${index} out of range for positional args tuple`);
    obj = args[index];
  }
  // FieldNameIterator over the rest
  while (i < field.length) {
    const c = field[i++];
    if (c === '.') {
      const start = i;
      while (i < field.length && field[i] !== '.' && field[i] !== '[') i++;
      const name = field.slice(start, i);
      if (name.length === 0) throw new FormatError('ValueError', 'Empty attribute in format string');
      obj = (hooks.getAttr ?? defaultGetAttr)(obj, name);
    } else if (c === '[') {
      const start = i;
      while (i < field.length && field[i] !== ']') i++;
      if (i >= field.length) throw new FormatError('ValueError', "Missing ']' in format string");
      const name = field.slice(start, i);
      i++;
      if (name.length === 0) throw new FormatError('ValueError', 'Empty attribute in format string');
      const n = fieldInteger(name);
      obj = (hooks.getItem ?? defaultGetItem)(obj, n === -1 ? name : BigInt(n));
    } else {
      throw new FormatError('ValueError', "Only '.' or '[' may follow ']' in format field specifier");
    }
  }
  return obj;
}
