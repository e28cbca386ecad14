import { allocateBytes, asciiText, grownBytes } from './ascii_bytes.js';
import { chargeWork } from './meter.js';
import { viewOf } from './digit_text.js';
import type { Tensor } from './tensor.js';

// PyTorch 1.13's `repr(tensor)` (torch/_tensor_str.py) with the default print options.
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = 'tensor(';

export interface ReprSuffixes {
  /** Name of the tensor's grad_fn node (non-leaf tensors). */
  gradFn?: string | null;
  /** Printed as `requires_grad=True` when there is no grad_fn. */
  requiresGrad?: boolean;
}

/**
 * What PyTorch prints for `repr(t)`. Above 1000 elements only the printed edge
 * items are read, so the cost does not grow with the tensor.
 */
export function formatTensor(t: Tensor, suffixes: ReprSuffixes): string {
  return format(t, suffixes, t.numel >= CACHED_FROM_ELEMENTS && !t.isPending);
}

/** The values a tensor's text is made of, without a tensor (the playground prints an answer's values). */
export interface PrintableValues {
  data: ArrayLike<number>;
  shape: readonly number[];
  ndim: number;
  numel: number;
  dtype: Tensor['dtype'];
}

/** What PyTorch prints for a tensor holding these values (never cached: there is no tensor to tie the text to). */
export function formatValues(values: PrintableValues, suffixes: ReprSuffixes): string {
  // the printer reads only these fields when it does not cache
  return format(values as unknown as Tensor, suffixes, false);
}

function format(t: Tensor, suffixes: ReprSuffixes, cacheable: boolean): string {
  const indent = PREFIX.length;
  const gradFn = suffixes.gradFn || null;
  const requiresGrad = gradFn === null && suffixes.requiresGrad === true;
  let cached = cacheable ? cachedContents(t) : null;
  if (cached !== null && cached.repr !== null && cached.reprGradFn === gradFn && cached.reprRequiresGrad === requiresGrad) return cached.repr;
  // Formatting is work the meter must see (~20-45 ns an element shown, more for a strided view):
  // a loop printing views of a 1000-element tensor ran ~900 reprs inline before the meter tripped.
  if (cached === null) chargeWork(printedElements(t) * WORK_PER_PRINTED_ELEMENT);
  const suffixList: string[] = [];
  if (t.numel === 0 && t.ndim !== 1) suffixList.push(`size=${pythonTuple(t.shape)}`);
  // int64 and bool are the default dtypes of integer and bool data: shown only for an empty tensor.
  if (t.dtype !== 'float32' && (t.numel === 0 || t.dtype === 'float64')) suffixList.push(`dtype=torch.${t.dtype}`);
  if (gradFn) suffixList.push(`grad_fn=<${gradFn}>`);
  else if (requiresGrad) suffixList.push('requires_grad=True');
  let text: string;
  if (t.numel === 0) {
    text = addSuffixes(PREFIX + '[]', suffixList, indent);
  } else if (t.ndim === 0) {
    // one value (every printed loss and gradient of a scalar): its text alone, joined as strings
    text = addSuffixes(PREFIX + scalarText(t.data[0], t.dtype), suffixList, indent);
  } else if (cached !== null) {
    text = addSuffixes(PREFIX + cached.text, suffixList, indent);
  } else if (suffixList.every(isAscii)) {
    // the usual case: the whole text written as bytes and decoded once
    const out = writer;
    out.reset();
    out.ascii(PREFIX);
    writeContents(t, indent, out);
    const contentsEnd = out.length;
    writeSuffixes(out, suffixList, indent);
    text = out.text();
    if (cacheable) cached = rememberContents(t, text.slice(PREFIX.length, contentsEnd));
  } else {
    const contents = formatContents(t, indent);
    text = addSuffixes(PREFIX + contents, suffixList, indent);
    if (cacheable) cached = rememberContents(t, contents);
  }
  if (cached !== null) {
    cached.repr = text;
    cached.reprGradFn = gradFn;
    cached.reprRequiresGrad = requiresGrad;
  }
  return text;
}

/** Work units (meter.ts: a kernel's element, a few ns) per element a repr formats. */
const WORK_PER_PRINTED_ELEMENT = 8;

/** How many elements a repr shows: all up to THRESHOLD, else EDGE_ITEMS at each end of every dimension. */
function printedElements(t: { numel: number; shape: readonly number[] }): number {
  if (t.numel <= THRESHOLD) return t.numel;
  let shown = 1;
  for (const size of t.shape) shown *= Math.min(size, 2 * EDGE_ITEMS);
  return shown;
}

