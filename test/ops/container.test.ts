import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { execForm, parseCopy, parseDockerfile } from '../../scripts/dockerfile.js';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1)!;
// merge: the file shares its health check timings through a YAML anchor (`<<: *healthcheck`), as compose reads it
const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
/** The Compose Specification (draft-07, ajv's default draft; its `$schema` spells the meta-schema URL in a form ajv does not know). */
function composeSchema() {
  const { $schema: _draft07, ...schema } = JSON.parse(readFileSync('test/ops/compose-spec.json', 'utf8'));
  return schema;
}
const keywords = (stage: typeof runtime, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('lints clean with dockerfile-utils', () => {
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('the linter does catch mistakes (so a clean result means something)', () => {
    expect(lintDockerfile('FROM node:24-slim\nEXPOSE 3000/tcpx\nCMD\n').length).toBeGreaterThan(0);
  });

  it('builds in one stage and ships a Node 24 slim runtime with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.image).toMatch(/^node:24[-.\w]*slim$/);
    const runs = keywords(runtime, 'RUN').map((i) => i.text);
    expect(runs.some((r) => /npm ci --omit=dev/.test(r))).toBe(true);
    const copies = keywords(runtime, 'COPY').map((i) => parseCopy(i.text));
    expect(copies.filter((c) => c.from === null).flatMap((c) => c.sources).sort()).toEqual(['package-lock.json', 'package.json']);
    expect(copies.find((c) => c.from !== null)).toMatchObject({ from: stages[0].name, sources: ['/app/dist'] });
  });

  it('runs as a non-root user, with a health check, and node getting signals directly', () => {
    expect(keywords(runtime, 'USER').at(-1)?.text).toBe('node');
    expect(keywords(runtime, 'HEALTHCHECK').at(-1)?.text).toContain('/healthz');
    expect(keywords(runtime, 'ENTRYPOINT')).toEqual([]); // no shell wrapper between docker and node
    const cmd = execForm(keywords(runtime, 'CMD').at(-1)!.text);
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(cmd.join(' ')).toBe(start);
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const stage of stages) {
      for (const copy of keywords(stage, 'COPY').map((i) => parseCopy(i.text)).filter((c) => c.from === null)) {
        for (const source of copy.sources) {
          expect(existsSync(source), source).toBe(true);
          expect(ignored, source).not.toContain(source.split('/')[0]);
        }
      }
    }
  });
});

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = composeSchema();
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check does catch mistakes', () => {
    const schema = composeSchema();
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(schema, { services: { a: { deploy: { replicas: true }, healthcheck: { tests: ['CMD', 'true'] } } } })).toBe(false);
  });

  it('runs several replicas with health checks and resource limits behind nginx', () => {
    const app = compose.services.gradserve;
    expect(app.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(app.deploy.resources.limits).toMatchObject({ cpus: expect.any(String), memory: expect.any(String) });
    expect(app.healthcheck.test.join(' ')).toMatch(/\/readyz/);
    expect(app.build.target).toBe('runtime');
    const lb = compose.services.lb;
    expect(lb.image).toMatch(/^nginx:/);
    expect(lb.depends_on.gradserve.condition).toBe('service_healthy');
    expect(lb.deploy.resources.limits).toBeDefined();
    const nginx = readFileSync('deploy/nginx.conf', 'utf8');
    expect(nginx).toMatch(/server gradserve:3000 resolve/);
    expect(lb.volumes.join(' ')).toContain('./deploy/nginx.conf');
  });

  it('gives in-flight requests longer to finish than the service takes to drain', () => {
    const app = compose.services.gradserve;
    const grace = Number(app.environment.SHUTDOWN_GRACE_MS);
    expect(Number.parseInt(app.stop_grace_period, 10) * 1000).toBeGreaterThan(grace);
  });

  it('has an optional load-test service against the load balancer', () => {
    const load = compose.services.load;
    expect(load.profiles).toEqual(['load']);
    expect(load.command.join(' ')).toMatch(/npm run load -- --url http:\/\/lb:80/);
  });
});
