import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ClusterPeer, ClusterStatus } from '../src/cluster/cluster-peer.ts';
import { registerClusterMetrics } from '../src/metrics/cluster-metrics.ts';

// The memberlist families mapped onto NATS HA follow the peer's state when scraped.

describe('cluster metrics over NATS HA', () => {
  it('reports the peer name and 0 health score once settled, 1 while settling', async () => {
    let status: ClusterStatus['status'] = 'settling';
    const peer: ClusterPeer = {
      name: 'am-a',
      position: () => 0,
      settled: async () => undefined,
      status: () => ({ name: 'am-a', status, peers: [] }),
    };
    const registry = new Registry();
    registerClusterMetrics(registry, peer);
    let text = await registry.metrics();
    expect(text).toContain('alertmanager_cluster_peer_info{peer="am-a"} 1');
    expect(text).toContain('alertmanager_cluster_health_score 1');
    status = 'ready';
    text = await registry.metrics();
    expect(text).toContain('alertmanager_cluster_health_score 0');
  });
});
