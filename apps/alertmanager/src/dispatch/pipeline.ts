import type { Logger } from '@argus/service-kit';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import type { Notifier } from './notifier.ts';
import type { NotifyMetrics } from '../metrics/notify-metrics.ts';
import type { NotificationLog } from './notification-log.ts';
import { retryStage } from './retry-stage.ts';
import { FanoutStage, MultiStage } from './stage.ts';
import type { NotifyContext, Stage } from './stage.ts';
import {
  dedupStage,
  inhibitStage,
  setNotifiesStage,
  silenceStage,
  timeActiveStage,
  timeMuteStage,
} from './stages.ts';
import { buildIntegrations } from '../receivers/build.ts';

export interface PipelineOptions {
  readonly externalURL: string;
  readonly userAgent: string;
  readonly logger: Logger;
  /** Per-integration notification counters (metrics/notify-metrics.ts). */
  readonly metrics?: NotifyMetrics;
}

/** The integrations of a receiver, built from its config entries (receivers/build.ts). */
export function notifiersFor(core: AlertmanagerCore, receiver: string, options: PipelineOptions): Notifier[] {
  const rc = core.config.receivers.get(receiver);
  if (rc === undefined) return [];
  const env = {
    templates: core.config.templates,
    externalURL: options.externalURL,
    userAgent: options.userAgent,
    logger: options.logger,
    global: (core.config.raw.global ?? {}) as Record<string, unknown>,
  };
  return buildIntegrations(rc, env, (kind) =>
    options.logger.warn({ receiver, integration: kind }, 'Integration kind not supported by Argus; skipped'),
  );
}

/**
 * Upstream's pipeline for one receiver: inhibit → time-active → time-mute → silence →
 * fan-out over integrations, each dedup → retry → set-notifies.
 */
export function buildPipeline(
  core: AlertmanagerCore,
  nflog: NotificationLog,
  receiver: string,
  options: PipelineOptions,
  notifiers: readonly Notifier[] = notifiersFor(core, receiver, options),
): Stage {
  const perIntegration = notifiers.map((n) => {
    const key = (ctx: NotifyContext) => `${ctx.groupKey}:${ctx.receiver}/${n.integration}/${n.index}`;
    return new MultiStage([
      dedupStage(nflog, key, n.sendResolved),
      retryStage(n, options.logger, undefined, options.metrics),
      setNotifiesStage(nflog, key),
    ]);
  });
  return new MultiStage([
    inhibitStage(core),
    timeActiveStage(core),
    timeMuteStage(core),
    silenceStage(core),
    new FanoutStage(perIntegration),
  ]);
}
