import { defineFlags, logFlags } from '@argus/service-kit';

/** The upstream proxy's flags, plus `--push.max-body-size` and `--client-auth.config.file` (ours). */
export const proxyFlags = defineFlags({
  'web.listen-address': {
    type: 'string',
    default: ':8080',
    help: 'Address to listen on for proxy and client requests.',
  },
  'web.config.file': {
    type: 'string',
    default: '',
    help: '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.',
  },
  'scrape.max-timeout': {
    type: 'duration',
    default: '5m',
    help: 'Any scrape with a timeout higher than this will have to be clamped to this.',
  },
  'scrape.default-timeout': {
    type: 'duration',
    default: '15s',
    help: 'If a scrape lacks a timeout, use this value.',
  },
  'registration.timeout': { type: 'duration', default: '5m', help: 'After how long a registration expires.' },
  'push.max-body-size': {
    type: 'bytes',
    default: '64MB',
    help: 'Largest scrape response a client may push; larger pushes get 413.',
  },
  'client-auth.config.file': {
    type: 'string',
    default: '',
    help: 'YAML file of allowed clients (bearer token or TLS client certificate name, and their FQDNs). Empty: no client authentication, as upstream.',
  },
  ...logFlags,
});
