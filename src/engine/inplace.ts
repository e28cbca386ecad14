import { ProblemError } from '../errors.js';
import type { Tensor } from './tensor.js';

/**
 * The `inplace=True` forms of torch.nn.functional activations are not
 * implemented: they would overwrite their input. On a leaf that requires grad
 * PyTorch refuses them too, with the message given here.
 */
export function inplaceUnsupported(op: string, input: Tensor): never {
  if (input.requiresGrad && input.isLeaf) {
    throw new ProblemError('autograd-error', 'a leaf Variable that requires grad is being used in an in-place operation.');
  }
  throw new ProblemError('invalid-argument', `${op}(..., inplace=True) is not supported; call it with inplace=False`);
}
