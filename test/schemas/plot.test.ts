import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { plotSchemas } from '../../schemas/plot.js';

const { PlotRequest } = plotSchemas(DEFAULT_LIMITS);
const linspace = { linspace: { start: -10, end: 10, steps: 1000 } };

describe('PlotRequest', () => {
  it('turns the shorthand (the axis as a key of the body) into the full form', () => {
    const full = PlotRequest.parse({ expr: 'y = torch.relu(x)', x: linspace });
    expect(full).toEqual({ ...PlotRequest.parse({ inputs: { x: linspace }, expr: 'y = torch.relu(x)' }), axis: 'x' });
    expect(Object.keys(full.inputs)).toEqual(['x']);
    expect(full.axis).toBe('x');
  });

  it('keeps inputs given under inputs and adds the top-level one, which is the axis', () => {
    const full = PlotRequest.parse({ inputs: { w: [2] }, expr: 'y = w * x', x: [1, 2, 3], of: 'y' });
    expect(Object.keys(full.inputs).sort()).toEqual(['w', 'x']);
    expect(full).toMatchObject({ axis: 'x', of: 'y', expr: 'y = w * x' });
  });

  it('an axis that names the top-level input is allowed', () => {
    expect(PlotRequest.parse({ expr: 'y = x', axis: 'x', x: [1, 2] }).axis).toBe('x');
  });

  it('leaves the full form as it was', () => {
    const full = PlotRequest.parse({ inputs: { u: [1, 2], v: 3 }, axis: 'u', expr: 'y = u * v' });
    expect(Object.keys(full.inputs)).toEqual(['u', 'v']);
    expect(full.axis).toBe('u');
  });

  it('counts top-level inputs against maxInputs', () => {
    const limits = { ...DEFAULT_LIMITS, maxInputs: 1 };
    const result = plotSchemas(limits).PlotRequest.safeParse({ inputs: { w: 1 }, expr: 'y = w * x', x: [1, 2] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain('at most 1 inputs (limit maxInputs)');
  });

  it('refuses a body with no input at all', () => {
    const result = PlotRequest.safeParse({ expr: 'y = 2' });
    expect(result.error?.issues.map((i) => i.message)).toEqual(['give at least the input on the horizontal axis']);
  });
});
