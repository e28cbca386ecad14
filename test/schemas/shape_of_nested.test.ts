import { describe, expect, it } from 'vitest';
import { shapeOfNested } from '../../schemas/tensor.js';

describe('shapeOfNested', () => {
  it('gives the shape of rectangular data', () => {
    expect(shapeOfNested(3)).toEqual({ shape: [] });
    expect(shapeOfNested([])).toEqual({ shape: [0] });
    expect(shapeOfNested([[], []])).toEqual({ shape: [2, 0] });
    expect(shapeOfNested([[1, 2, 3], [4, 5, 6]])).toEqual({ shape: [2, 3] });
    expect(shapeOfNested([[[1], [2]], [[3], ['NaN']]])).toEqual({ shape: [2, 2, 1] });
  });

  it('points at the first ragged place', () => {
    expect(shapeOfNested([[1, 2], [3]])).toEqual({ ragged: '/1' });
    expect(shapeOfNested([[1, 2], [3, [4]]])).toEqual({ ragged: '/1/1' });
    expect(shapeOfNested([[[1], [2]], [[3], [4, 5]]])).toEqual({ ragged: '/1/1' });
    expect(shapeOfNested([1, [2]])).toEqual({ ragged: '/1' });
    expect(shapeOfNested([[1], 2])).toEqual({ ragged: '/1' });
  });
});
