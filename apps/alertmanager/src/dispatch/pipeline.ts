import type { Logger } from '@argus/service-kit';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import { defaultSendResolved } from '../config/receiver-schema.ts';
import type { Notifier } from './notifier.ts';
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
import { WebhookNotifier } from './webhook-notifier.ts';

export interface PipelineOptions {
  readonly externalURL: string;
  readonly userAgent: string;
  readonly logger: Logger;
}

/** The integrations Argus can send through for a receiver (webhooks today). */
export function notifiersFor(core: AlertmanagerCore, receiver: string, options: PipelineOptions): Notifier[] {
  const rc = core.config.receivers.get(receiver);
  if (rc === undefined) return [];
  return (rc.webhook_configs ?? []).map(
    (wh, index) =>
      new WebhookNotifier({
        url: String(wh['url'] ?? ''),
        index,
        sendResolved: wh.send_resolved ?? defaultSendResolved('webhook_configs'),
        maxAlerts: typeof wh['max_alerts'] === 'number' ? wh['max_alerts'] : 0,
        timeoutMs: typeof wh['timeout'] === 'number' ? wh['timeout'] : 0,
        externalURL: options.externalURL,
        userAgent: options.userAgent,
      }),
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
      retryStage(n, options.logger),
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
