import { describe, expect, it } from 'vitest';
import { pythonExponential, pythonExponentialExact, pythonFixed, pythonFixedExact } from '../../src/engine/repr.js';

/** A deterministic stream of float32 values over many magnitudes, with exact ties mixed in. */
function sampleValues(count: number): number[] {
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** (Math.floor(next() * 24) - 12);
    values.push(Math.fround((next() - 0.5) * 2 * magnitude));
  }
  // exact ties at 4 and 0 digits, and their neighbours
  for (let k = -40; k <= 40; k++) {
    const tie = (2 * k + 1) / 32;
    values.push(tie, Math.fround(tie + 2 ** -20), (2 * k + 1) / 2, k * 1e5 + 50_000, 9.99995, 99999.5, 1.00005e-3);
  }
  values.push(0, -0, 2 ** -149, 3.4028234663852886e38, 1e21, 1e22, 123456789, 0.5, 1.5, 2.5);
  return values;
}

describe('repr number formatting: the toFixed/toExponential fast path', () => {
  const values = sampleValues(20_000);

  it('matches the exact BigInt formatting for fixed notation', () => {
    for (const v of values) {
      expect(pythonFixed(v, 4), String(v)).toBe(pythonFixedExact(v, 4));
      expect(pythonFixed(v, 0), String(v)).toBe(pythonFixedExact(v, 0));
    }
  });

  it('matches the exact BigInt formatting for scientific notation', () => {
    for (const v of values) expect(pythonExponential(v, 4), String(v)).toBe(pythonExponentialExact(v, 4));
  });

  it('rounds exact ties half to even, as Python does', () => {
    expect(pythonFixed(0.03125, 4)).toBe('0.0312');
    expect(pythonFixed(2.5, 0)).toBe('2');
    expect(pythonExponential(1.03125, 4)).toBe('1.0312e+00');
  });
});
