import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';

interface HardtanhAttrs {
  minVal: number;
  maxVal: number;
}

/** The bounds in the dtype the op computes in. */
function bounds(x: Tensor, { minVal, maxVal }: HardtanhAttrs): [number, number] {
  return [scalarIn(x.dtype, minVal), scalarIn(x.dtype, maxVal)];
}

/**
 * PyTorch's hardtanh_backward(g, x): g strictly inside (min, max), 0 at and
 * beyond the bounds (unlike clamp, a bound counts as outside). It is linear in
 * g, so differentiated again (HardtanhBackwardBackward0) it is hardtanh_backward
 * of the incoming gradient, and nothing for x.
 */
const HardtanhBackward: Primitive<HardtanhAttrs> = {
  gradFn: 'HardtanhBackwardBackward0',
  forward: ([g, x], attrs) => {
    const [lo, hi] = bounds(x, attrs);
    return zip(g, x, resultDtype([g, x]), (gv, v) => (v <= lo || v >= hi ? 0 : gv));
  },
  backward: (gg, { inputs: [g, x], attrs }) => [g.requiresGrad ? hardtanhBackward(gg, x, attrs) : null, null],
};

function hardtanhBackward(g: Tensor, x: Tensor, attrs: HardtanhAttrs): Tensor {
  return apply(HardtanhBackward, [g, x], attrs);
}

// d hardtanh(x)/dx = 1 strictly between the bounds, else 0 (0 at a bound)
const Hardtanh: Primitive<HardtanhAttrs> = {
  gradFn: 'HardtanhBackward0',
  // clamp's kernel, min(max(x, min_val), max_val): NaN passes through
  forward: ([x], attrs) => {
    const [lo, hi] = bounds(x, attrs);
    return map(x, (v) => {
      const raised = v < lo ? lo : v;
      return hi < raised ? hi : raised;
    });
  },
  backward: (g, { inputs: [x], attrs }) => [hardtanhBackward(g, x, attrs)],
  kinks: ({ inputs: [x], attrs }) => {
    const [lo, hi] = bounds(x, attrs);
    return kinkWhere(x, (v) => v === lo || v === hi, 'hardtanh at a bound', 'a bound counts as outside: no gradient passes where the input equals min_val or max_val');
  },
};

export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return apply(Hardtanh, [x], { minVal, maxVal });
}

export default defineOp({
  name: 'hardtanh',
  summary: 'Elementwise clamp to [min_val, max_val] whose gradient is 0 at the bounds.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'min_val', kind: 'number', default: -1 },
    { name: 'max_val', kind: 'number', default: 1 },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['HardtanhBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [6] }], kwargs: { min_val: -0.5, max_val: 1 } }],
  call: ({ input, min_val, max_val, inplace }): Value => (inplace ? inplaceUnsupported('hardtanh', input as Tensor) : hardtanh(input as Tensor, min_val as number, max_val as number)),
});
