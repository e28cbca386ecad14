import { defineComparison } from '../compare.js';

// not differentiable: the result is a bool tensor
export default defineComparison({ name: 'ne', operator: '!=', test: (a, b) => a !== b });
