/**
 * Reproduces the image's build and start steps without a Docker engine, in a
 * clean temporary folder: the build stage's COPY and RUN steps, then the
 * runtime stage's production-only install and the build output, then the
 * image's CMD with its ENV, probed on /healthz, /readyz and one program, then
 * SIGTERM and a clean exit. A stage built FROM an earlier one starts from a
 * copy of its folder; the `load` stage (the compose load profile) runs one
 * short load scenario. `RUN --mount=type=secret` is run without the secret
 * (here the host's own npm settings apply). Run: npx tsx scripts/reproduce_image.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, join, resolve } from 'node:path';
import { execForm, parseCopy, parseDockerfile, parseEnv, parseRun, type Stage } from '../test/support/dockerfile.js';

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'gradserve-image-'));
const folders = new Map<string, string>();

function step(message: string): void {
  console.log(`[reproduce-image] ${message}`);
}

/** Runs one stage; WORKDIR /app is the stage's own folder. */
function runStage(stage: Stage, index: number): { env: Record<string, string>; cmd: string[] | null; user: string | null } {
  const folder = join(work, stage.name ?? `stage${index}`);
  folders.set(stage.name ?? String(index), folder);
  const env: Record<string, string> = {};
  let cmd: string[] | null = null;
  let user: string | null = null;
  step(`stage ${stage.name ?? index} (FROM ${stage.image}) in ${folder}`);
  const parent = folders.get(stage.image);
  if (parent) execFileSync('cp', ['-al', parent, folder]); // FROM an earlier stage: its files (hard links)
  for (const instruction of stage.instructions) {
    const { keyword, text, line } = instruction;
    switch (keyword) {
      case 'WORKDIR':
        if (text !== '/app') throw new Error(`line ${line}: only WORKDIR /app is reproduced`);
        execFileSync('mkdir', ['-p', folder]);
        break;
      case 'COPY': {
        // Docker's rules: into a folder (`./`), a file keeps its name and a folder gives its contents.
        const copy = parseCopy(instruction);
        const root = copy.from ? folders.get(copy.from) : repo;
        if (!root) throw new Error(`line ${line}: no stage ${copy.from}`);
        for (const source of copy.sources) {
          const from = join(root, copy.from ? source.replace(/^\/app\/?/, '') : source);
          if (!existsSync(from)) throw new Error(`line ${line}: COPY source ${source} is missing`);
          const intoFolder = copy.destination.endsWith('/') && statSync(from).isFile();
          cpSync(from, join(folder, copy.destination, intoFolder ? basename(source) : ''), { recursive: true });
        }
        step(`COPY ${text}`);
        break;
      }
      case 'RUN': {
        const { flags, command } = parseRun(instruction);
        const unknown = flags.filter((flag) => !/^--mount=type=secret,/.test(flag));
        if (unknown.length > 0) throw new Error(`line ${line}: RUN ${unknown.join(' ')} is not reproduced`);
        step(`RUN ${command}`);
        execFileSync('sh', ['-c', command], { cwd: folder, stdio: 'inherit', env: { ...process.env, ...env } });
        break;
      }
      case 'ENV':
        Object.assign(env, parseEnv(instruction));
        break;
      case 'CMD':
        cmd = execForm(instruction);
        break;
      case 'USER':
        user = text;
        break;
      case 'EXPOSE':
      case 'HEALTHCHECK':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(`line ${line}: ${keyword} is not reproduced; extend scripts/reproduce_image.ts`);
    }
  }
  return { env, cmd, user };
}

async function probe(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function main(): Promise<void> {
  let runtime: ReturnType<typeof runStage> | null = null;
  stages.forEach((stage, index) => {
    runtime = runStage(stage, index);
  });
  const final = runtime as unknown as ReturnType<typeof runStage>;
  const loadFolder = folders.get('load');
  if (loadFolder) {
    // The load stage: the scenarios run from its folder against a server started from its sources.
    step('load stage: npm run load -- --scenario course --duration 1');
    execFileSync('npm', ['run', 'load', '--', '--scenario', 'course', '--duration', '1'], { cwd: loadFolder, stdio: 'inherit' });
  }
  const finalFolder = [...folders.values()].at(-1)!;
  if (!final.cmd) throw new Error('the final stage has no CMD');
  if (!final.user || final.user === 'root') throw new Error('the final stage runs as root');
  const devOnly = ['vitest', 'typescript', 'tsx', 'vite'].filter((p) => existsSync(join(finalFolder, 'node_modules', p)));
  if (devOnly.length > 0) throw new Error(`dev dependencies in the runtime stage: ${devOnly.join(', ')}`);
  if (existsSync(join(finalFolder, 'src'))) throw new Error('sources were copied into the runtime stage');

  const port = 39000 + Math.floor(Math.random() * 1000);
  step(`CMD ${JSON.stringify(final.cmd)} on port ${port}`);
  const [command, ...args] = final.cmd;
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: finalFolder,
    env: { PATH: process.env.PATH ?? '', ...final.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  try {
    const base = `http://127.0.0.1:${port}`;
    const health = await probe(`${base}/healthz`);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
    const ready = await probe(`${base}/readyz`);
    if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status}`);
    // A program large enough for the worker pool: proves the compiled worker file loads.
    const answer = await probe(`${base}/v1/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { x: { linspace: { start: -10, end: 10, steps: 100000 } } }, expr: 'Y = torch.relu(x)\ny = Y.sum()' }),
    });
    if (answer.status !== 200) throw new Error(`/v1/evaluate answered ${answer.status}: ${await answer.text()}`);
    const metrics = await (await probe(`${base}/metrics`)).text();
    if (!/gradserve_evaluation_duration_seconds_count\{task="evaluate",mode="pool",outcome="ok"\} 1/.test(metrics)) {
      throw new Error('the program did not run in the worker pool');
    }
    step('healthz, readyz, a pooled evaluation and metrics answered');
  } finally {
    child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`the server exited with ${code} after SIGTERM`);
  step('SIGTERM: exited 0');
}

main()
  .then(() => {
    rmSync(work, { recursive: true, force: true });
    step('ok');
  })
  .catch((error: Error) => {
    console.error(`[reproduce-image] FAILED: ${error.message} (work folder kept: ${work})`);
    process.exit(1);
  });
