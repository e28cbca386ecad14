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
