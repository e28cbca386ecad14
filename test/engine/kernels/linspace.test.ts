import { describe, expect, it } from 'vitest';
import { arange, linspace } from '../../../src/engine/kernels/linspace.js';
import { vectors } from './vectors.js';

describe('linspace (float32)', () => {
  it.each(vectors.linspace.map((c) => [c.start, c.end, c.steps, c] as const))(
    'matches torch.linspace(%d, %d, %i) bit for bit',
    (_start, _end, _steps, c) => {
      const t = linspace(c.start, c.end, c.steps, 'float32');
      expect(t.dtype).toBe('float32');
      expect(t.shape).toEqual([c.steps]);
      expect([...t.data]).toEqual(c.torch);
    },
  );

  it('gives an empty tensor for 0 steps and refuses negative steps', () => {
    expect(linspace(0, 1, 0, 'float32').shape).toEqual([0]);
    expect(() => linspace(0, 1, -1, 'float32')).toThrow('number of steps must be non-negative');
  });
});

describe('linspace (float64)', () => {
  it('hits both ends exactly and is evenly spaced', () => {
    const t = linspace(-3, 7, 101, 'float64');
    expect(t.dtype).toBe('float64');
    expect(t.data[0]).toBe(-3);
    expect(t.data[100]).toBe(7);
    t.data.forEach((v, i) => expect(v).toBeCloseTo(-3 + i * 0.1, 12));
  });
});

describe('arange', () => {
  it('counts from start towards end by step, excluding end', () => {
    expect([...arange(0, 5, 1, 'float32').data]).toEqual([0, 1, 2, 3, 4]);
    expect([...arange(1, 0, -0.25, 'float64').data]).toEqual([1, 0.75, 0.5, 0.25]);
    expect(arange(0, 0, 1, 'float32').shape).toEqual([0]);
  });

  it('computes start + step * i in double, exactly so where a vector starts and in the tail', () => {
    const t = arange(0, 4.2, 0.1, 'float32');
    expect(t.shape).toEqual([42]);
    t.data.forEach((v, i) => {
      // 8-lane vectors cover 0..31 (two per iteration); 32..41 is the scalar tail
      if (i % 8 === 0 || i >= 32) expect(v).toBe(Math.fround(0.1 * i));
      else expect(v).toBeCloseTo(0.1 * i, 6);
    });
  });

  it("rejects what torch.arange rejects, in PyTorch's words", () => {
    expect(() => arange(0, 1, 0, 'float32')).toThrow('step must be nonzero');
    expect(() => arange(0, 1, -1, 'float32')).toThrow('upper bound and larger bound inconsistent with step sign');
    expect(() => arange(0, Infinity, 1, 'float32')).toThrow('unsupported range: 0 -> inf');
  });
});
