import { readFileSync, statSync } from 'node:fs';
import { Registry } from 'prom-client';
import { registerAlertmanagerMetrics } from './metrics/alertmanager-metrics.ts';
import { instrumentAlertmanagerHttp } from './metrics/http-metrics.ts';
import { configHashValue } from './metrics/state-metrics.ts';
import { registerClusterMetrics } from './metrics/cluster-metrics.ts';
import { registerDispatchMetrics } from './dispatch/dispatch-metrics.ts';
import { createService } from '@argus/service-kit';
import type { Logger, Service } from '@argus/service-kit';
import { AlertmanagerCore } from './alertmanager-core.ts';
import type { ClusterPeer } from './cluster/cluster-peer.ts';
import { startNatsCluster } from './cluster/nats-cluster.ts';
import type { NatsCluster, NatsClusterOptions } from './cluster/nats-cluster.ts';
import { registerApiV2 } from './api/api-v2.ts';
import { loadConfigFile } from './config/config.ts';
import { Dispatcher } from './dispatch/dispatcher.ts';
import type { DispatcherOptions } from './dispatch/dispatcher.ts';
import { NotificationLog } from './dispatch/notification-log.ts';
import { buildPipeline } from './dispatch/pipeline.ts';
import type { Stage } from './dispatch/stage.ts';
import { NflogSnapshot } from './nflog-snapshot.ts';
import { SilenceSnapshot } from './silence-snapshot.ts';
import { registerRootRedirect, registerUi } from './ui/ui-routes.ts';

/** Argus's version, reported by `--version` and as the revision in `/api/v2/status`. */
export const VERSION = '0.1.0';
/** The upstream version whose API this serves; `amtool` warns when its own differs. */
export const UPSTREAM_VERSION = '0.25.0';

export interface AlertmanagerOptions {
  readonly configFile: string;
  readonly listenAddress: string;
  readonly logger: Logger;
  /** Directory for `silences.json`; undefined keeps silences in memory only. */
  readonly storagePath?: string;
  readonly webConfigFile?: string;
  readonly routePrefix?: string;
  readonly retentionMs?: number;
  readonly alertsGcIntervalMs?: number;
  /** `--data.maintenance-interval`: silence and nflog GC and the nflog snapshot (15m). */
  readonly maintenanceIntervalMs?: number;
  /** `--web.external-url`; the webhook's `externalURL`. */
  readonly externalURL?: string;
  /** `--dispatch.*` (start delay as a duration here) and `--cluster.peer-timeout`. */
  readonly dispatch?: Omit<DispatcherOptions, 'peer' | 'startAtMs'> & { readonly startDelayMs?: number };
  /** HA over NATS (`--nats.url`); absent: a single instance. */
  readonly cluster?: Omit<NatsClusterOptions, 'logger' | 'retentionMs'>;
}

/** The running service and its state (exposed for in-process tests). */
export interface AlertmanagerService extends Service {
  readonly core: AlertmanagerCore;
  readonly nflog: NotificationLog;
  readonly peer: ClusterPeer | undefined;
  /** The current dispatcher (replaced on reload). */
  dispatcher(): Dispatcher;
}

/**
 * Builds the Alertmanager service: loads the config (throws `ConfigError` when it is
 * bad), restores silences from `storagePath`, serves API v2, and reloads the config on
 * `/-/reload` or SIGHUP, keeping the old one when the new file is refused.
 */
