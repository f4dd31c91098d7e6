import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ClusterPeer } from '../cluster/cluster-peer.ts';

/**
 * The memberlist families that have a meaning over NATS HA (registered only with a
 * cluster, as upstream registers them only with gossip on):
 * `alertmanager_cluster_peer_info{peer}` (this replica's name) and
 * `alertmanager_cluster_health_score` (0 once settled, 1 while settling — memberlist's
 * "lower is better, 0 is totally healthy"). `alertmanager_cluster_members` and
 * `alertmanager_peer_position` are in dispatch/dispatch-metrics.ts.
 */
export function registerClusterMetrics(registry: Registry, peer: ClusterPeer): void {
  new Gauge({
    name: 'alertmanager_cluster_peer_info',
    help: "A metric with a constant '1' value labeled by peer name.",
    labelNames: ['peer'],
    registers: [registry],
  }).set({ peer: peer.name }, 1);
  new Gauge({
    name: 'alertmanager_cluster_health_score',
    help: "Health score of the cluster. Lower values are better and zero means 'totally healthy'.",
    registers: [registry],
    collect() {
      this.set(peer.status().status === 'ready' ? 0 : 1);
    },
  });
}
