import { smaller } from '../kernels/extreme.js';
import { minimum } from './minimum.js';
import { defineExtreme } from './extreme.js';

// Forward and backward live in extreme.ts, shared with max: d min(x)/dx_i = 1/k on the k tied minima;
// min(x, dim) sends the gradient to the first minimum along dim.
const { reduce, withIndices, op } = defineExtreme({ name: 'min', noun: 'Minimum', prefer: smaller, allGradFn: 'MinBackward1', dimGradFn: 'MinBackward0', binary: minimum });

export const min = reduce;
export const minWithIndices = withIndices;
export default op;
