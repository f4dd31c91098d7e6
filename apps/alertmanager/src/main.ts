import { runMain } from '@argus/service-kit';
import { alertmanagerFlags } from './alertmanager-flags.ts';
import { VERSION, createAlertmanagerService } from './alertmanager-service.ts';
import { runRoutesTest } from './routes-test.ts';

if (process.argv[2] === 'routes-test') {
  process.exitCode = await runRoutesTest(process.argv.slice(3), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
} else {
  await runMain({
    program: 'alertmanager',
    version: VERSION,
    flags: alertmanagerFlags,
    create: (flags, logger) => {
      if ((flags['cluster.listen-address'] as string) !== '') {
        logger.warn('clustering is not implemented in Argus yet; running as a single instance');
      }
      const external = flags['web.external-url'];
      const prefix =
        flags['web.route-prefix'] || (external ? new URL(external).pathname.replace(/\/$/, '') : '');
      return createAlertmanagerService({
        configFile: flags['config.file'],
        listenAddress: flags['web.listen-address'],
        webConfigFile: flags['web.config.file'],
        storagePath: flags['storage.path'],
        retentionMs: flags['data.retention'],
        alertsGcIntervalMs: flags['alerts.gc-interval'],
        maintenanceIntervalMs: flags['data.maintenance-interval'],
        routePrefix: prefix,
        externalURL: external || undefined,
        logger,
      });
    },
  });
}
