import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { EnvSchema, loadConfig } from '../../src/config.js';
import { parseDockerfile } from '../support/dockerfile.js';

/**
 * deploy/kubernetes: every manifest validates against the Kubernetes API schemas
 * (kubernetes-models' validators, generated from the API's OpenAPI document), and
 * the manifests agree with each other and with the app: probe paths it serves,
 * environment variables src/config.ts knows, a grace period longer than the drain.
 */
const DIR = 'deploy/kubernetes';
const models = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
} as const;
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
const manifests: (Manifest & { file: string })[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => ({ ...(doc.toJS() as Manifest), file })),
);
const one = (kind: string) => manifests.find((m) => m.kind === kind)!;
const deployment = one('Deployment');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];
const configMap = one('ConfigMap');

function validate(manifest: Manifest): void {
  const Model = models[`${manifest.apiVersion}/${manifest.kind}` as keyof typeof models];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  (new Model(manifest as any) as unknown as { validate(): void }).validate();
}

describe('deploy/kubernetes manifests', () => {
  it('has the kinds an operator needs, one each', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
  });

  it.each(files)('%s validates against the Kubernetes API schema', (file) => {
    for (const manifest of manifests.filter((m) => m.file === file)) expect(() => validate(manifest)).not.toThrow();
  });

  it('the schema check does catch mistakes', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => validate(broken)).toThrow(/containerPort must be integer/);
    const hpa = structuredClone(one('HorizontalPodAutoscaler'));
    delete hpa.spec.maxReplicas;
    expect(() => validate(hpa)).toThrow(/maxReplicas/);
    const pdb = structuredClone(one('PodDisruptionBudget'));
    pdb.spec.selector = 'app=gradserve';
    expect(() => validate(pdb)).toThrow();
  });

  it('kustomization.yaml lists every manifest and sets the Deployment image', () => {
    const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0].toJS();
    expect(kustomization.kind).toBe('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(files);
    expect(kustomization.images.map((i: { name: string }) => i.name)).toEqual([container.image.split(':')[0]]);
  });

  it('selectors agree: Deployment, Service, PodDisruptionBudget pick the pods the template labels; the HPA scales the Deployment', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(one('Service').spec.selector);
    expect(labels).toMatchObject(one('PodDisruptionBudget').spec.selector.matchLabels);
    expect(one('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(container.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
    const portNames = container.ports.map((p: { name: string }) => p.name);
    expect(portNames).toContain(one('Service').spec.ports[0].targetPort);
  });

  it('the ConfigMap sets only variables src/config.ts reads, to values it accepts, and the port the container declares', () => {
    const known = Object.keys(EnvSchema.shape);
    for (const key of Object.keys(configMap.data)) expect(known, key).toContain(key);
    const config = loadConfig(configMap.data);
    expect(container.ports[0].containerPort).toBe(config.port);
    expect(config.host).toBe('0.0.0.0');
    // In a container the default (CPUs - 1) would count the node's CPUs, not the pod's.
    expect(configMap.data.WORKERS).toBeDefined();
  });

  it('gives in-flight requests longer than preStop plus the drain before a SIGKILL', () => {
    const config = loadConfig(configMap.data);
    const preStop = container.lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    const drainSeconds = Number(preStop[1]) + config.shutdownGraceMs / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
  });

  it('runs non-root on a read-only root with every capability dropped; /tmp is an emptyDir', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.securityContext.capabilities.add).toBeUndefined();
    const tmp = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: { name: string }) => v.name === tmp.name).emptyDir).toBeDefined();
    // runAsUser is the image's USER (node: uid 1000 in the node images)
    expect(parseDockerfile(readFileSync('Dockerfile', 'utf8')).at(-1)!.instructions.filter((i) => i.keyword === 'USER').at(-1)!.text).toBe('node');
  });

  it('sets CPU and memory requests and limits, and the HPA scales on CPU utilization of the request', () => {
    expect(container.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.any(String) });
    expect(container.resources.limits).toMatchObject({ cpu: expect.anything(), memory: expect.any(String) });
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // the PDB lets a drain proceed at the HPA's minimum
    expect(one('PodDisruptionBudget').spec.maxUnavailable).toBeLessThan(hpa.spec.minReplicas);
  });

  describe('probes', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await buildApp({ operations: { evaluation: { workers: 1 } } });
    });
    afterAll(() => app.close());

    it('readiness /readyz, liveness /healthz, a startup probe; each path answers 200 in the app', async () => {
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.startupProbe.httpGet.path).toBe('/healthz');
      for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
        expect(probe.httpGet.port).toBe('http');
        const answer = await app.inject({ method: 'GET', url: probe.httpGet.path });
        expect(answer.statusCode, probe.httpGet.path).toBe(200);
      }
    });
  });
});
