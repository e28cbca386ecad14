// The finite-difference gradient checks of every op, with every elementwise result fused (kernels/fusion.ts).
import { setFusionMinElements } from '../../src/engine/kernels/fusion.js';

setFusionMinElements(1);
await import('./gradients.test.js');
await import('./higher_order.test.js');
