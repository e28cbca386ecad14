/**
 * What a program may import: torch (and torch.nn, torch.nn.functional, torch.autograd, ...),
 * math, numpy, matplotlib (pyplot, pylab). Anything else is a ModuleNotFoundError in that cell.
 */
import { pyError } from '../exceptions.js';
import type { PyModule } from '../values.js';
import { makeMath } from './math.js';
import { makeNumpy } from './numpy.js';
import { matplotlibModules } from './pyplot.js';
import { torchModules_ } from './torch.js';

let mathModule: PyModule | null = null;

/** The module a dotted name denotes (modules are shared by every run: none can be changed). */
export function loadModule(name: string): PyModule {
  if (name === 'math') return (mathModule ??= makeMath());
  if (name === 'numpy') return makeNumpy();
  const torch = torchModules_().get(name);
  if (torch !== undefined) return torch;
  const matplotlib = matplotlibModules().get(name);
  if (matplotlib !== undefined) return matplotlib;
  throw pyError('ModuleNotFoundError', `No module named '${name}'`);
}
