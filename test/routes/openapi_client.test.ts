import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { PROBLEMS } from '../../src/errors.js';
import { type ReadmeRequest, readmeRequests } from '../support/readme.js';

/**
 * What a user of the ecosystem does with /openapi.json: generate types with
 * openapi-typescript, call the service with openapi-fetch, lint the document
 * with Redocly. Every request body of the README must compile as the user would
 * write it, and the types must say what answers hold (not any).
 */

const ROOT = resolve(import.meta.dirname, '../..');
/** Where the generated files seem to live: inside the project, so openapi-fetch resolves from node_modules. Never written. */
const VIRTUAL_DIR = join(ROOT, 'test/routes/__generated_client__');

/**
 * A program that sends every README request with openapi-fetch, and also
 * declares each body with its request type (openapi-fetch infers bodies
 * generically, which lets some nested mistakes through), and reads answers through the types.
 */
function clientProgram(requests: ReadmeRequest[]): string {
  const calls = requests.map(({ line, method, path, body, query }) => {
    const init = body !== undefined ? `{ body: ${JSON.stringify(body)} }` : `{ params: { query: ${JSON.stringify(query)} } }`;
    return `  await client.${method}(${JSON.stringify(path)}, ${init}); // README.md:${line}`;
  });
  const declarations = requests.map(({ line, path, body, query }, i) =>
    body !== undefined
      ? `const body${i}: Body<${JSON.stringify(path)}> = ${JSON.stringify(body)}; // README.md:${line}`
      : `const query${i}: Query<${JSON.stringify(path)}> = ${JSON.stringify(query)}; // README.md:${line}`,
  );
  const problemTypes = Object.keys(PROBLEMS).map((code) => `'https://gradserve.dev/problems/${code}'`);
  return `import createClient from 'openapi-fetch';
import type { components, paths } from './gradserve.js';

type Schemas = components['schemas'];
type Body<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;
type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never;
const client = createClient<paths>({ baseUrl: 'http://localhost:3000' });

export async function readmeExamples(): Promise<void> {
${calls.join('\n')}
}

${declarations.join('\n')}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_proof?: T): void {}

export async function answersAreTyped(): Promise<void> {
  const { data, error } = await client.POST('/v1/evaluate', { body: { inputs: { x: 2 }, expr: 'y = x ** 2' } });
  if (data !== undefined) {
    const result: string = data.result;
    const grad: Schemas['NestedNumbers'] | Schemas['Base64Tensor'] | null | undefined = data.tensors[result].grad;
    const name: string | undefined = data.trace?.nodes[0].name;
    void grad, name;
  }
  if (error !== undefined) {
    expectType<Equal<typeof error.type, ${problemTypes.join(' | ')}>>();
    const status: number = error.status;
    void status;
  }
  // Not any: the answer's fields have their own types.
  expectType<Equal<Schemas['TensorEntry']['grad_fn'], string | null | undefined>>();
  expectType<Equal<Schemas['NestedNumbers'] extends unknown[] | number | string ? true : false, true>>();
  const batch = await client.POST('/v1/evaluate/batch', { body: { items: [{ inputs: { x: 1 }, expr: 'y = x' }] } });
  const firstItem = batch.data?.items[0].body;
  if (firstItem !== undefined && 'result' in firstItem) {
    const result: string = firstItem.result;
    void result;
  } else if (firstItem !== undefined) {
    const detail: string = firstItem.detail;
    void detail;
  }
}

export function wrongBodiesDoNotCompile(): void {
  // @ts-expect-error: a dtype the service does not take
  const dtype: Body<'/v1/evaluate'> = { inputs: { x: { data: [1, 2], dtype: 'float16' } }, expr: 'y = x' };
  // @ts-expect-error: inputs is a record, "input" is not a field
  const input: Body<'/v1/evaluate'> = { input: { x: 2 }, expr: 'y = x' };
  // @ts-expect-error: a tensor is numbers
  const strings: Body<'/v1/evaluate'> = { inputs: { x: 'two' }, expr: 'y = x' };
  // @ts-expect-error: a batch's items are evaluate bodies
  const batch: Body<'/v1/evaluate/batch'> = { items: [{ inputs: { x: 2 }, expr: 3 }] };
  // @ts-expect-error: a plot's expr is a string
  const plot: Body<'/v1/plot'> = { expr: 3, x: [1, 2] };
  // @ts-expect-error: cells are strings
  const run: Body<'/v1/run'> = { cells: [1] };
  void dtype, input, strings, batch, plot, run;
}
`;
}

/** TypeScript's diagnostics for in-memory files beside the project (strict, as the project compiles). */
function typeCheck(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(VIRTUAL_DIR, name), text]));
  const { fileExists, readFile: read, getSourceFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.directoryExists = (name) => name === VIRTUAL_DIR || ts.sys.directoryExists(name);
  host.readFile = (name) => virtual.get(name) ?? read.call(host, name);
  host.getSourceFile = (name, language, onError, create) => {
    const text = virtual.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, onError, create);
  };
  const program = ts.createProgram([join(VIRTUAL_DIR, 'client.ts')], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? `${d.file.fileName.replace(VIRTUAL_DIR + '/', '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('a client generated from /openapi.json', () => {
  let app: FastifyInstance;
  let document: Record<string, unknown>;
  let requests: ReadmeRequest[];
  beforeAll(async () => {
    app = await buildApp();
    document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    requests = readmeRequests(await readFile(join(ROOT, 'README.md'), 'utf8'));
  });
  afterAll(() => app.close());

  it('finds the README examples of every documented POST route it shows', () => {
    const paths = new Set(requests.map((r) => r.path));
    for (const path of ['/v1/evaluate', '/v1/check', '/v1/gradcheck', '/v1/plot', '/v1/run']) expect(paths).toContain(path);
    expect(requests.length).toBeGreaterThanOrEqual(15);
  });

  it('compiles with openapi-typescript and openapi-fetch on every README request body, and types the answers', async () => {
    // As the README says to generate it: defaults stay optional in request bodies.
    const types = astToString(await openapiTS(document as never, { defaultNonNullable: false }));
    const diagnostics = typeCheck({ 'gradserve.d.ts': types, 'client.ts': clientProgram(requests) });
    expect(diagnostics).toEqual([]);
  });

  it('passes Redocly lint (recommended rules) without errors or warnings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gradserve-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(document));
      const cli = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
      const run = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--format=json'], { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
        (failed: { stdout: string }) => failed,
      );
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
