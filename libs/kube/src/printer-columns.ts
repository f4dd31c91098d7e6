/**
 * The columns `kubectl get` prints, per kind: upstream's for the kinds Kubernetes SD
 * reads (pods, services, endpoints, endpoint slices, nodes, namespaces, ingresses,
 * configmaps, secrets), a CRD's `additionalPrinterColumns`, and Name/Age otherwise.
 * Priority 1 columns show with `-o wide`.
 */
import type { KubeObject } from './object-store.ts';

export interface PrinterColumn {
  name: string;
  type: string;
  priority: number;
  description: string;
  cell: (obj: KubeObject) => string | number;
}

/** Kubernetes' short human duration ("45s", "3m12s", "5h", "12d"), as kubectl prints ages. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '0s';
  const m = Math.floor(s / 60);
  const h = Math.floor(s / 3600);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  const y = Math.floor(d / 365);
  return d % 365 === 0 || d >= 2920 ? `${y}y` : `${y}y${d % 365}d`;
}

function age(timestamp: unknown): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  return humanDuration(Date.now() - Date.parse(timestamp));
}

type Any = Record<string, unknown>;
const obj = (v: unknown): Any => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Any) : {});
const arr = (v: unknown): Any[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown, none = '<none>'): string =>
  v === undefined || v === null || v === '' ? none : String(v);

function col(name: string, cell: PrinterColumn['cell'], priority = 0, type = 'string'): PrinterColumn {
  return { name, type, priority, description: name, cell };
}

const nameCol = col('Name', (o) => o.metadata.name ?? '');
const ageCol = col('Age', (o) => age(o.metadata.creationTimestamp));

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const status = obj(o.status);
  const waiting = arr(status.containerStatuses)
    .map((c) => obj(obj(c.state).waiting).reason)
    .find((r) => typeof r === 'string');
  return str(waiting ?? status.reason ?? status.phase, 'Unknown');
}

function servicePorts(o: KubeObject): string {
  const ports = arr(obj(o.spec).ports).map(
    (p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`,
  );
  return ports.length ? ports.join(',') : '<none>';
}

function endpointsList(o: KubeObject): string {
  const out: string[] = [];
  for (const subset of arr(o.subsets)) {
    const ports = arr(subset.ports).map((p) => p.port);
    for (const a of arr(subset.addresses)) {
      if (ports.length === 0) out.push(String(a.ip));
      for (const p of ports) out.push(`${a.ip}:${p}`);
    }
  }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

function nodeStatus(o: KubeObject): string {
  const ready = arr(obj(o.status).conditions).find((c) => c.type === 'Ready');
  const base = ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  return obj(o.spec).unschedulable ? `${base},SchedulingDisabled` : base;
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(o: KubeObject, type: string): string {
  return str(arr(obj(o.status).addresses).find((a) => a.type === type)?.address);
}

const builtin: Record<string, PrinterColumn[]> = {
  'v1/Pod': [
    nameCol,
    col('Ready', (o) => {
      const statuses = arr(obj(o.status).containerStatuses);
      return `${statuses.filter((c) => c.ready === true).length}/${arr(obj(o.spec).containers).length}`;
    }),
    col('Status', podStatus),
    col(
      'Restarts',
      (o) => arr(obj(o.status).containerStatuses).reduce((n, c) => n + Number(c.restartCount ?? 0), 0),
      0,
      'integer',
    ),
    ageCol,
    col('IP', (o) => str(obj(o.status).podIP), 1),
    col('Node', (o) => str(obj(o.spec).nodeName), 1),
  ],
  'v1/Service': [
    nameCol,
    col('Type', (o) => str(obj(o.spec).type, 'ClusterIP')),
    col('Cluster-IP', (o) => str(obj(o.spec).clusterIP)),
    col('External-IP', (o) => {
      const ingress = arr(obj(obj(o.status).loadBalancer).ingress).map((i) => i.ip ?? i.hostname);
      const external = [
        ...(Array.isArray(obj(o.spec).externalIPs) ? (obj(o.spec).externalIPs as string[]) : []),
        ...ingress,
      ];
      return external.length
        ? external.join(',')
        : obj(o.spec).type === 'ExternalName'
          ? str(obj(o.spec).externalName)
          : '<none>';
    }),
    col('Port(s)', servicePorts),
    ageCol,
    col(
      'Selector',
      (o) => {
        const sel = Object.entries(obj(obj(o.spec).selector)).map(([k, v]) => `${k}=${v}`);
        return sel.length ? sel.join(',') : '<none>';
      },
      1,
    ),
  ],
  'v1/Endpoints': [nameCol, col('Endpoints', endpointsList), ageCol],
  'discovery.k8s.io/v1/EndpointSlice': [
    nameCol,
    col('AddressType', (o) => str(o.addressType)),
    col('Ports', (o) => {
      const ports = arr(o.ports).map((p) => p.port);
      return ports.length ? ports.join(',') : '<unset>';
    }),
    col('Endpoints', (o) => {
      const addrs = arr(o.endpoints).flatMap((e) =>
        Array.isArray(e.addresses) ? (e.addresses as string[]) : [],
      );
      if (addrs.length === 0) return '<unset>';
      return addrs.length > 3
        ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...`
        : addrs.join(',');
    }),
    ageCol,
  ],
  'v1/Node': [
    nameCol,
    col('Status', nodeStatus),
    col('Roles', nodeRoles),
    ageCol,
    col('Version', (o) => str(obj(obj(o.status).nodeInfo).kubeletVersion, '')),
    col('Internal-IP', (o) => nodeAddress(o, 'InternalIP'), 1),
    col('External-IP', (o) => nodeAddress(o, 'ExternalIP'), 1),
  ],
  'v1/Namespace': [nameCol, col('Status', (o) => str(obj(o.status).phase, '')), ageCol],
  'networking.k8s.io/v1/Ingress': [
    nameCol,
    col('Class', (o) => str(obj(o.spec).ingressClassName)),
    col('Hosts', (o) => {
      const hosts = arr(obj(o.spec).rules).map((r) => r.host ?? '*');
      return hosts.length ? hosts.join(',') : '*';
    }),
    col('Address', (o) => {
      const ingress = arr(obj(obj(o.status).loadBalancer).ingress).map((i) => i.ip ?? i.hostname);
      return ingress.join(',');
    }),
    col('Ports', (o) => (arr(obj(o.spec).tls).length ? '80, 443' : '80')),
    ageCol,
  ],
  'v1/ConfigMap': [
    nameCol,
    col('Data', (o) => Object.keys(obj(o.data)).length + Object.keys(obj(o.binaryData)).length, 0, 'integer'),
    ageCol,
  ],
  'v1/Secret': [
    nameCol,
    col('Type', (o) => str(o.type, '')),
    col('Data', (o) => Object.keys(obj(o.data)).length, 0, 'integer'),
    ageCol,
  ],
};

/**
 * Evaluates the JSONPath subset printer columns use: `.a.b`, `.a[0].b`, and filters
 * `.a[?(@.type=="Ready")].status`. A path that finds nothing gives ''.
 */
