import { defineCat } from './cat.js';

// torch.concatenate is torch.cat (CatBackward0)
export default defineCat('concatenate');
