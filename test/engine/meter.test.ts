import { describe, expect, it } from 'vitest';
import { chargeWork, withWorkMeter, workDone, WorkLimitExceeded } from '../../src/engine/meter.js';

describe('work meter', () => {
  it('counts the work charged inside it and returns the value', () => {
    const { value, work } = withWorkMeter(Infinity, () => {
      chargeWork(3);
      chargeWork(4);
      return workDone();
    });
    expect(value).toBe(7);
    expect(work).toBe(7);
  });

  it('throws WorkLimitExceeded naming the limit and the work when a charge passes the limit', () => {
    let caught: unknown;
    try {
      withWorkMeter(10, () => {
        chargeWork(10); // exactly at the limit is allowed
        chargeWork(1);
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkLimitExceeded);
    expect((caught as WorkLimitExceeded).limit).toBe(10);
    expect((caught as WorkLimitExceeded).work).toBe(11);
  });

  it('restores the outer meter after a nested one and counts the inner work toward it', () => {
    const outer = withWorkMeter(100, () => {
      chargeWork(5);
      const inner = withWorkMeter(50, () => {
        chargeWork(20);
        return workDone();
      });
      expect(inner).toEqual({ value: 20, work: 20 });
      return workDone();
    });
    expect(outer).toEqual({ value: 25, work: 25 });
  });

  it('restores the outer meter when the inner one throws, with the inner work counted', () => {
    const outer = withWorkMeter(Infinity, () => {
      chargeWork(2);
      expect(() => withWorkMeter(3, () => chargeWork(4))).toThrow(WorkLimitExceeded);
      chargeWork(1);
      return workDone();
    });
    expect(outer.value).toBe(7);
  });

  it('lets the outer limit bind over work done in an inner meter with a larger limit', () => {
    expect(() =>
      withWorkMeter(10, () => {
        withWorkMeter(Infinity, () => chargeWork(11));
      }),
    ).toThrow(WorkLimitExceeded);
  });

  it('never refuses outside a meter', () => {
    const before = workDone();
    chargeWork(1e12);
    expect(workDone()).toBe(before + 1e12);
  });
});

describe('what the engine charges', () => {
  // Imported lazily so the meter's own tests above need nothing of the engine.
  const engine = async () => ({
    ...(await import('../../src/engine/ops/matmul.js')),
    ...(await import('../../src/engine/ops/mul.js')),
    ...(await import('../../src/engine/ops/sum.js')),
    ...(await import('../../src/engine/autograd.js')),
    ...(await import('../../src/engine/tensor.js')),
    ...(await import('../../src/engine/kernels/fusion.js')),
  });

  it('a matmul charges its multiply-adds before running them', async () => {
    const { matmul, zerosTensor } = await engine();
    const a = zerosTensor([30, 40], 'float32');
    const b = zerosTensor([40, 50], 'float32');
    const { work } = withWorkMeter(Infinity, () => matmul(a, b));
    expect(work).toBeGreaterThanOrEqual(30 * 40 * 50);
    // refused before the loop: the limit is far below the product count
    expect(() => withWorkMeter(1000, () => matmul(a, b))).toThrow(WorkLimitExceeded);
  });

  it('an outer product by broadcasting charges the elements it writes', async () => {
    const { mul, zerosTensor } = await engine();
    const column = zerosTensor([1000, 1], 'float32');
    const row = zerosTensor([1000], 'float32');
    const { work } = withWorkMeter(Infinity, () => mul(column, row).data);
    expect(work).toBeGreaterThanOrEqual(1_000_000);
  });

  it('a fused chain is charged per materialized chain, and a sum per element read', async () => {
    const { mul, sum, zerosTensor, setFusionMinElements, fusionMinElements } = await engine();
    const previous = fusionMinElements();
    setFusionMinElements(1);
    try {
      const x = zerosTensor([500], 'float32');
      const { work } = withWorkMeter(Infinity, () => sum(mul(mul(x, x), x)).item());
      // two elementwise results reserved (1000), the chain's loop (2 nodes × 500), the sum's reads (500)
      expect(work).toBeGreaterThanOrEqual(2500);
    } finally {
      setFusionMinElements(previous);
    }
  });

  it('recording graph nodes and running the backward loop charge one unit per node', async () => {
    const { mul, backward, Tensor } = await engine();
    const x = new Tensor(Float64Array.of(2), [], { requiresGrad: true });
    const forward = withWorkMeter(Infinity, () => {
      let y = x;
      for (let i = 0; i < 100; i++) y = mul(y, 1);
      return y;
    });
    // per op: its node (1) and its one-element result (1)
    expect(forward.work).toBeGreaterThanOrEqual(200);
    const loop = withWorkMeter(Infinity, () => backward(forward.value));
    expect(loop.work).toBeGreaterThanOrEqual(100);
  });
});
