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

  it('matches the exact BigInt formatting for 0 to 10 digits, float32 and float64 values', () => {
    for (const v of values.slice(0, 4000)) {
      for (const x of [v, v * (1 + 2 ** -40)]) {
        for (let digits = 0; digits <= 10; digits++) expect(pythonFixed(x, digits), `${x} ${digits}`).toBe(pythonFixedExact(x, digits));
      }
    }
  });

  it('matches the exact BigInt formatting for scientific notation', () => {
    for (const v of values) expect(pythonExponential(v, 4), String(v)).toBe(pythonExponentialExact(v, 4));
  });

  it('matches the exact BigInt formatting for scientific notation with 0 to 10 digits, float32 and float64 values', () => {
    const powers = Array.from({ length: 21 }, (_, k) => [Math.fround(10 ** (k - 10)), 10 ** (k - 10)]).flat();
    for (const v of [...values.slice(0, 4000), ...powers, ...powers.map((p) => Math.fround(p * (1 + 2 ** -20)))]) {
      for (const x of [v, v * (1 + 2 ** -40)]) {
        for (let digits = 0; digits <= 10; digits++) expect(pythonExponential(x, digits), `${x} ${digits}`).toBe(pythonExponentialExact(x, digits));
      }
    }
  });

  it('rounds exact ties half to even, as Python does', () => {
    expect(pythonFixed(0.03125, 4)).toBe('0.0312');
    expect(pythonFixed(2.5, 0)).toBe('2');
    expect(pythonExponential(1.03125, 4)).toBe('1.0312e+00');
  });
});
