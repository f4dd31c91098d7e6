import { hostname } from 'node:os';
import { defineFlags, logFlags } from '@argus/service-kit';

/** The upstream client's flags, the Rancher fork's extras, and `--proxy.token-file` (ours). */
export const clientFlags = defineFlags({
  fqdn: { type: 'string', default: hostname(), help: 'FQDN to register with' },
  'proxy-url': { type: 'string', default: '', help: 'Push proxy to talk to.' },
  'tls.cacert': { type: 'string', default: '', help: '<file> CA certificate to verify peer against' },
  'tls.cert': { type: 'string', default: '', help: '<cert> Client certificate file' },
  'tls.key': { type: 'string', default: '', help: '<key> Private key file' },
  'metrics-addr': { type: 'string', default: ':9369', help: 'Serve Prometheus metrics at this address' },
  'proxy.retry.initial-wait': {
    type: 'duration',
    default: '1s',
    help: 'Amount of time to wait after proxy failure',
  },
  'proxy.retry.max-wait': {
    type: 'duration',
    default: '5s',
    help: 'Maximum amount of time to wait between proxy poll retries',
  },
  'token-path': {
    type: 'string',
    default: '',
    help: '(Rancher) Bearer token file sent to the scrape target; forces https.',
  },
  'insecure-skip-verify': { type: 'bool', default: false, help: '(Rancher) Disable TLS verification.' },
  'allow-port': { type: 'string', default: '*', help: '(Rancher) Only scrape this port; * allows any.' },
  'use-localhost': {
    type: 'bool',
    default: false,
    help: '(Rancher) Scrape 127.0.0.1 instead of the target host; needs --allow-port.',
  },
  'proxy.token-file': {
    type: 'string',
    default: '',
    help: 'Bearer token file sent to the proxy (its optional client authentication). Empty: none, as upstream.',
  },
  ...logFlags,
});
