import { expect } from 'vitest';
import { Tensor } from '../../src/engine/tensor.js';

/** A seeded PRNG (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a label (FNV-1a), so each case draws its own stable data. */
export function seedOf(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export interface DrawOptions {
  low: number;
  high: number;
  /** Points the data must keep `margin` away from (kinks, clamp bounds). */
  avoid?: readonly number[];
  margin?: number;
}

/** A float64 tensor of the given shape with uniform data drawn by rejection. */
export function randomTensor(random: () => number, shape: readonly number[], options: DrawOptions, requiresGrad = false): Tensor {
  const { low, high, avoid = [], margin = 0 } = options;
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let v: number;
    do v = low + (high - low) * random();
    while (avoid.some((point) => Math.abs(v - point) < margin));
    data[i] = v;
  }
  return new Tensor(data, shape.slice(), { requiresGrad });
}

/**
 * The central difference of `f` with respect to every element of `input`,
 * nudging its float64 data in place and restoring it after.
 */
export function numericGradient(f: () => number, input: Tensor, eps = 1e-6): Float64Array {
  const data = input.data;
  if (!(data instanceof Float64Array)) throw new Error('finite differences need float64 data');
  const gradient = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const original = data[i];
    data[i] = original + eps;
    const above = f();
    data[i] = original - eps;
    const below = f();
    data[i] = original;
    gradient[i] = (above - below) / (2 * eps);
  }
  return gradient;
}

/** Σ a[i] * b[i] in float64. */
export function weightedSum(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** Every |actual - expected| <= atol + rtol * |expected|, reporting the worst element. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, { rtol, atol }: Tolerance, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  const detail = worst < 0 ? 'ok' : `element ${worst}: got ${actual[worst]}, expected ${expected[worst]}`;
  expect(detail, label).toBe('ok');
}
