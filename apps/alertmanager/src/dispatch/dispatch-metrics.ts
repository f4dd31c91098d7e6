import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { ClusterPeer } from '../cluster/cluster-peer.ts';
import type { Dispatcher } from './dispatcher.ts';

/**
 * Upstream's dispatcher and cluster self-metrics, read when scraped:
 * `alertmanager_dispatcher_aggregation_groups`,
 * `alertmanager_dispatcher_aggregation_group_limit_reached_total` (counted through the
 * returned `limitReached`), `alertmanager_cluster_enabled`, and with a cluster
 * `alertmanager_cluster_members` and `alertmanager_peer_position`.
 */
export function registerDispatchMetrics(
  registry: Registry,
  dispatcher: () => Dispatcher,
  peer: ClusterPeer | undefined,
): { limitReached: () => void } {
  new Gauge({
    name: 'alertmanager_dispatcher_aggregation_groups',
    help: 'Number of active aggregation groups',
    registers: [registry],
    collect() {
      this.set(dispatcher().groups().length);
    },
  });
  const limit = new Counter({
    name: 'alertmanager_dispatcher_aggregation_group_limit_reached_total',
    help: 'Number of times when dispatcher failed to create new aggregation group due to limit.',
    registers: [registry],
  });
  new Gauge({
    name: 'alertmanager_cluster_enabled',
    help: 'Indicates whether the clustering is enabled or not.',
    registers: [registry],
    collect() {
      this.set(peer === undefined ? 0 : 1);
    },
  });
  const result = { limitReached: () => limit.inc() };
  if (peer === undefined) return result;
  new Gauge({
    name: 'alertmanager_cluster_members',
    help: 'Number indicating current number of members in cluster.',
    registers: [registry],
    collect() {
      this.set(peer.status().peers.length);
    },
  });
  new Gauge({
    name: 'alertmanager_peer_position',
    help: "Position the Alertmanager instance believes it is in. The position determines a peer's behavior in the cluster.",
    registers: [registry],
    collect() {
      this.set(peer.position());
    },
  });
  return result;
}
