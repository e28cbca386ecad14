import { smaller } from '../kernels/extreme.js';
import { defineExtreme } from './extreme.js';

// Forward and backward live in extreme.ts, shared with max: d min(x)/dx_i = 1/k on the k tied minima;
// min(x, dim) sends the gradient to the first minimum along dim.
const { reduce, op } = defineExtreme({ name: 'min', noun: 'Minimum', prefer: smaller, allGradFn: 'MinBackward1', dimGradFn: 'MinBackward0' });

export const min = reduce;
export default op;