export function simpleJsonPath(root: unknown, path: string): unknown {
  const tokens = path.match(/\.[^.[]+|\[\?\(@\.[^)]*\)\]|\[\d+\]/g) ?? [];
  let cur: unknown = root;
  for (const t of tokens) {
    if (cur === undefined || cur === null) return '';
    if (t.startsWith('[?')) {
      const m = /^\[\?\(@\.(\w+)\s*==\s*["']?(.*?)["']?\)\]$/.exec(t);
      if (!m || !Array.isArray(cur)) return '';
      cur = cur.map(obj).find((item) => String(item[m[1]]) === m[2]);
    } else if (t.startsWith('[')) {
      cur = Array.isArray(cur) ? cur[Number(t.slice(1, -1))] : undefined;
    } else {
      cur = obj(cur)[t.slice(1)];
    }
  }
  return cur ?? '';
}

/** Columns from a CRD version's `additionalPrinterColumns` (date columns print as ages). */
export function crdColumns(crd: KubeObject, version: string): PrinterColumn[] | undefined {
  const versions = arr(obj(crd.spec).versions);
  const defs = arr(versions.find((v) => v.name === version)?.additionalPrinterColumns);
  if (defs.length === 0) return undefined;
  return [
    nameCol,
    ...defs.map((d) => {
      const type = str(d.type, 'string');
      const path = String(d.jsonPath ?? '');
      return col(
        String(d.name ?? path),
        (o) => {
          const v = simpleJsonPath(o, path);
          if (type === 'date') return v === '' ? '<unknown>' : age(v);
          return typeof v === 'object' ? JSON.stringify(v) : (v as string | number);
        },
        Number(d.priority ?? 0),
        type === 'date' ? 'string' : type,
      );
    }),
  ];
}

export function columnsFor(
  apiVersion: string,
  kind: string,
  crd?: KubeObject,
  version?: string,
): PrinterColumn[] {
  if (crd && version) {
    const fromCrd = crdColumns(crd, version);
    if (fromCrd) return fromCrd;
  }
  return builtin[`${apiVersion}/${kind}`] ?? [nameCol, ageCol];
}
