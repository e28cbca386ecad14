import { ProblemError } from '../../errors.js';
import { grad as autogradGrad } from '../autograd.js';
import { defineOp, type Value } from '../op.js';
import { type Tensor, zerosTensor } from '../tensor.js';
import { jacobian } from './jacobian.js';

/**
 * torch.autograd.functional.hessian of a one-element `output` computed from
 * `inputs`: the Jacobian of its gradient, shaped inputs.shape + inputs.shape.
 */
export function hessian(output: Tensor, inputs: Tensor, createGraph = true): Tensor {
  if (output.numel !== 1) {
    throw new ProblemError('invalid-argument', 'The Tensor returned by the function given to hessian should contain a single element');
  }
  const [gradient] =
    output.requiresGrad && inputs.requiresGrad ? autogradGrad([output], [inputs], { createGraph: true, allowUnused: true }) : [null];
  return jacobian(gradient ?? zerosTensor(inputs.shape, inputs.dtype), inputs, createGraph);
}

export default defineOp({
  name: 'hessian',
  summary:
    'The Hessian of a one-element output (computed from inputs) with respect to inputs, shaped inputs.shape + inputs.shape, as torch.autograd.functional.hessian computes it.',
  params: [
    { name: 'output', kind: 'tensor' },
    { name: 'inputs', kind: 'tensor' },
    { name: 'create_graph', kind: 'bool', default: true },
  ],
  gradFns: ['ViewBackward0'],
  method: false,
  function: true,
  differentiates: true,
  call: ({ output, inputs, create_graph }): Value => hessian(output as Tensor, inputs as Tensor, create_graph as boolean),
});
