import { DecodeContext } from '@argus/service-kit';
import { TemplateData, TemplateError } from '@argus/gotemplate';
import { WebhookPayloadError, parseWebhookPayload } from '../common/webhook-payload.ts';
import { defaultAlertText } from './alert-text.ts';
import type { SmsConfig } from './config.ts';
import type { ProviderContext, ProviderDefinition } from './providers/provider.ts';
import { PROVIDERS } from './providers/registry.ts';
import { scrubSecrets } from './secret-scrub.ts';

/** The reply to one `POST /alert`: HTTP status, the `provider` label of the request counter, and the error text. */
export interface AlertOutcome {
  readonly status: number;
  /** Provider name, or "?" for failures before a receiver was found (as upstream). */
  readonly provider: string;
  /** Error text for `{"Error":true,…}`; absent on success. Secrets are already scrubbed. */
  readonly error?: string;
}

export interface AlertHandlerOptions {
  /** Status of a failed send: 502 by default (Alertmanager retries 5xx), 400 with `-compat.send-failure-4xx`. */
  readonly sendFailureStatus: number;
  readonly context: ProviderContext;
}

/**
 * sachet's `/alert`: decode the webhook, find the receiver by exact name, build its provider,
 * compose the text (the receiver's `text:` template or the default), send. Never throws.
 */
export async function handleAlert(
  body: Uint8Array | string,
  config: SmsConfig,
  options: AlertHandlerOptions,
): Promise<AlertOutcome> {
  let payload;
  try {
    payload = parseWebhookPayload(body);
  } catch (error) {
    if (error instanceof WebhookPayloadError) return { status: 400, provider: '?', error: error.message };
    throw error;
  }
  const receiver = config.receivers.find((r) => r.name === payload.receiver);
  if (receiver === undefined)
    return { status: 400, provider: '?', error: `Receiver missing: ${payload.receiver}` };

  const provider = receiver.provider;
  const fail = (status: number, error: unknown): AlertOutcome => ({
    status,
    provider,
    error: scrubSecrets(error instanceof Error ? error.message : String(error), config.secrets),
  });
  const definition = PROVIDERS.get(provider);
  if (definition === undefined) return fail(500, `${provider}: Unknown provider`);
  let sender;
  try {
    sender = definition.create(
      config.providerSettings.get(provider) ?? defaultSettings(definition),
      options.context,
    );
  } catch (error) {
    return fail(500, error);
  }

  let text: string;
  if (receiver.text !== '') {
    try {
      text = config.templates.executeText(receiver.text, TemplateData.fromJSON(payload));
    } catch (error) {
      if (error instanceof TemplateError) return fail(500, error);
      throw error;
    }
  } else {
    text = defaultAlertText(payload);
  }

  try {
    await sender.send({ to: receiver.to, from: receiver.from, type: receiver.type, text });
  } catch (error) {
    return fail(options.sendFailureStatus, error);
  }
  return { status: 200, provider };
}

/** A provider named by a receiver but absent from `providers:` runs with zero settings, as upstream. */
function defaultSettings(definition: ProviderDefinition<unknown>): unknown {
  return definition.settings.decode(undefined, { line: 1, column: 1 }, new DecodeContext(''));
}
