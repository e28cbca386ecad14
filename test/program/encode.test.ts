import { describe, expect, it } from 'vitest';
import { decodeBase64, describeEntry, encodeBase64 } from '../../src/program/encode.js';
import { Tensor } from '../../src/engine/tensor.js';

describe('base64 tensors', () => {
  it('round-trips float32 and float64 bit for bit, NaN, infinities and -0 included', () => {
    for (const data of [Float32Array.of(1.5, NaN, -Infinity, -0, 3.4e38, 1e-45), Float64Array.of(0.1, NaN, Infinity, -0, 1e-320, -2.5)]) {
      const t = new Tensor(data, [2, 3]);
      const encoded = encodeBase64(t);
      const back = decodeBase64(encoded.base64, encoded.shape, encoded.dtype);
      expect(back.shape).toEqual([2, 3]);
      expect(back.dtype).toBe(t.dtype);
      expect(Buffer.from(back.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
    }
  });

  it('writes little-endian bytes', () => {
    expect(encodeBase64(new Tensor(Float32Array.of(1), [1])).base64).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  it('refuses text whose length does not fit the shape, or that does not decode to the right bytes', () => {
    expect(() => decodeBase64('AACAPw==', [2], 'float32')).toThrow(/takes 12 base64 characters/);
    expect(() => decodeBase64('AAC!!!!!', [1], 'float32')).toThrow(/does not decode/);
  });
});

describe('describeEntry', () => {
  const t = new Tensor(Float32Array.of(1, 2), [2], { requiresGrad: true });

  it('gives every field in order by default', () => {
    expect(Object.keys(describeEntry(t))).toEqual(['data', 'shape', 'dtype', 'requires_grad', 'is_leaf', 'grad_fn', 'grad', 'repr']);
  });

  it('gives only the fields asked for, in the answer order', () => {
    expect(describeEntry(t, { fields: ['repr', 'data'] })).toEqual({ data: [1, 2], repr: 'tensor([1., 2.], requires_grad=True)' });
  });
});
