import { DEFAULT_FLOAT, isFloating } from '../dtype.js';
import { linspace } from '../kernels/linspace.js';
import { defineOp, type Value } from '../op.js';
import { castTo } from '../tensor.js';
import { dtypeOr, withRequiresGrad } from './zeros.js';

export default defineOp({
  name: 'linspace',
  summary: 'steps evenly spaced values from start to end, bit for bit as torch computes them in float32 (dtype= overrides).',
  params: [
    { name: 'start', kind: 'number' },
    { name: 'end', kind: 'number' },
    { name: 'steps', kind: 'int' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ start, end, steps, dtype, requires_grad }): Value => {
    const resolved = dtypeOr(dtype, DEFAULT_FLOAT);
    // an integral dtype truncates the double values
    const values = linspace(start as number, end as number, steps as number, isFloating(resolved) ? resolved : 'float64');
    const t = isFloating(resolved) ? values : castTo(values, resolved);
    return requires_grad ? withRequiresGrad(t) : t;
  },
});
