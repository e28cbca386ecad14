import { describe, expect, it } from 'vitest';
import { map, zip } from '../../../src/engine/kernels/elementwise.js';
import { Tensor } from '../../../src/engine/tensor.js';

// Tensors of 2048 elements or more run a private copy of the loop per op function;
// smaller ones run the shared loop. Both must give the same bits.
const N = 5000;
const SLICE = 1000;

function data(seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: N }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 20;
  });
}

/** The same computation over slices small enough for the shared loop, joined. */
function bySlices(run: (from: number, to: number) => Tensor): number[] {
  const out: number[] = [];
  for (let from = 0; from < N; from += SLICE) out.push(...run(from, Math.min(N, from + SLICE)).data);
  return out;
}

const slice = (d: Float32Array, from: number, to: number) => new Tensor(d.slice(from, to), [to - from]);

describe('elementwise loop copies agree with the shared loop', () => {
  const a = data(1);
  const b = data(2);
  const unary: [string, (x: number) => number][] = [
    ['exp', Math.exp],
    ['relu', (v) => (v < 0 ? 0 : v)],
    ['square', (x) => x * x],
  ];
  for (const [name, f] of unary) {
    it(`map ${name}`, () => {
      expect(Array.from(map(new Tensor(a, [N]), f).data)).toEqual(bySlices((from, to) => map(slice(a, from, to), f)));
    });
  }

  const binary: [string, (x: number, y: number) => number][] = [
    ['mul', (x, y) => x * y],
    ['add', (x, y) => x + y],
    ['div', (x, y) => x / y],
  ];
  for (const [name, f] of binary) {
    it(`zip ${name}: same shapes, scalar right, scalar left`, () => {
      const whole = new Tensor(a, [N]);
      const scalar = new Tensor(Float32Array.of(1.7), []);
      expect(Array.from(zip(whole, new Tensor(b, [N]), 'float32', f).data)).toEqual(bySlices((from, to) => zip(slice(a, from, to), slice(b, from, to), 'float32', f)));
      expect(Array.from(zip(whole, scalar, 'float32', f).data)).toEqual(bySlices((from, to) => zip(slice(a, from, to), scalar, 'float32', f)));
      expect(Array.from(zip(scalar, whole, 'float32', f).data)).toEqual(bySlices((from, to) => zip(scalar, slice(a, from, to), 'float32', f)));
    });
  }
});
