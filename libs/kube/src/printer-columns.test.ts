import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAllYaml } from '@kubernetes/client-node';
import { conformancePath } from '@argus/testkit';
import { columnsFor, humanDuration, simpleJsonPath } from './printer-columns.ts';
import type { KubeObject } from './object-store.ts';

const cells = (
  apiVersion: string,
  kind: string,
  o: KubeObject,
  crd?: KubeObject,
  version?: string,
): Record<string, unknown> =>
  Object.fromEntries(columnsFor(apiVersion, kind, crd, version).map((c) => [c.name, c.cell(o)]));

describe('printer columns', () => {
  it.each([
    { ms: 5_000, want: '5s' },
    { ms: 119_000, want: '119s' },
    { ms: 185_000, want: '3m5s' },
    { ms: 45 * 60_000, want: '45m' },
    { ms: 5 * 3_600_000 + 7 * 60_000, want: '5h7m' },
    { ms: 30 * 3_600_000, want: '30h' },
    { ms: 3 * 86_400_000 + 3_600_000, want: '3d1h' },
    { ms: 400 * 86_400_000, want: '400d' },
  ])('humanDuration($ms) = $want', ({ ms, want }) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it('pods show ready containers, waiting reasons, restarts, IP and node', () => {
    const pod: KubeObject = {
      metadata: { name: 'p', creationTimestamp: new Date().toISOString() },
      spec: { nodeName: 'n1', containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        podIP: '10.1.2.3',
        containerStatuses: [
          { ready: true, restartCount: 2 },
          { ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
    };
    expect(cells('v1', 'Pod', pod)).toEqual({
      Name: 'p',
      Ready: '1/2',
      Status: 'CrashLoopBackOff',
      Restarts: 3,
      Age: '0s',
      IP: '10.1.2.3',
      Node: 'n1',
    });
  });

  it('services list ports with node ports and protocols', () => {
    const svc: KubeObject = {
      metadata: { name: 's' },
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.9',
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
        selector: { app: 'x' },
      },
    };
    expect(cells('v1', 'Service', svc)).toMatchObject({
      Type: 'NodePort',
      'Cluster-IP': '10.96.0.9',
      'External-IP': '<none>',
      'Port(s)': '80:30080/TCP,53/UDP',
      Selector: 'app=x',
    });
  });

  it('nodes and endpoints', () => {
    const node: KubeObject = {
      metadata: { name: 'n', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        nodeInfo: { kubeletVersion: 'v1.32.0' },
        addresses: [{ type: 'InternalIP', address: '192.0.2.1' }],
      },
    };
    expect(cells('v1', 'Node', node)).toMatchObject({
      Status: 'Ready',
      Roles: 'control-plane',
      Version: 'v1.32.0',
      'Internal-IP': '192.0.2.1',
      'External-IP': '<none>',
    });
    const ep: KubeObject = {
      metadata: { name: 'e' },
      subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 81 }] }],
    };
    expect(cells('v1', 'Endpoints', ep).Endpoints).toBe('10.0.0.1:80,10.0.0.1:81,10.0.0.2:80 + 1 more...');
  });

  it('reads JSONPath with indexes and equality filters', () => {
    const o = {
      status: {
        conditions: [
          { type: 'A', status: 'False' },
          { type: 'Available', status: 'True' },
        ],
      },
      spec: { list: [{ n: 1 }] },
    };
    expect(simpleJsonPath(o, `.status.conditions[?(@.type == 'Available')].status`)).toBe('True');
    expect(simpleJsonPath(o, '.spec.list[0].n')).toBe(1);
    expect(simpleJsonPath(o, '.spec.missing.deeper')).toBe('');
  });

  it("uses a CRD's additionalPrinterColumns (the operator's Prometheus CRD)", () => {
    const [crd] = loadAllYaml(
      readFileSync(conformancePath('operator', 'crds', 'monitoring.coreos.com_prometheuses.yaml'), 'utf8'),
    ) as KubeObject[];
    const prom: KubeObject = {
      metadata: { name: 'k8s', creationTimestamp: new Date().toISOString() },
      spec: { version: 'v2.42.0', replicas: 2 },
      status: {
        availableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'Degraded' },
          { type: 'Reconciled', status: 'True' },
        ],
      },
    };
    const got = cells('monitoring.coreos.com/v1', 'Prometheus', prom, crd, 'v1');
    expect(got).toMatchObject({
      Name: 'k8s',
      Version: 'v2.42.0',
      Desired: 2,
      Ready: 1,
      Reconciled: 'True',
      Available: 'Degraded',
      Age: '0s',
    });
  });
});
