import { runMain } from '@argus/service-kit';
import { loadClientAuthConfig } from './client-auth-config.ts';
import { proxyFlags } from './proxy-flags.ts';
import { createPushproxProxyService } from './pushprox-proxy-service.ts';

await runMain({
  program: 'pushprox-proxy',
  version: '0.2.0',
  flags: proxyFlags,
  create: (flags, logger) => {
    const proxy = createPushproxProxyService({
      listenAddress: flags['web.listen-address'],
      webConfigFile: flags['web.config.file'],
      logger,
      defaultScrapeTimeoutMs: flags['scrape.default-timeout'],
      maxScrapeTimeoutMs: flags['scrape.max-timeout'],
      registrationTimeoutMs: flags['registration.timeout'],
      maxPushBytes: flags['push.max-body-size'],
      authenticator: flags['client-auth.config.file']
        ? loadClientAuthConfig(flags['client-auth.config.file'])
        : undefined,
    });
    return proxy.service;
  },
});
