import { smaller } from '../kernels/extreme.js';
import { defineArgExtreme } from '../arg_extreme.js';

// not differentiable: the index of the first minimum (a NaN counts as the minimum)
export default defineArgExtreme('argmin', smaller);
