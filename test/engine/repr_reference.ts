// The repr algorithm as it was before elements were formatted once each
// (commit 6b92a6c): the reference test/engine/repr_one_pass.test.ts compares with.
import { pythonExponential, pythonFixed } from '../../src/engine/repr.js';
import type { Tensor } from '../../src/engine/tensor.js';

// PyTorch 1.13's `repr(tensor)` (torch/_tensor_str.py) with the default print options.
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = 'tensor(';

interface ReprSuffixes {
  /** Name of the tensor's grad_fn node (non-leaf tensors). */
  gradFn?: string | null;
  /** Printed as `requires_grad=True` when there is no grad_fn. */
  requiresGrad?: boolean;
}

/**
 * What PyTorch prints for `repr(t)`. Above 1000 elements only the printed edge
 * items are read, so the cost does not grow with the tensor.
 */
export function referenceFormatTensor(t: Tensor, suffixes: ReprSuffixes): string {
  const indent = PREFIX.length;
  const suffixList: string[] = [];
  let body: string;
  if (t.numel === 0) {
    if (t.ndim !== 1) suffixList.push(`size=${pythonTuple(t.shape)}`);
    body = '[]';
  } else {
    body = formatContents(t, indent);
  }
  if (t.dtype !== 'float32') suffixList.push(`dtype=torch.${t.dtype}`);
  if (suffixes.gradFn) suffixList.push(`grad_fn=<${suffixes.gradFn}>`);
  else if (suffixes.requiresGrad) suffixList.push('requires_grad=True');
  return addSuffixes(PREFIX + body, suffixList, indent);
}

/** The bracketed contents (PyTorch's _tensor_str) of a non-empty tensor. */
function formatContents(t: Tensor, indent: number): string {
  const summarize = t.numel > THRESHOLD;
  const shownRows = t.shape.map((size) => shownIndices(size, summarize));
  const strides = rowMajorStrides(t.shape);
  const formatter = makeFormatter(shownValues(t.data, shownRows, strides));

  const render = (dim: number, offset: number, depthIndent: number): string => {
    if (dim === t.ndim) return formatter.format(t.data[offset]);
    const pieces = shownRows[dim].map((index) => (index === GAP ? null : render(dim + 1, offset + index * strides[dim], depthIndent + 1)));
    if (dim === t.ndim - 1) return vectorString(pieces.map((p) => p ?? ' ...'), formatter.width, depthIndent);
    const remainingDims = t.ndim - dim;
    const separator = ',' + '\n'.repeat(remainingDims - 1) + ' '.repeat(depthIndent + 1);
    return '[' + pieces.map((p) => p ?? '...').join(separator) + ']';
  };
  return render(0, 0, indent);
}

/** Marks where `...` stands in a summarised dimension. */
const GAP = -1;

/** Indices of one dimension that get printed: all, or the edge items around a gap. */
function shownIndices(size: number, summarize: boolean): number[] {
  if (summarize && size > 2 * EDGE_ITEMS) {
    const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
    const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i);
    return [...head, GAP, ...tail];
  }
  return Array.from({ length: size }, (_, i) => i);
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
function shownValues(data: ArrayLike<number>, shownRows: number[][], strides: number[]): number[] {
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

/** One row: elements joined by `, `, wrapped to the line width. */
function vectorString(elements: string[], width: number, indent: number): string {
  const elementsPerLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < elements.length; i += elementsPerLine) lines.push(elements.slice(i, i + elementsPerLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
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

interface ElementFormatter {
  readonly width: number;
  /** One element, right-aligned to the width. */
  format(value: number): string;
}

/** Picks integer / scientific / fixed notation from the finite non-zero values. */
function makeFormatter(values: number[]): ElementFormatter {
  const finiteNonZero = values.filter((v) => Number.isFinite(v) && v !== 0);
  let notation: Notation = 'integer';
  let width = 1;
  if (finiteNonZero.length > 0) {
    let min = Infinity;
    let max = 0;
    for (const v of finiteNonZero) {
      const magnitude = Math.abs(v);
      if (magnitude < min) min = magnitude;
      if (magnitude > max) max = magnitude;
    }
    const allIntegers = finiteNonZero.every((v) => Number.isInteger(v));
    const wideRange = max / min > 1000 || max > 1e8;
    if (allIntegers) notation = wideRange ? 'scientific' : 'integer';
    else notation = wideRange || min < 1e-4 ? 'scientific' : 'fixed';
    for (const v of finiteNonZero) width = Math.max(width, formatElement(v, notation).length);
  }
  return { width, format: (value) => formatElement(value, notation).padStart(width) };
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