function isAscii(text: string): boolean {
  return !/[^\x00-\x7f]/.test(text);
}

/**
 * The contents of a tensor as last formatted, with what they were read from: a tensor printed
 * again unchanged (`print(x)`, then the answer's `variables`) is formatted once. The text depends
 * on the values (the storage, its buffer and write generation: every write goes through
 * Tensor.write/writeAt, which bump it), how they are viewed (shape, strides, offset) and the
 * dtype; the print options are fixed (torch.set_printoptions accepts only the defaults).
 */
export interface CachedContents {
  storage: Tensor['storage'];
  buffer: Tensor['storage']['buffer'];
  generation: number;
  shape: readonly number[];
  strides: readonly number[] | null;
  offset: number;
  dtype: Tensor['dtype'];
  text: string;
  /** The whole repr last made from `text` and the suffixes it was made with (they change without a write: requires_grad_()). */
  repr: string | null;
  reprGradFn: string | null;
  reprRequiresGrad: boolean;
}

/** Below this many elements formatting costs less than remembering it. */
const CACHED_FROM_ELEMENTS = 64;

/** The tensor's cached contents, or null when they were not formatted or have changed since. */
function cachedContents(t: Tensor): CachedContents | null {
  const storage = t.storage;
  const strides = t.dense ? null : t.strides;
  const hit = t.printed;
  if (
    hit !== null &&
    hit.storage === storage &&
    hit.buffer === storage.buffer &&
    hit.generation === storage.generation &&
    hit.shape === t.shape &&
    hit.strides === strides &&
    hit.offset === t.offset &&
    hit.dtype === t.dtype
  ) {
    return hit;
  }
  return null;
}

/** Caches the contents just formatted for the tensor as it is now. */
function rememberContents(t: Tensor, text: string): CachedContents {
  const storage = t.storage;
  const entry: CachedContents = {
    storage,
    buffer: storage.buffer,
    generation: storage.generation,
    shape: t.shape,
    strides: t.dense ? null : t.strides,
    offset: t.offset,
    dtype: t.dtype,
    text,
    repr: null,
    reprGradFn: null,
    reprRequiresGrad: false,
  };
  t.printed = entry;
  return entry;
}

/** The bracketed contents (PyTorch's _tensor_str) of a non-empty tensor. */
function formatContents(t: Tensor, indent: number): string {
  const out = writer;
  out.reset();
  writeContents(t, indent, out);
  return out.text();
}

/** Writes the contents after what `out` holds. */
function writeContents(t: Tensor, indent: number, out: AsciiWriter): void {
  const summarize = t.numel > THRESHOLD;
  // Every shown element is formatted once: the widths and the text come from the same digits.
  let formatted: FormattedElements;
  let shownRows: ShownRows | null = null;
  if (summarize) {
    shownRows = t.shape.map((size) => shownIndices(size));
    const values = shownValues(t.data, shownRows, rowMajorStrides(t.shape));
    formatted = t.dtype === 'int64' || t.dtype === 'bool' ? formatIntegers(values, t.dtype === 'bool') : formatAll(values);
  } else {
    const data = t.data;
    formatted = t.dtype === 'int64' || t.dtype === 'bool' ? formatIntegers(data, t.dtype === 'bool') : formatAll(data);
  }
  if (t.ndim === 0) {
    const bytes = out.reserve(formatted.maxLength);
    out.length = formatted.writeAt(bytes, out.view, out.length, 0);
  } else {
    renderDim(t, shownRows, formatted, out, 0, indent, { next: 0 });
  }
}

