import { runMain } from '@argus/service-kit';
import { alertmanagerFlags } from './alertmanager-flags.ts';
import { VERSION, createAlertmanagerService } from './alertmanager-service.ts';
import { peerAddress } from './cluster/nats-cluster.ts';
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
      // As upstream, an empty --cluster.listen-address turns HA off; Argus replicates over
      // NATS (--nats.url) instead of gossip, so without it there is no cluster either.
      const listen: string = flags['cluster.listen-address'];
      const natsUrl: string = flags['nats.url'];
      const clustered = listen !== '' && natsUrl !== '';
      if (listen !== '' && natsUrl === '') {
        logger.info(
          'no --nats.url given; running as a single instance (Argus clusters over NATS, not gossip)',
        );
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
        dispatch: {
          maintenanceIntervalMs: flags['dispatch.maintenance-interval'],
          startDelayMs: flags['dispatch.start-delay'],
          maxAggregationGroups: flags['dispatch.max-aggregation-groups'],
          peerTimeoutMs: flags['cluster.peer-timeout'],
        },
        cluster: clustered
          ? {
              natsUrl,
              peerName: flags['cluster.peer-name'],
              address: peerAddress(flags['cluster.advertise-address'], listen),
              label: flags['cluster.label'],
              gossipIntervalMs: flags['cluster.gossip-interval'],
              settleTimeoutMs: flags['cluster.settle-timeout'],
            }
          : undefined,
        logger,
      });
    },
  });
}
