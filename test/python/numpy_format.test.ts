import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { numpyArrayRepr, numpyArrayStr, numpyFormatFloat, numpyScalarStr, type NumpyArray, type NumpyDtype } from '../../src/python/numpy_format.js';

// str() and repr() computed by numpy 1.24.2 (the oracle's version); see fixtures/README.md.
type EncodedArray = { dtype: NumpyDtype; shape: number[]; data: (string | number)[] };
const arrays = JSON.parse(readFileSync(new URL('./fixtures/numpy_arrays.json', import.meta.url), 'utf8')) as [EncodedArray, string, string][];
const scalars = JSON.parse(readFileSync(new URL('./fixtures/numpy_scalars.json', import.meta.url), 'utf8')) as [NumpyDtype, string, string, string][];

const view = new DataView(new ArrayBuffer(8));
function fromBits(hex: string): number {
  view.setBigUint64(0, BigInt('0x' + hex));
  return view.getFloat64(0);
}
function decode(a: EncodedArray): NumpyArray {
  const data = a.dtype === 'float32' || a.dtype === 'float64' ? a.data.map((h) => fromBits(h as string)) : (a.data as number[]);
  return { dtype: a.dtype, shape: a.shape, data };
}

describe('numpy array printing', () => {
  it('prints the lab example as numpy does', () => {
    const n = { dtype: 'float32' as const, shape: [5], data: Float32Array.of(0, 0.25, 0.5, 0.75, 1) };
    expect(numpyArrayStr(n)).toBe('[0.   0.25 0.5  0.75 1.  ]');
    expect(numpyArrayRepr(n)).toBe('array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)');
    expect(numpyArrayRepr({ dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) })).toBe('array([1., 2.], dtype=float32)');
    expect(numpyArrayStr({ dtype: 'int64', shape: [3], data: [1, 2, 3] })).toBe('[1 2 3]');
    expect(numpyArrayRepr({ dtype: 'float64', shape: [2], data: [1.5, 2.5] })).toBe('array([1.5, 2.5])');
    expect(numpyArrayStr({ dtype: 'bool', shape: [2], data: [1, 0] })).toBe('[ True False]');
  });

  it(`matches str() and repr() of ${arrays.length} arrays`, () => {
    const mismatches: string[] = [];
    for (const [encoded, str, repr] of arrays) {
      const a = decode(encoded);
      const got = [numpyArrayStr(a), numpyArrayRepr(a)];
      if (got[0] !== str || got[1] !== repr) mismatches.push(`${JSON.stringify(encoded).slice(0, 200)}\n${str}\n${repr}\n-> ${got.join('\n')}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('numpy scalars', () => {
  it('print float32 values with their own shortest digits', () => {
    expect(numpyScalarStr(Math.fround(0.1), 'float32')).toBe('0.1');
    expect(numpyScalarStr(0.1, 'float64')).toBe('0.1');
    expect(numpyScalarStr(Math.fround(1e20), 'float32')).toBe('1e+20');
    expect(numpyScalarStr(2, 'float32')).toBe('2.0');
  });

  it(`matches str() and repr() of ${scalars.length} scalars`, () => {
    const mismatches = scalars.filter(([dtype, bits, str, repr]) => {
      const got = numpyScalarStr(fromBits(bits), dtype);
      return got !== str || got !== repr;
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('digits without BigInt', () => {
  it('agree with the Dragon4 port on random float32 and float64 values', () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const bits = new DataView(new ArrayBuffer(8));
    const settings = [
      { precision: 8, minDigits: -1, trim: '.' as const },
      { precision: 8, minDigits: 0, trim: '.' as const, padLeft: 4, padRight: 8 },
      { precision: -1, minDigits: -1, trim: '0' as const, fractional: false },
    ];
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const dtype = i % 2 === 0 ? 'float32' : 'float64';
      let x: number;
      if (i % 3 === 0) {
        bits.setUint32(0, (random() * 2 ** 32) >>> 0);
        bits.setUint32(4, (random() * 2 ** 32) >>> 0);
        x = dtype === 'float32' ? bits.getFloat32(0) : bits.getFloat64(0);
      } else if (i % 3 === 1) {
        // binary fractions: ties between the two closest decimals
        x = Math.round((random() - 0.5) * 2 ** 25) / 2 ** Math.floor(random() * 34);
      } else {
        x = (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
      }
      if (dtype === 'float32') x = Math.fround(x);
      if (!Number.isFinite(x)) continue;
      for (const s of settings) {
        const fast = numpyFormatFloat(x, dtype, s);
        const exact = numpyFormatFloat(x, dtype, { ...s, exactOnly: true });
        if (fast !== exact) mismatches.push(`${dtype} ${x} ${JSON.stringify(s)}: ${fast} vs ${exact}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
