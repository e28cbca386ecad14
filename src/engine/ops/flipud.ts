import { defineFlip } from './flip.js';

// torch.flipud(x) is flip(x, [0]) for x of 1 or more dims (FlipBackward0)
export default defineFlip('flipud', [0], 1);