/** Dimension `dim` of the contents, written bracketed (rows wrapped to the line width); recursion is bounded by ndim. */
function renderDim(t: Tensor, shownRows: ShownRows | null, formatted: FormattedElements, out: AsciiWriter, dim: number, depthIndent: number, cursor: { next: number }): void {
  const size = t.shape[dim];
  const row = shownRows === null ? null : shownRows[dim];
  const count = row === null ? size : row.length;
  if (dim === t.ndim - 1) {
    // One row: elements joined by `, `, wrapped to the line width, written into room reserved at once.
    const width = formatted.width;
    const elementsPerLine = Math.max(1, Math.floor((LINE_WIDTH - depthIndent) / (width + 2)));
    const lines = Math.ceil(count / elementsPerLine);
    const bytes = out.reserve(count * (Math.max(formatted.maxLength, GAP_TEXT.length) + 2) + lines * (depthIndent + 2) + 2);
    const view = out.view;
    let at = out.length;
    bytes[at++] = OPEN_BRACKET;
    let next = cursor.next;
    let leftOnLine = elementsPerLine;
    for (let k = 0; k < count; k++) {
      if (k > 0) {
        bytes[at++] = COMMA;
        if (leftOnLine === 0) {
          bytes[at++] = NEWLINE;
          for (let i = 0; i <= depthIndent; i++) bytes[at++] = SPACE;
          leftOnLine = elementsPerLine;
        } else {
          bytes[at++] = SPACE;
        }
      }
      leftOnLine--;
      if (row !== null && row[k] === GAP) {
        for (let i = 0; i < GAP_TEXT.length; i++) bytes[at++] = GAP_TEXT.charCodeAt(i);
      } else {
        at = formatted.writeAt(bytes, view, at, next++);
      }
    }
    bytes[at++] = CLOSE_BRACKET;
    out.length = at;
    cursor.next = next;
    return;
  }
  out.char(OPEN_BRACKET);
  {
    for (let k = 0; k < count; k++) {
      if (k > 0) {
        // `,` then a blank line per remaining dimension below the next, then the indent
        out.char(COMMA);
        for (let line = 0; line < t.ndim - dim - 1; line++) out.char(NEWLINE);
        out.spaces(depthIndent + 1);
      }
      if (row !== null && row[k] === GAP) out.ascii('...');
      else renderDim(t, shownRows, formatted, out, dim + 1, depthIndent + 1, cursor);
    }
  }
  out.char(CLOSE_BRACKET);
}

/** Marks where `...` stands in a summarised dimension. */
const GAP = -1;
/** What stands for the left-out elements of a summarised row. */
const GAP_TEXT = ' ...';

/** The printed indices of each dimension of a summarised tensor. */
type ShownRows = number[][];

