/**
 * What the API server does to an object on its way in: metadata it owns (uid,
 * creationTimestamp, generation, names from generateName), the few defaults that
 * Prometheus-style consumers read (a Service's clusterIP, a Namespace's phase), and
 * name validation answered as 422 Invalid with upstream's wording.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from './object-store.ts';
import type { ResourceType } from './resource-types.ts';
import { invalid, type StatusCause } from './status.ts';

const subdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Re = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const nameMessages: Record<ResourceType['nameRule'], string> = {
  subdomain:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  label:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1035:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
};

function nameProblem(rule: ResourceType['nameRule'], name: string): string | undefined {
  const max = rule === 'subdomain' ? 253 : 63;
  if (name.length > max) return `must be no more than ${max} characters`;
  const re = rule === 'subdomain' ? subdomainRe : rule === 'label' ? labelRe : dns1035Re;
  return re.test(name) ? undefined : nameMessages[rule];
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameAlphabet[Math.floor(Math.random() * nameAlphabet.length)];
  return s;
}

/** Checks the name (after generateName) and label syntax; throws 422 listing every problem. */
export function validateObject(type: ResourceType, obj: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name ?? '';
  if (name === '') {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
  } else {
    const problem = nameProblem(type.nameRule, name);
    if (problem)
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${name}": ${problem}`,
      });
  }
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
    if (k === '' || k.length > 317)
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.labels',
        message: `Invalid value: "${k}": name part must be non-empty`,
      });
  }
  const annotationBytes = Object.entries(obj.metadata.annotations ?? {}).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
    0,
  );
  if (annotationBytes > 262_144) {
    causes.push({
      reason: 'FieldValueTooLong',
      field: 'metadata.annotations',
      message: 'Too long: must have at most 262144 bytes',
    });
  }
  if (causes.length > 0) throw invalid(type.group, type.kind, name, causes);
}

/** Fills what the server owns on create; `obj` is modified in place. */
export function prepareCreate(type: ResourceType, obj: KubeObject, allocateClusterIp: () => string): void {
  const meta = obj.metadata;
  if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
  meta.uid = randomUUID();
  meta.creationTimestamp = nowTimestamp();
  meta.generation = 1;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.resourceVersion;
  if (!type.namespaced) delete meta.namespace;
  const key = `${type.group}/${type.plural}`;
  if (key === '/namespaces') {
    meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
    obj.spec = { finalizers: ['kubernetes'], ...(obj.spec as object | undefined) };
    obj.status = { phase: 'Active' };
  } else if (key === '/services') {
    defaultService(obj, allocateClusterIp);
  } else if (key === '/secrets') {
    if (obj.type === undefined || obj.type === '') obj.type = 'Opaque';
  } else if (key === '/pods') {
    if (obj.status === undefined) obj.status = { phase: 'Pending' };
  }
  defaultProtocols(key, obj);
}

type Port = Record<string, unknown>;

function portsOf(list: unknown): Port[] {
  return Array.isArray(list) ? (list.filter((p) => p !== null && typeof p === 'object') as Port[]) : [];
}

/**
 * Ports without a protocol get TCP, as the API server's defaulting does for pod
 * containers, Endpoints and EndpointSlices (Kubernetes SD reports the protocol).
 */
export function defaultProtocols(key: string, obj: KubeObject): void {
  const ports: Port[] = [];
  if (key === '/pods') {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    for (const field of ['containers', 'initContainers']) {
      for (const c of portsOf(spec[field])) ports.push(...portsOf(c.ports));
    }
  } else if (key === '/endpoints') {
    for (const subset of portsOf(obj.subsets)) ports.push(...portsOf(subset.ports));
  } else if (key === 'discovery.k8s.io/endpointslices') {
    ports.push(...portsOf(obj.ports));
  }
  for (const p of ports) p.protocol ??= 'TCP';
}

function defaultService(obj: KubeObject, allocateClusterIp: () => string): void {
  const spec = (obj.spec ??= {}) as Record<string, unknown>;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = allocateClusterIp();
    spec.clusterIPs ??= spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports as Record<string, unknown>[]) {
      p.protocol ??= 'TCP';
      if (spec.clusterIP !== 'None') p.targetPort ??= p.port;
    }
  }
  obj.status ??= { loadBalancer: {} };
}

function withoutMetaAndStatus(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

/**
 * Carries server-owned metadata from the stored object into an update and bumps
 * `generation` when anything but metadata and status changed.
 */
export function prepareUpdate(old: KubeObject, next: KubeObject): void {
  const meta = next.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.namespace = old.metadata.namespace;
  meta.name = old.metadata.name;
  delete meta.generateName;
  if (old.metadata.generateName) meta.generateName = old.metadata.generateName;
  if (old.metadata.deletionTimestamp) {
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  if (old.kind === 'Service' && old.apiVersion === 'v1') keepServiceAllocations(old, next);
  if (old.kind === 'Pod' && old.apiVersion === 'v1') defaultProtocols('/pods', next);
  if (old.kind === 'Endpoints' && old.apiVersion === 'v1') defaultProtocols('/endpoints', next);
  if (old.kind === 'EndpointSlice' && old.apiVersion === 'discovery.k8s.io/v1')
    defaultProtocols('discovery.k8s.io/endpointslices', next);
  const gen = old.metadata.generation ?? 1;
  meta.generation = withoutMetaAndStatus(old) === withoutMetaAndStatus(next) ? gen : gen + 1;
}

/** An update that leaves a Service's cluster IPs empty keeps the allocated ones, as upstream. */
function keepServiceAllocations(old: KubeObject, next: KubeObject): void {
  const before = (old.spec ?? {}) as Record<string, unknown>;
  const spec = (next.spec ??= {}) as Record<string, unknown>;
  spec.type ??= before.type ?? 'ClusterIP';
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = before.clusterIP;
  if (spec.clusterIPs === undefined) spec.clusterIPs = before.clusterIPs;
  spec.sessionAffinity ??= before.sessionAffinity;
}
