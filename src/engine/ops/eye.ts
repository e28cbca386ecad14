import { ProblemError } from '../../errors.js';
import { DEFAULT_FLOAT } from '../dtype.js';
import { defineOp, type Value } from '../op.js';
import { dtypeOr, filledLeaf, withRequiresGrad } from './zeros.js';

/** torch.eye(n, m=None): ones on the diagonal of an n x m matrix. */
export default defineOp({
  name: 'eye',
  summary: 'An n x m (m defaults to n) matrix with ones on the diagonal (float32 unless dtype= says otherwise).',
  params: [
    { name: 'n', kind: 'int' },
    { name: 'm', kind: 'int?', default: null },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ n, m, dtype, requires_grad }): Value => {
    const rows = n as number;
    const cols = m === null ? rows : (m as number);
    if (rows < 0) throw new ProblemError('invalid-argument', `n must be greater or equal to 0, got ${rows}`);
    if (cols < 0) throw new ProblemError('invalid-argument', `m must be greater or equal to 0, got ${cols}`);
    const t = filledLeaf([rows, cols], dtypeOr(dtype, DEFAULT_FLOAT), 0, false);
    for (let i = 0; i < Math.min(rows, cols); i++) t.data[i * cols + i] = 1;
    return requires_grad ? withRequiresGrad(t) : t;
  },
});
