import { larger } from '../kernels/extreme.js';
import { defineArgExtreme } from '../arg_extreme.js';

// not differentiable: the index of the first maximum (a NaN counts as the maximum)
export default defineArgExtreme('argmax', larger);
