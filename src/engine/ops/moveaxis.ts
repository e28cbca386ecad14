import { defineMovedim } from './movedim.js';

// torch.moveaxis is torch.movedim (PermuteBackward0)
export default defineMovedim('moveaxis');
