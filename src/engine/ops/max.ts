import { larger } from '../kernels/extreme.js';
import { maximum } from './maximum.js';
import { defineExtreme } from './extreme.js';

// Forward and backward live in extreme.ts, shared with min: d max(x)/dx_i = 1/k on the k tied maxima;
// max(x, dim) sends the gradient to the first maximum along dim.
const { reduce, withIndices, op } = defineExtreme({ name: 'max', noun: 'Maximum', prefer: larger, allGradFn: 'MaxBackward1', dimGradFn: 'MaxBackward0', binary: maximum });

export const max = reduce;
export const maxWithIndices = withIndices;
export default op;
