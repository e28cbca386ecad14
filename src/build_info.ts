import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What is running: gradserve's version, the commit it was built from (when known) and Node's version. */
export interface BuildInfo {
  version: string;
  commit: string;
  node: string;
}

/** The package root: the nearest folder above this file with a package.json (from src/ and from dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** The commit of a git checkout at `root`, read from .git without running git; null when there is none. */
function gitCommit(root: string): string | null {
  const gitDir = join(root, '.git');
  try {
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (ref === undefined) return /^[0-9a-f]{40}$/.test(head) ? head : null;
    if (existsSync(join(gitDir, ref))) return readFileSync(join(gitDir, ref), 'utf8').trim();
    const packed = readFileSync(join(gitDir, 'packed-refs'), 'utf8');
    return packed.split('\n').find((line) => line.endsWith(` ${ref}`))?.split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

let cached: BuildInfo | undefined;

/**
 * Read once: the version from package.json; the commit from GIT_COMMIT (set it
 * when building an image, which has no .git), else from the checkout, else "unknown".
 */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  if (cached !== undefined) return cached;
  const root = packageRoot();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const commit = env.GIT_COMMIT?.trim() || gitCommit(root) || 'unknown';
  cached = Object.freeze({ version, commit, node: process.versions.node });
  return cached;
}
