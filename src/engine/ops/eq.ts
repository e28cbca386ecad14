import { defineComparison } from '../compare.js';

// not differentiable: the result is a bool tensor
export default defineComparison({ name: 'eq', operator: '==', test: (a, b) => a === b });