/** Indices of one dimension of a summarised tensor that get printed: all, or the edge items around a gap. */
function shownIndices(size: number): number[] {
  if (size > 2 * EDGE_ITEMS) {
    const shown: number[] = [];
    for (let i = 0; i < EDGE_ITEMS; i++) shown.push(i);
    shown.push(GAP);
    for (let i = size - EDGE_ITEMS; i < size; i++) shown.push(i);
    return shown;
  }
  const all = new Array<number>(size);
  for (let i = 0; i < size; i++) all[i] = i;
  return all;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** The printed elements (PyTorch's get_summarized_data), which alone decide the format. */
function shownValues(data: ArrayLike<number>, shownRows: ShownRows, strides: number[]): number[] {
  const values: number[] = [];
  const visit = (dim: number, offset: number): void => {
    if (dim === shownRows.length) {
      values.push(data[offset]);
      return;
    }
    for (const index of shownRows[dim]) if (index !== GAP) visit(dim + 1, offset + index * strides[dim]);
  };
  visit(0, 0);
  return values;
}

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_PAREN = 0x29;
const COMMA = 0x2c;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * ASCII text written into bytes and decoded once: a 1000-element repr is one string, not
 * thousands of pieces (formatting is never re-entered, so one writer serves every call).
 */
class AsciiWriter {
  bytes = allocateBytes(4096);
  /**
   * The same bytes as a plain Uint8Array (stores into Node's Buffer subclass ran ~20% slower
   * here) and as a DataView (four digits in one store).
   */
  plain = plainBytes(this.bytes);
  view = viewOf(this.bytes);
  /** Bytes written so far. */
  length = 0;

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `count` more bytes and returns the bytes (write from `length` on, then advance it). */
  reserve(count: number): Uint8Array {
    if (this.length + count > this.bytes.length) {
      this.bytes = grownBytes(this.bytes, this.length, this.length + count);
      this.plain = plainBytes(this.bytes);
      this.view = viewOf(this.bytes);
    }
    return this.plain;
  }

  char(code: number): void {
    this.reserve(1)[this.length++] = code;
  }

  spaces(count: number): void {
    const bytes = this.reserve(count);
    let at = this.length;
    for (let i = 0; i < count; i++) bytes[at++] = SPACE;
    this.length = at;
  }

  /** A string of ASCII characters (element texts and separators are). */
  ascii(text: string): void {
    const bytes = this.reserve(text.length);
    let at = this.length;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  text(): string {
    return asciiText(this.bytes, 0, this.length);
  }
}

/** Writes the decimal digits of a non-negative integer below 2^53 backwards, ending before `at`; returns where they start. */
function writeDigitsBackward(bytes: Uint8Array, at: number, value: number): number {
  if (value < 10) {
    bytes[at - 1] = ZERO + value;
    return at - 1;
  }
  let rest = value;
  // above int32: float division down to an int32, then integer division
  while (rest > 0x7fffffff) {
    const quotient = Math.floor(rest / 10);
    bytes[--at] = ZERO + (rest - quotient * 10);
    rest = quotient;
  }
  let small = rest | 0;
  do {
    const quotient = (small / 10) | 0;
    bytes[--at] = ZERO + (small - quotient * 10);
    small = quotient;
  } while (small > 0);
  return at;
}

/** A plain Uint8Array over the same memory. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const writer = new AsciiWriter();

/** How many decimal digits a non-negative integer below 2^53 has. */
function decimalLength(value: number): number {
  let length = 1;
  for (let bound = 10; value >= bound && length < 16; bound *= 10) length++;
  return length;
}

/** addSuffixes on the bytes written so far (ASCII suffixes). */
function writeSuffixes(out: AsciiWriter, suffixes: string[], indent: number): void {
  const bytes = out.bytes;
  let lineStart = out.length;
  while (lineStart > 0 && bytes[lineStart - 1] !== NEWLINE) lineStart--;
  // as addSuffixes counts it: length - lastIndexOf('\n') + 1, with lastIndexOf = lineStart - 1 (-1 for none)
  let lastLineLength = out.length - lineStart + 2;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      out.char(COMMA);
      out.char(NEWLINE);
      out.spaces(indent);
      lastLineLength = indent + suffix.length;
    } else {
      out.char(COMMA);
      out.char(SPACE);
      lastLineLength += suffix.length + 2;
    }
    out.ascii(suffix);
  }
  out.char(CLOSE_PAREN);
}

// Reproduces PyTorch's quirk: the last line's length is counted two characters long.
function addSuffixes(text: string, suffixes: string[], indent: number): string {
  let result = text;
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > LINE_WIDTH) {
      result += ',\n' + ' '.repeat(indent) + suffix;
      lastLineLength = indent + suffix.length;
    } else {
      result += ', ' + suffix;
      lastLineLength += suffix.length + 2;
    }
  }
  return result + ')';
}

function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

// ---- element formatting (PyTorch's _Formatter) --------------------------------

type Notation = 'integer' | 'scientific' | 'fixed';

/** The shown elements as printed, right-aligned to the widest (PyTorch's _Formatter). */
interface FormattedElements {
  width: number;
  /** The longest element's text (at least the width): what one element may take. */
  maxLength: number;
  /** Writes the k-th shown element's text, right-aligned to the width, at `at` (room reserved; `view` views `bytes`); returns its end. */
  writeAt(bytes: Uint8Array, view: DataView, at: number, k: number): number;
}

/**
 * Elements in fixed or integer notation kept as their rounded digits: |value| · 10^digits
 * rounded half to even (Python's rounding of the exact binary value, see pythonFixed's fast path)
 * and the sign, written digit by digit. An element the fast path cannot take (scientific notation,
 * non-finite, not a float32 value, too large) keeps its text.
 */
class DigitElements implements FormattedElements {
  width = 1;
  maxLength = 1;
  constructor(
    /** Rounded |value| · 10^digits, or NaN where `texts` holds the element. */
    private readonly rounded: Float64Array,
    private readonly negative: Uint8Array,
    private readonly lengths: Uint16Array,
    private readonly texts: (string | undefined)[],
    /** Digits after the point (0: integer notation, printed `12.`). */
    private readonly fractionDigits: number,
  ) {}

