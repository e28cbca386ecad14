import { defineFlip } from './flip.js';

// torch.fliplr(x) is flip(x, [1]) for x of 2 or more dims (FlipBackward0)
export default defineFlip('fliplr', [1], 2);
