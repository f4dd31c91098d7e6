import { defaultSendResolved } from '../config/receiver-schema.ts';
import type { IntegrationKind, ReceiverConfig } from '../config/receiver-schema.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { Notifier } from '../dispatch/notifier.ts';
import { DiscordNotifier } from './discord.ts';
import { EmailNotifier } from './email.ts';
import type { Fields, IntegrationEnv } from './integration.ts';
import { MsteamsNotifier, MsteamsV2Notifier } from './msteams.ts';
import { OpsgenieNotifier } from './opsgenie.ts';
import { PagerdutyNotifier } from './pagerduty.ts';
import { scrubSecrets } from './secrets.ts';
import { SlackNotifier } from './slack.ts';
import { TelegramNotifier } from './telegram.ts';
import { WebhookNotifier } from './webhook.ts';

type Factory = (fields: Fields, index: number, sendResolved: boolean, env: IntegrationEnv) => Notifier;

/** The integration kinds Argus sends through, in upstream's build order. */
export const SENDERS: Partial<Record<IntegrationKind, Factory>> = {
  webhook_configs: (...a) => new WebhookNotifier(...a),
  email_configs: (...a) => new EmailNotifier(...a),
  pagerduty_configs: (...a) => new PagerdutyNotifier(...a),
  opsgenie_configs: (...a) => new OpsgenieNotifier(...a),
  slack_configs: (...a) => new SlackNotifier(...a),
  telegram_configs: (...a) => new TelegramNotifier(...a),
  discord_configs: (...a) => new DiscordNotifier(...a),
  msteams_configs: (...a) => new MsteamsNotifier(...a),
  msteamsv2_configs: (...a) => new MsteamsV2Notifier(...a),
};

/**
 * Wraps a notifier so its errors never carry a secret value, even one the remote server
 * echoed back in its answer; the original error stays as `cause` (never logged).
 */
function scrubbing(n: Notifier): Notifier {
  return {
    integration: n.integration,
    index: n.index,
    sendResolved: n.sendResolved,
    notify: async (ctx, alerts) => {
      try {
        await n.notify(ctx, alerts);
      } catch (error) {
        const retry = error instanceof NotifyError ? error.retry : true;
        throw new NotifyError(scrubSecrets((error as Error).message ?? String(error)), retry, {
          cause: error,
        });
      }
    },
  };
}

/**
 * The notifiers of one receiver, each with its index among the receiver's integrations
 * of the same kind (the notification log key). Kinds without a sender are reported
 * through `unsupported` and skipped.
 */
export function buildIntegrations(
  rc: ReceiverConfig,
  env: IntegrationEnv,
  unsupported: (kind: string) => void = () => undefined,
): Notifier[] {
  const out: Notifier[] = [];
  for (const [kind, list] of Object.entries(rc) as [string, unknown][]) {
    if (kind === 'name' || !Array.isArray(list) || list.length === 0) continue;
    const factory = SENDERS[kind as IntegrationKind];
    if (factory === undefined) {
      unsupported(kind);
      continue;
    }
    list.forEach((fields: Fields, index) => {
      const sendResolved =
        typeof fields['send_resolved'] === 'boolean'
          ? fields['send_resolved']
          : defaultSendResolved(kind as IntegrationKind);
      out.push(scrubbing(factory(fields, index, sendResolved, env)));
    });
  }
  return out;
}