  writeAt(bytes: Uint8Array, view: DataView, at: number, k: number): number {
    const rounded = this.rounded[k];
    const length = this.lengths[k];
    const width = this.width;
    if (rounded !== rounded) return writePadded(bytes, at, this.texts[k] as string, width);
    // written backwards from the element's end: fraction digits, the point, whole digits, sign, padding
    const end = at + (width > length ? width : length);
    let p = end;
    const digits = this.fractionDigits;
    let whole = rounded;
    if (digits === 4 && rounded < 2 ** 31) {
      // the default precision in int32 arithmetic, its four fraction digits in one store
      const small = rounded | 0;
      whole = (small / 10000) | 0;
      p -= 4;
      view.setUint32(p, FOUR_DIGITS[small - whole * 10000], true);
    } else if (digits > 0) {
      const scale = POWERS_OF_TEN[digits];
      whole = wholePart(rounded, scale);
      let fraction = (rounded - whole * scale) | 0;
      for (let i = 0; i < digits; i++) {
        const quotient = (fraction / 10) | 0;
        bytes[--p] = ZERO + (fraction - quotient * 10);
        fraction = quotient;
      }
    }
    bytes[--p] = DOT;
    p = writeDigitsBackward(bytes, p, whole);
    if (this.negative[k] === 1) bytes[--p] = MINUS;
    while (p > at) bytes[--p] = SPACE;
    return end;
  }
}

/** `0000` to `9999`: four ASCII digits packed little-endian into 32 bits. */
const FOUR_DIGITS = new Uint32Array(10000).map((_, i) => {
  const text = String(i).padStart(4, '0');
  return (text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24)) >>> 0;
});

/** `text` right-aligned to `width` at `at`; returns its end. */
function writePadded(bytes: Uint8Array, at: number, text: string, width: number): number {
  for (let i = text.length; i < width; i++) bytes[at++] = SPACE;
  for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
  return at;
}

/**
 * The arrays of one DigitElements, reused by every call (a fresh typed array costs an allocation
 * outside the heap): formatting is never re-entered, and the elements are written before the next call.
 */
let scratch = { rounded: new Float64Array(1024), negative: new Uint8Array(1024), lengths: new Uint16Array(1024) };

function digitScratch(n: number): typeof scratch {
  if (scratch.rounded.length >= n) return scratch;
  const arrays = { rounded: new Float64Array(n), negative: new Uint8Array(n), lengths: new Uint16Array(n) };
  // a rare huge print (all of [2] * 20) is not kept
  if (n <= MAX_KEPT_SCRATCH) scratch = arrays;
  return arrays;
}

const MAX_KEPT_SCRATCH = 1 << 16;

/** floor(rounded / scale) for integers below 2^53 (the division may round up to the next integer). */
function wholePart(rounded: number, scale: number): number {
  // int32 division (exact) when both fit
  if (rounded < 2 ** 31) return ((rounded | 0) / (scale | 0)) | 0;
  const whole = Math.floor(rounded / scale);
  return whole * scale > rounded ? whole - 1 : whole;
}

/** Elements printed as given texts (int64, bool, and what the digit path cannot take). */
class TextElements implements FormattedElements {
  readonly maxLength: number;
  constructor(
    readonly width: number,
    private readonly texts: string[],
  ) {
    let longest = width;
    for (const text of texts) if (text.length > longest) longest = text.length;
    this.maxLength = longest;
  }

  writeAt(bytes: Uint8Array, _view: DataView, at: number, k: number): number {
    return writePadded(bytes, at, this.texts[k], this.width);
  }
}

/**
 * Picks integer / scientific / fixed notation from the finite non-zero values, then formats each
 * value once. The pass that gathers what decides the notation also formats every element in the
 * usual notation (fixed, PRECISION digits), so the usual print reads its values once.
 */