export async function createAlertmanagerService(options: AlertmanagerOptions): Promise<AlertmanagerService> {
  const config = await loadConfigFile(options.configFile);
  const core = new AlertmanagerCore(config, { retentionMs: options.retentionMs });
  const silenceSnapshot =
    options.storagePath === undefined ? undefined : new SilenceSnapshot(options.storagePath, core.silences);
  silenceSnapshot?.attach();
  const startedAtMs = Date.now();
  let gcTimer: NodeJS.Timeout | undefined;
  let maintenanceTimer: NodeJS.Timeout | undefined;
  const nflog = new NotificationLog(options.retentionMs);
  const nflogSnapshot =
    options.storagePath === undefined ? undefined : new NflogSnapshot(options.storagePath, nflog);
  nflogSnapshot?.load(Date.now());
  const cluster: NatsCluster | undefined =
    options.cluster === undefined
      ? undefined
      : await startNatsCluster(
          { ...options.cluster, logger: options.logger, retentionMs: options.retentionMs ?? 120 * 3_600_000 },
          { nflog, silences: core.silences },
        );
  const registry = new Registry();
  const dispatchMetrics = registerDispatchMetrics(registry, () => dispatcher, cluster?.peer);
  const metrics = registerAlertmanagerMetrics(registry, core, nflog);
  if (cluster !== undefined) registerClusterMetrics(registry, cluster.peer);
  if (silenceSnapshot !== undefined) {
    // Silences are written on every change; time those writes as upstream times its snapshots.
    const write = silenceSnapshot.write.bind(silenceSnapshot);
    silenceSnapshot.write = () =>
      metrics.snapshot('silences', write, () => statSync(silenceSnapshot.file).size);
  }
  // The hash of the file as loaded; a refused reload leaves it (and the old config) in place.
  const hashConfigFile = () => metrics.setConfigHash(configHashValue(readFileSync(options.configFile)));
  hashConfigFile();
  const dispatcherOptions: DispatcherOptions = {
    ...options.dispatch,
    onLimitReached: dispatchMetrics.limitReached,
    onAlertProcessed: metrics.alertProcessed,
    startAtMs: startedAtMs + (options.dispatch?.startDelayMs ?? 0),
    peer: cluster?.peer,
  };
  const pipelineOptions = {
    externalURL: options.externalURL || 'http://localhost:9093',
    userAgent: `Alertmanager/${UPSTREAM_VERSION}`,
    logger: options.logger,
    metrics: metrics.notify,
  };
  const newDispatcher = (): Dispatcher => {
    const pipelines = new Map<string, Stage>();
    const pipelineFor = (receiver: string): Stage => {
      let p = pipelines.get(receiver);
      if (p === undefined) {
        p = buildPipeline(core, nflog, receiver, pipelineOptions);
        pipelines.set(receiver, p);
      }
      return p;
    };
    return new Dispatcher(core, pipelineFor, options.logger, dispatcherOptions);
  };
  let dispatcher = newDispatcher();
  const service = createService({
    displayName: 'Alertmanager',
    logger: options.logger,
    listenAddress: options.listenAddress,
    webConfigFile: options.webConfigFile,
    routePrefix: options.routePrefix || undefined,
    registry,
    metricsNamespace: 'alertmanager',
    httpMetrics: false,
    buildInfo: { version: VERSION },
    routes: (app) => {
      registerApiV2(app, core, {
        version: UPSTREAM_VERSION,
        revision: `argus-${VERSION}`,
        startedAtMs,
        cluster: cluster === undefined ? undefined : () => cluster.peer.status(),
        alertMetrics: metrics.api,
      });
      registerUi(app);
    },
    reload: async () => {
      const next = await loadConfigFile(options.configFile);
      dispatcher.stop();
      core.applyConfig(next);
      hashConfigFile();
      dispatcher = newDispatcher();
      dispatcher.start();
      options.logger.info({ file: options.configFile }, 'Completed loading of configuration file');
    },
    onStart: () => {
      dispatcher.start();
      gcTimer = setInterval(() => core.alerts.gc(Date.now()), options.alertsGcIntervalMs ?? 30 * 60_000);
      gcTimer.unref();
      maintenanceTimer = setInterval(
        () => {
          const now = Date.now();
          core.silences.gc(now);
          nflog.gc(now);
          try {
            if (nflogSnapshot !== undefined)
              metrics.snapshot(
                'nflog',
                () => nflogSnapshot.write(),
                () => statSync(nflogSnapshot.file).size,
              );
          } catch (error) {
            options.logger.error(
              { err: (error as Error).message },
              'Writing the notification log snapshot failed',
            );
          }
        },
        options.maintenanceIntervalMs ?? 15 * 60_000,
      );
      maintenanceTimer.unref();
    },
    onStop: async () => {
      clearInterval(gcTimer);
      clearInterval(maintenanceTimer);
      dispatcher.stop();
      await cluster?.stop();
      nflogSnapshot?.close();
    },
  });
  instrumentAlertmanagerHttp(service.app, registry);
  registerRootRedirect(service.app, options.routePrefix);
  return Object.assign(service, { core, nflog, peer: cluster?.peer, dispatcher: () => dispatcher });
}
