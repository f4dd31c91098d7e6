import { FlagError, runMain } from '@argus/service-kit';
import { clientFlags } from './client-flags.ts';
import { ClientConfigError } from './errors.ts';
import { createPushproxClient } from './pushprox-client.ts';

await runMain({
  program: 'pushprox-client',
  version: '0.2.0',
  flags: clientFlags,
  create: (flags, logger) => {
    if (flags['proxy-url'] === '') throw new FlagError('required flag --proxy-url not provided');
    try {
      return createPushproxClient({
        fqdn: flags.fqdn,
        proxyUrl: flags['proxy-url'],
        tlsCaCertFile: flags['tls.cacert'] || undefined,
        tlsCertFile: flags['tls.cert'] || undefined,
        tlsKeyFile: flags['tls.key'] || undefined,
        metricsAddress: flags['metrics-addr'],
        retryInitialWaitMs: flags['proxy.retry.initial-wait'],
        retryMaxWaitMs: flags['proxy.retry.max-wait'],
        insecureSkipVerify: flags['insecure-skip-verify'],
        allowPort: flags['allow-port'],
        useLocalhost: flags['use-localhost'],
        tokenPath: flags['token-path'] || undefined,
        proxyTokenFile: flags['proxy.token-file'] || undefined,
        logger,
      }).service;
    } catch (error) {
      if (error instanceof ClientConfigError) throw new FlagError(error.message, { cause: error });
      throw error;
    }
  },
});