function formatAll(values: ArrayLike<number>): FormattedElements {
  const n = values.length;
  const { rounded, negative, lengths } = digitScratch(n);
  let min = Infinity;
  let max = 0;
  let allIntegers = true;
  let anyFiniteNonZero = false;
  // fixed notation's widths, and how many elements its fast path left for text (NaN in `rounded`)
  let width = 1;
  let maxLength = 1;
  let leftForText = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    const magnitude = Math.abs(v);
    // v - v is 0 exactly for finite v
    const finiteNonZero = magnitude !== 0 && v - v === 0;
    if (finiteNonZero) {
      anyFiniteNonZero = true;
      if (magnitude < min) min = magnitude;
      if (magnitude > max) max = magnitude;
      if (allIntegers && !Number.isInteger(v)) allIntegers = false;
    }
    const scaled = magnitude * FIXED_SCALE;
    if (scaled < FIXED_FAST_LIMIT && Math.fround(v) === v) {
      // as pythonFixed's fast path (fixedFromScaled): half to even on the exact scaled value
      const floor = Math.floor(scaled);
      const fraction = scaled - floor;
      const r = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
      const sign = v < 0 || (v === 0 && 1 / v < 0) ? 1 : 0;
      rounded[k] = r;
      negative[k] = sign;
      // sign, whole digits, the point, the fraction digits
      const length = sign + wholeDigitCount(((r | 0) / FIXED_SCALE) | 0) + 1 + PRECISION;
      lengths[k] = length;
      if (length > maxLength) maxLength = length;
      if (finiteNonZero && length > width) width = length;
    } else {
      rounded[k] = Number.NaN;
      leftForText++;
    }
  }
  let notation: Notation = 'integer';
  if (anyFiniteNonZero) {
    const wideRange = max / min > 1000 || max > 1e8;
    if (allIntegers) notation = wideRange ? 'scientific' : 'integer';
    else notation = wideRange || min < 1e-4 ? 'scientific' : 'fixed';
  }
  if (notation !== 'fixed') return formatInNotation(values, notation);
  const texts: (string | undefined)[] = [];
  if (leftForText > 0) {
    for (let k = 0; k < n; k++) {
      if (rounded[k] === rounded[k]) continue;
      const v = values[k];
      const text = formatElement(v, notation);
      texts[k] = text;
      lengths[k] = text.length;
      if (text.length > maxLength) maxLength = text.length;
      if (Number.isFinite(v) && v !== 0 && text.length > width) width = text.length;
    }
  }
  const elements = new DigitElements(rounded, negative, lengths, texts, PRECISION);
  elements.width = width;
  elements.maxLength = Math.max(width, maxLength);
  return elements;
}

const FIXED_SCALE = 10 ** PRECISION;
/** Scaled magnitudes below this round to an int32 (what DigitElements writes fastest). */
const FIXED_FAST_LIMIT = 2 ** 31 - 1;

/** Decimal digits of 0 <= whole < 10^6. */
function wholeDigitCount(whole: number): number {
  return whole < 10 ? 1 : whole < 100 ? 2 : whole < 1000 ? 3 : whole < 10000 ? 4 : whole < 100000 ? 5 : 6;
}

/** The elements in integer or scientific notation. */
function formatInNotation(values: ArrayLike<number>, notation: Notation): FormattedElements {
  const n = values.length;
  if (notation === 'scientific') {
    const texts = new Array<string>(n);
    let width = 1;
    for (let k = 0; k < n; k++) {
      const v = values[k];
      const text = pythonExponential(v, PRECISION);
      texts[k] = text;
      if (Number.isFinite(v) && v !== 0 && text.length > width) width = text.length;
    }
    return new TextElements(width, texts);
  }
  const digits = notation === 'fixed' ? PRECISION : 0;
  const scale = POWERS_OF_TEN[digits];
  const { rounded, negative, lengths } = digitScratch(n);
  const texts: (string | undefined)[] = [];
  const elements = new DigitElements(rounded, negative, lengths, texts, digits);
  // The width counts the finite non-zero values only; zeros and non-finite ones are padded to it.
  let width = 1;
  let maxLength = 1;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    const scaled = Math.abs(v) * scale;
    let length: number;
    if (Math.fround(v) === v && scaled < 2 ** 53) {
      // as pythonFixed's fast path (fixedFromScaled): half to even on the exact scaled value
      const floor = Math.floor(scaled);
      const fraction = scaled - floor;
      const r = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
      const sign = v < 0 || (v === 0 && 1 / v < 0) ? 1 : 0;
      rounded[k] = r;
      negative[k] = sign;
      // sign, whole digits, the point, the fraction digits
      length = sign + decimalLength(digits === 0 ? r : wholePart(r, scale)) + 1 + digits;
    } else {
      const text = formatElement(v, notation);
      rounded[k] = NaN;
      texts[k] = text;
      length = text.length;
    }
    lengths[k] = length;
    if (length > maxLength) maxLength = length;
    if (Number.isFinite(v) && v !== 0 && length > width) width = length;
  }
  elements.width = width;
  elements.maxLength = Math.max(width, maxLength);
  return elements;
}

/** A 0-dim tensor's value as printed: formatAll's notation and text for one value (no padding: it is its own width). */
function scalarText(v: number, dtype: Tensor['dtype']): string {
  if (dtype === 'bool') return v !== 0 ? 'True' : 'False';
  if (dtype === 'int64') return String(v);
  let notation: Notation = 'integer';
  const magnitude = Math.abs(v);
  // v - v is 0 exactly for finite v
  if (magnitude !== 0 && v - v === 0) {
    if (Number.isInteger(v)) notation = magnitude > 1e8 ? 'scientific' : 'integer';
    else notation = magnitude > 1e8 || magnitude < 1e-4 ? 'scientific' : 'fixed';
  }
  return formatElement(v, notation);
}

