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
});
