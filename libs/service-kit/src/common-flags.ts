import { defineFlags } from './flags.ts';
import { LOG_FORMATS, LOG_LEVELS } from './logger.ts';

/** `--log.level` and `--log.format`, with upstream names, defaults, help and error wording. */
export const logFlags = defineFlags({
  'log.level': {
    type: 'string',
    default: 'info',
    choices: LOG_LEVELS,
    invalidChoice: (value) => `unrecognized log level ${JSON.stringify(value)}`,
    help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]',
  },
  'log.format': {
    type: 'string',
    default: 'logfmt',
    choices: LOG_FORMATS,
    invalidChoice: (value) => `unrecognized log format ${JSON.stringify(value)}`,
    help: 'Output format of log messages. One of: [logfmt, json]',
  },
});

const WEB_CONFIG_FILE_HELP =
  '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.';

/**
 * `--web.listen-address` (default given by the service, e.g. `:9090`) and
 * `--web.config.file`, with upstream names and help, one listen address (as Prometheus).
 */
export function webFlags<const A extends string>(defaultListenAddress: A) {
  return defineFlags({
    'web.listen-address': {
      type: 'string',
      default: defaultListenAddress,
      help: 'Address on which to expose metrics and web interface.',
    },
    'web.config.file': { type: 'string', default: '', help: WEB_CONFIG_FILE_HELP },
  });
}

/**
 * `webFlags` for exporters whose `--web.listen-address` is repeatable (node_exporter,
 * Pushgateway): the flag parses to a list, which `createService` takes as is.
 */
export function exporterWebFlags(defaultListenAddress: string) {
  return defineFlags({
    'web.listen-address': {
      type: 'list',
      default: [defaultListenAddress],
      help: 'Addresses on which to expose metrics and web interface. Repeatable for multiple addresses.',
    },
    'web.config.file': { type: 'string', default: '', help: WEB_CONFIG_FILE_HELP },
  });
}