/** Integer and bool elements: `str(value)` (`True`/`False`), right-aligned to the widest. */
function formatIntegers(values: ArrayLike<number>, bool: boolean): FormattedElements {
  const texts = new Array<string>(values.length);
  let width = 1;
  for (let k = 0; k < values.length; k++) {
    const text = bool ? (values[k] !== 0 ? 'True' : 'False') : String(values[k]);
    texts[k] = text;
    if (text.length > width) width = text.length;
  }
  return new TextElements(width, texts);
}

function formatElement(value: number, notation: Notation): string {
  switch (notation) {
    case 'integer':
      return Number.isFinite(value) ? pythonFixed(value, 0) + '.' : pythonFixed(value, 0);
    case 'scientific':
      return pythonExponential(value, PRECISION);
    case 'fixed':
      return pythonFixed(value, PRECISION);
  }
}

// ---- Python's '{:.Nf}' and '{:.Ne}' ------------------------------------------
// Both round the exact binary value half-to-even; JS's toFixed/toExponential
// round ties away from zero (0.03125 → '0.0313', Python '0.0312').

/** Python's `'{:.Nf}'.format(value)`. */
export function pythonFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return pythonNonFinite(value);
  if (digits <= MAX_SCALED_DIGITS && Math.fround(value) === value) {
    const scaled = Math.abs(value) * POWERS_OF_TEN[digits];
    if (scaled < 2 ** 53) return signOf(value) + fixedFromScaled(scaled, digits);
  }
  // toFixed rounds the exact binary value too; only exact ties (and huge values) differ.
  if (Math.abs(value) < 1e21 && !isDecimalTie(value, digits)) return signOf(value) + Math.abs(value).toFixed(digits);
  return pythonFixedExact(value, digits);
}

/**
 * A float32 value has at most 24 significant bits, so multiplying it by 10^digits
 * (at most 27 more bits for 8 digits) is exact in a double: rounding that
 * integer-and-fraction half to even is Python's rounding of the exact binary
 * value, with integer arithmetic only (toFixed took most of a w3 repr).
 */
const MAX_SCALED_DIGITS = 8;
const POWERS_OF_TEN = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8];

/** The digits of |value| · 10^digits (exact, below 2^53), rounded half to even, with the decimal point put back. */
function fixedFromScaled(scaled: number, digits: number): string {
  const floor = Math.floor(scaled);
  const fraction = scaled - floor;
  const rounded = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  if (digits === 0) return String(rounded);
  const scale = POWERS_OF_TEN[digits];
  let whole = Math.floor(rounded / scale);
  let rest = rounded - whole * scale;
  if (rest < 0) {
    whole -= 1;
    rest += scale;
  } else if (rest >= scale) {
    whole += 1;
    rest -= scale;
  }
  return String(whole) + '.' + String(rest).padStart(digits, '0');
}

/** pythonFixed by exact decimal expansion (BigInt): the reference, and the path for ties. */
export function pythonFixedExact(value: number, digits: number): string {
  if (!Number.isFinite(value)) return pythonNonFinite(value);
  const { coefficient, scale } = exactDecimal(Math.abs(value));
  const scaled = scale <= digits ? coefficient * 10n ** BigInt(digits - scale) : roundHalfEven(coefficient, 10n ** BigInt(scale - digits));
  const text = scaled.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : text.slice(0, -digits) + '.' + text.slice(-digits);
  return signOf(value) + body;
}

/** Python's `'{:.Ne}'.format(value)`. */
export function pythonExponential(value: number, digits: number): string {
  if (!Number.isFinite(value)) return pythonNonFinite(value);
  if (value !== 0 && digits <= MAX_SCALED_DIGITS && Math.fround(value) === value) {
    const text = exponentialByScaling(Math.abs(value), digits);
    if (text !== null) return signOf(value) + text;
  }
  if (value !== 0) {
    const candidate = Math.abs(value).toExponential(digits);
    const exponent = Number(candidate.slice(candidate.indexOf('e') + 1));
    // A rounding carry may have raised the exponent by one: rule out a tie at both.
    if (exponent <= digits && !isDecimalTie(value, digits - exponent) && !isDecimalTie(value, digits - exponent + 1)) {
      return signOf(value) + twoDigitExponent(candidate);
    }
  } else {
    return signOf(value) + twoDigitExponent((0).toExponential(digits));
  }
  return pythonExponentialExact(value, digits);
}

