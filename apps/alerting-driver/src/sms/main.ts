import { writeSync } from 'node:fs';
import { defineFlags, logFlags, runMain } from '@argus/service-kit';
import { goFlagsToLong } from './go-flags.ts';
import { createSmsService } from './sms-service.ts';

const flags = defineFlags({
  'listen-address': { type: 'string', default: ':9876', help: 'The address to listen on for HTTP requests.' },
  config: { type: 'string', default: 'config.yaml', help: 'The configuration file' },
  'compat.send-failure-4xx': {
    type: 'bool',
    default: false,
    help: 'Answer a failed provider send with 400 as sachet does (Alertmanager then drops it) instead of 502.',
  },
  'send.timeout': { type: 'duration', default: '20s', help: 'Timeout of each request to a provider API.' },
  'web.config.file': {
    type: 'string',
    default: '',
    help: 'Path to a web config file enabling TLS or basic auth.',
  },
  ...logFlags,
});

/** sachet-compatible mode: Go-style flags (`-config`, `-listen-address`), `PORT` overrides the address. */
export async function runSms(argv: readonly string[]): Promise<void> {
  await runMain({
    program: 'alerting-driver sms',
    version: '0.1.0',
    flags,
    env: {
      argv: goFlagsToLong(argv, flags),
      writeStdout: (text) => writeSync(1, text),
      writeStderr: (text) => writeSync(2, text),
      exit: (code) => process.exit(code),
      onSignal: (signal, handler) => process.on(signal, handler),
      onFatal: (handler) => {
        process.on('uncaughtException', handler);
        process.on('unhandledRejection', handler);
      },
    },
    create: (f, logger) =>
      createSmsService({
        configFile: f.config,
        listenAddress: process.env['PORT'] ? `:${process.env['PORT']}` : f['listen-address'],
        webConfigFile: f['web.config.file'],
        sendFailureStatus: f['compat.send-failure-4xx'] ? 400 : 502,
        sendTimeoutMs: f['send.timeout'],
        logger,
      }),
  });
}
