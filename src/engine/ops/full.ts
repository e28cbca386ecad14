import { DEFAULT_FLOAT, type DType } from '../dtype.js';
import { defineOp, type Scalar, type Value } from '../op.js';
import { dtypeOr, filledLeaf } from './zeros.js';

/** The dtype torch gives a Python scalar: bool, int (int64) or float (the default float dtype). */
export function scalarDtype(value: Scalar): DType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  return DEFAULT_FLOAT;
}

export default defineOp({
  name: 'full',
  summary: 'A tensor of the given size filled with fill_value; its dtype follows the value (int64 for an int, bool for a bool) unless dtype= says otherwise.',
  params: [
    { name: 'size', kind: 'ints' },
    { name: 'fill_value', kind: 'scalar' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ size, fill_value, dtype, requires_grad }): Value => {
    const value = fill_value as Scalar;
    return filledLeaf(size as number[], dtypeOr(dtype, scalarDtype(value)), Number(value), requires_grad as boolean);
  },
});
