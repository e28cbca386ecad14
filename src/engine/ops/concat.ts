import { defineCat } from './cat.js';

// torch.concat is torch.cat (CatBackward0)
export default defineCat('concat');
