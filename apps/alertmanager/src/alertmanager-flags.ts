import { defineFlags, logFlags, webFlags } from '@argus/service-kit';

/** Upstream Alertmanager's flags (names and defaults), those Argus reads or accepts. */
export const alertmanagerFlags = defineFlags({
  ...webFlags(':9093'),
  ...logFlags,
  'config.file': {
    type: 'string',
    default: 'alertmanager.yml',
    help: 'Alertmanager configuration file name.',
  },
  'storage.path': { type: 'string', default: 'data/', help: 'Base path for data storage.' },
  'data.retention': { type: 'duration', default: '120h', help: 'How long to keep data for.' },
  'data.maintenance-interval': {
    type: 'duration',
    default: '15m',
    help: 'Interval between garbage collection and snapshotting to disk of the silences and the notification logs.',
  },
  'alerts.gc-interval': { type: 'duration', default: '30m', help: 'Interval between alert GC.' },
  'dispatch.maintenance-interval': {
    type: 'duration',
    default: '30s',
    help: 'Interval between maintenance of aggregation groups in the dispatcher.',
  },
  'dispatch.start-delay': {
    type: 'duration',
    default: '0s',
    help: 'Minimum amount of time to wait before dispatching alerts. This option should be synced with value of --rules.alert.resend-delay on Prometheus.',
  },
  'dispatch.max-aggregation-groups': {
    type: 'int',
    default: 0,
    help: 'Argus: maximum number of aggregation groups; alerts that would need a new group are dropped with an error. 0 or negative: no limit.',
  },
  'web.external-url': {
    type: 'string',
    default: '',
    help: 'The URL under which Alertmanager is externally reachable (for example, if Alertmanager is served via a reverse proxy).',
  },
  'web.route-prefix': {
    type: 'string',
    default: '',
    help: 'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.',
  },
  'cluster.listen-address': {
    type: 'string',
    default: '0.0.0.0:9094',
    help: 'Listen address for cluster. Set to empty string to disable HA mode.',
  },
  'cluster.peer': { type: 'list', help: 'Initial peers (may be repeated).' },
  'cluster.peer-name': {
    type: 'string',
    default: '',
    help: 'Explicit name of the peer, rather than generating a random one',
  },
  'cluster.settle-timeout': {
    type: 'duration',
    default: '1m',
    help: 'Maximum time to wait for cluster connections to settle before evaluating notifications.',
  },
  'cluster.gossip-interval': {
    type: 'duration',
    default: '200ms',
    help: 'Interval between sending gossip messages (with --nats.url: between peer heartbeats, at least 200ms).',
  },
  'cluster.label': {
    type: 'string',
    default: '',
    help: 'The cluster label isolates clusters from each other (with --nats.url: part of the KV bucket and subject names).',
  },
  'cluster.advertise-address': {
    type: 'string',
    default: '',
    help: 'Explicit address to advertise in cluster.',
  },
  'cluster.peer-timeout': {
    type: 'duration',
    default: '15s',
    help: 'Time to wait between peers to send notifications.',
  },
  'nats.url': {
    type: 'string',
    default: '',
    help: 'Argus: NATS server URL(s), comma-separated. With it (and a non-empty --cluster.listen-address) replicas share silences and the notification log through JetStream KV.',
  },
});
