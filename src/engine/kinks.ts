import type { KinkHit } from './autograd.js';
import type { Tensor } from './tensor.js';

/** Flat indices reported per kink hit. */
const MAX_REPORTED_INDICES = 10;

/** The elements of `x` where `atKink` holds, as one hit (none when no element does). */
export function kinkWhere(x: Tensor, atKink: (v: number) => boolean, kink: string, convention: string): KinkHit[] {
  const indices: number[] = [];
  let count = 0;
  for (let i = 0; i < x.numel; i++) {
    if (atKink(x.data[i])) {
      if (count < MAX_REPORTED_INDICES) indices.push(i);
      count++;
    }
  }
  return count === 0 ? [] : [{ kink, convention, count, indices }];
}
