// The pool's worker when gradserve runs from its TypeScript sources (tests, `npm run dev`).
// Under `--import tsx`, a worker thread on Node 20 loads .ts files only through
// tsx's require hook: ESM-only packages (d3's) and dynamic imports fail there.
// tsImport registers tsx's loader inside this thread instead. The compiled
// service (dist/) runs worker.js directly and never loads this file.
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport('./worker.ts', import.meta.url);
export default worker.default;
