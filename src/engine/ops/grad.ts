import { grad as autogradGrad } from '../autograd.js';
import { defineOp, type Value } from '../op.js';
import { type Tensor, zerosTensor } from '../tensor.js';

export interface GradCallOptions {
  gradOutputs?: Tensor | null;
  createGraph?: boolean;
  allowUnused?: boolean;
}

/**
 * `torch.autograd.grad(outputs, inputs, grad_outputs, create_graph)[0]`: the
 * gradient of `outputs` with respect to `inputs`, shaped like `inputs`. With
 * create_graph it is itself differentiable. An unused input gives zeros when
 * allow_unused is set (torch gives None there).
 */
export function gradOf(outputs: Tensor, inputs: Tensor, options: GradCallOptions = {}): Tensor {
  const [gradient] = autogradGrad([outputs], [inputs], {
    gradOutputs: [options.gradOutputs ?? null],
    createGraph: options.createGraph ?? true,
    allowUnused: options.allowUnused ?? false,
  });
  return gradient ?? zerosTensor(inputs.shape, inputs.dtype);
}

export default defineOp({
  name: 'grad',
  summary:
    'd outputs / d inputs, shaped like inputs, as torch.autograd.grad(outputs, inputs, grad_outputs, create_graph=True)[0]: differentiable again, so grad(grad(y, x), x) is the second derivative. Nothing is accumulated into .grad.',
  params: [
    { name: 'outputs', kind: 'tensor' },
    { name: 'inputs', kind: 'tensor' },
    { name: 'grad_outputs', kind: 'tensor?', default: null },
    { name: 'create_graph', kind: 'bool', default: true },
    { name: 'allow_unused', kind: 'bool', default: false },
  ],
  // The gradient's grad_fn is whatever its last backward rule produced (MulBackward0, AddBackward0, ...).
  gradFns: [],
  method: false,
  function: true,
  differentiates: true,
  call: ({ outputs, inputs, grad_outputs, create_graph, allow_unused }): Value =>
    gradOf(outputs as Tensor, inputs as Tensor, {
      gradOutputs: grad_outputs as Tensor | null,
      createGraph: create_graph as boolean,
      allowUnused: allow_unused as boolean,
    }),
});