/**
 * '{:.Ne}' of a positive float32 value whose decimal exponent E leaves
 * 10^(digits - E) a power of ten up to 10^8: the scaled value is then exact
 * (see MAX_SCALED_DIGITS) and rounds half to even in integers. Null otherwise.
 */
function exponentialByScaling(magnitude: number, digits: number): string | null {
  let exponent = Math.floor(Math.log10(magnitude));
  const lower = POWERS_OF_TEN[digits];
  let shift = digits - exponent;
  if (shift < 0 || shift > MAX_SCALED_DIGITS) return null;
  let scaled = magnitude * POWERS_OF_TEN[shift];
  // log10 may be off by one near powers of ten: settle the exponent with exact comparisons.
  if (scaled < lower) {
    shift += 1;
    exponent -= 1;
    if (shift > MAX_SCALED_DIGITS) return null;
    scaled = magnitude * POWERS_OF_TEN[shift];
  } else if (scaled >= lower * 10) {
    shift -= 1;
    exponent += 1;
    if (shift < 0) return null;
    scaled = magnitude * POWERS_OF_TEN[shift];
  }
  const floor = Math.floor(scaled);
  const fraction = scaled - floor;
  let significand = fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  if (significand === lower * 10) {
    significand = lower;
    exponent += 1;
  }
  const text = String(significand);
  const mantissa = digits === 0 ? text : text[0] + '.' + text.slice(1);
  const exponentDigits = String(Math.abs(exponent));
  return mantissa + (exponent < 0 ? 'e-' : 'e+') + (exponentDigits.length === 1 ? '0' + exponentDigits : exponentDigits);
}

/** pythonExponential by exact decimal expansion (BigInt): the reference, and the path for ties. */
export function pythonExponentialExact(value: number, digits: number): string {
  if (!Number.isFinite(value)) return pythonNonFinite(value);
  let significand = 0n;
  let exponent = 0;
  if (value !== 0) {
    const { coefficient, scale } = exactDecimal(Math.abs(value));
    const length = coefficient.toString().length;
    exponent = length - 1 - scale;
    const dropped = length - 1 - digits;
    significand = dropped >= 0 ? roundHalfEven(coefficient, 10n ** BigInt(dropped)) : coefficient * 10n ** BigInt(-dropped);
    if (significand === 10n ** BigInt(digits + 1)) {
      significand /= 10n;
      exponent += 1;
    }
  }
  const text = significand.toString().padStart(digits + 1, '0');
  const mantissa = digits === 0 ? text : text[0] + '.' + text.slice(1);
  const exponentText = (exponent < 0 ? '-' : '+') + String(Math.abs(exponent)).padStart(2, '0');
  return signOf(value) + mantissa + 'e' + exponentText;
}

// Python drops the sign of nan.
function pythonNonFinite(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  return value > 0 ? 'inf' : '-inf';
}

/** JS writes `e+5`, Python `e+05`. */
function twoDigitExponent(text: string): string {
  const e = text.indexOf('e');
  const exponent = text.slice(e + 2);
  return exponent.length === 1 ? `${text.slice(0, e + 2)}0${exponent}` : text;
}

/**
 * Whether value·10^digits lies exactly halfway between two integers (digits >= 0):
 * that needs value = odd / 2^(digits+1), since 10^digits = 2^digits·5^digits.
 * Multiplying by a power of two is exact, so the test is exact.
 */
function isDecimalTie(value: number, digits: number): boolean {
  if (digits < 0) return true; // not decided here: the caller takes the exact path
  const half = value * 2 ** (digits + 1);
  return Number.isInteger(half) && !Number.isInteger(half / 2);
}

function signOf(value: number): string {
  return value < 0 || Object.is(value, -0) ? '-' : '';
}

/** A finite non-negative double exactly as coefficient × 10^-scale. */
function exactDecimal(value: number): { coefficient: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const binaryExponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  if (binaryExponent >= 0) return { coefficient: mantissa << BigInt(binaryExponent), scale: 0 };
  // m / 2^k = m·5^k / 10^k
  return { coefficient: mantissa * 5n ** BigInt(-binaryExponent), scale: -binaryExponent };
}

function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}
