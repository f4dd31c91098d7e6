import { Registry } from 'prom-client';
import { createService } from '@argus/service-kit';
import type { Logger, Service } from '@argus/service-kit';
import { loadScraperConfig } from './config/scraper-config.ts';
import { scrapeHttpClients } from './http-client-cache.ts';
import type { ScraperConfig } from './config/scraper-config.ts';
import { registerSelfMetrics } from './metrics/register.ts';
import { NatsSamplePublisher, registerNatsPublisherMetrics } from './nats-sample-publisher.ts';
import { ScrapeManager } from './scrape-manager.ts';
import { OverflowBuffers } from './spilling-senders.ts';
import type { Sharding } from './target.ts';
import { registerTargetsApi } from './targets-api.ts';

export const VERSION = '0.1.0';

export interface ScraperOptions {
  readonly configFile: string;
  readonly listenAddress: string;
  readonly webConfigFile?: string;
  readonly logger: Logger;
  /** `--shard`/`--shards`: this replica scrapes the targets with `hashmod(__address__, shards) == shard`. */
  readonly sharding?: Sharding;
  /** `--nats.url`: also publish every sample to JetStream (`argus.samples.<shard>`). */
  readonly natsUrl?: string;
  /** `--storage.path`: the remote-write overflow buffers live in `<storagePath>/remote-write/`; none without it. */
  readonly storagePath?: string;
}

/**
 * The scraper service: reads `prometheus.yml` (a bad file fails the start), scrapes its
 * targets into the remote-write queues, serves `/api/v1/targets`, `/api/v1/targets/metadata`,
 * `/api/v1/scrape_pools`, `/metrics` with Prometheus 2.42's `prometheus_target_*`,
 * `prometheus_sd_*` and `prometheus_remote_storage_*` families, and re-reads the file on `/-/reload` or SIGHUP,
 * keeping the old config when the new one is refused.
 */
export async function createScraperService(options: ScraperOptions): Promise<Service> {
  const { logger } = options;
  let config: ScraperConfig = await loadScraperConfig(options.configFile);
  const { sharding } = options;
  if (sharding && (!Number.isInteger(sharding.shards) || sharding.shards < 1))
    throw new Error(`--shards must be a positive integer, got ${sharding.shards}`);
  if (
    sharding &&
    (!Number.isInteger(sharding.shard) || sharding.shard < 0 || sharding.shard >= sharding.shards)
  )
    throw new Error(
      `--shard must be in [0, ${sharding.shards - 1}] for --shards=${sharding.shards}, got ${sharding.shard}`,
    );
  const log = (message: string, fields?: Record<string, unknown>) => logger.warn({ ...fields }, message);
  const nats = options.natsUrl
    ? await NatsSamplePublisher.start({
        url: options.natsUrl,
        shard: sharding?.shard ?? 0,
        externalLabels: config.externalLabels,
        log,
      })
    : undefined;
  const overflow = options.storagePath ? new OverflowBuffers(options.storagePath, { log }) : undefined;
  const debug = (message: string, fields?: Record<string, unknown>) => logger.debug({ ...fields }, message);
  const manager = new ScrapeManager({ log, debug, sharding, destinations: nats ? [nats] : [], overflow });
  const registry = new Registry();
  if (nats) registerNatsPublisherMetrics(registry, nats);
  registerSelfMetrics(registry, manager);

  return createService({
    displayName: 'Argus scraper',
    logger,
    listenAddress: options.listenAddress,
    webConfigFile: options.webConfigFile,
    registry,
    metricsNamespace: 'prometheus',
    buildInfo: { version: VERSION },
    onStart: async () => {
      await manager.apply(config);
    },
    onStop: async () => {
      await manager.stop();
      await scrapeHttpClients.close();
      await nats?.close();
    },
    reload: async () => {
      const next = await loadScraperConfig(options.configFile);
      await nats?.setExternalLabels(next.externalLabels);
      await manager.apply(next);
      config = next;
      logger.info({ file: options.configFile }, 'Completed loading of configuration file');
    },
    routes: (app) => registerTargetsApi(app, manager),
  });
}
