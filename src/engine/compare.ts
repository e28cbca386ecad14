// The six comparisons (gt ge lt le eq ne): one definition, six op files.
import { zip } from './kernels/elementwise.js';
import { defineOp, isTensor, type OpDef, type Scalar, type Value } from './op.js';
import { operands, scalarNumber } from './promote.js';
import type { Tensor } from './tensor.js';

export interface ComparisonSpec {
  name: string;
  /** The Python operator (`>`). */
  operator: string;
  test: (a: number, b: number) => boolean;
}

/**
 * `a OP b` elementwise with broadcasting, as a bool tensor: both sides are
 * compared in their promoted dtype (a Python float against a float32 tensor
 * is rounded to float32 first), NaN compares false (true for !=).
 */
export function compare(a: Tensor | Scalar, b: Tensor | Scalar, test: (x: number, y: number) => boolean): Tensor {
  const [ta, tb] = operands(a, b);
  return zip(ta, tb, 'bool', (x, y) => (test(x, y) ? 1 : 0));
}

export function defineComparison(spec: ComparisonSpec): OpDef {
  return defineOp({
    name: spec.name,
    summary: `Elementwise \`a ${spec.operator} b\` with broadcasting, as a bool tensor.`,
    params: [
      { name: 'input', kind: 'tensor|number' },
      { name: 'other', kind: 'tensor|number' },
    ],
    gradFns: [],
    method: true,
    function: true,
    modules: ['torch', 'method'],
    operators: [spec.operator],
    noGradient: 'a comparison is not differentiable (its result is a bool tensor)',
    call: ({ input, other }): Value => {
      if (!isTensor(input) && !isTensor(other)) return spec.test(scalarNumber(input as Scalar), scalarNumber(other as Scalar));
      return compare(input as Tensor | Scalar, other as Tensor | Scalar, spec.test);
    },
  });
}
