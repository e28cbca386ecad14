// The golden PyTorch cases again, with every elementwise result fused (kernels/fusion.ts).
import { setFusionMinElements } from '../../src/engine/kernels/fusion.js';

setFusionMinElements(1);
await import('./conformance.test.js');
