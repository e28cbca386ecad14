import { describe, expect, it } from 'vitest';
import { withWorkMeter } from '../../src/engine/meter.js';
import { warmUp } from '../../src/evaluation/warm_up.js';

describe('the warm-up set a server runs before it takes traffic', () => {
  it('runs every program of the set to a 200-style answer (a failing one would throw), doing real work', () => {
    const once = withWorkMeter(Infinity, () => warmUp(1)).work;
    // the notebook, five evaluations, a check and a gradcheck: well past one inline start
    expect(once).toBeGreaterThan(100_000);
    expect(withWorkMeter(Infinity, () => warmUp(2)).work).toBe(2 * once);
  });
});
