import { formatValues, type PrintableValues } from '../../src/engine/repr.js';

/** A number on the wire: non-finite values travel as strings. */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';
export type Nested = WireNumber | Nested[];

export function fromWire(value: WireNumber): number {
  return typeof value === 'number' ? value : Number(value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : -Infinity);
}

/**
 * What PyTorch prints for `x.grad`, from the answer's `grad` values: the server's own printer
 * (src/engine/repr.ts, torch 1.13's _tensor_str) run on the values. The wire carries float32
 * values as the shortest decimal of the float32, so they round-trip exactly through a
 * Float32Array and the text is the server's, digit for digit.
 */
export function gradRepr(grad: Nested | null | undefined, shape: readonly number[], dtype: string | undefined): string {
  if (grad === null || grad === undefined) return 'None';
  const flat: WireNumber[] = Array.isArray(grad) ? ((grad as unknown[]).flat(shape.length) as WireNumber[]) : [grad];
  const data = dtype === 'float64' ? new Float64Array(flat.length) : new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = fromWire(flat[i]);
  const values = { data, shape: [...shape], ndim: shape.length, numel: flat.length, dtype: (dtype ?? 'float32') as PrintableValues['dtype'] };
  return formatValues(values, {});
}
