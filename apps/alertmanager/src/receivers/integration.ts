import type { AlertmanagerTemplates } from '@argus/gotemplate';
import type { Logger } from '@argus/service-kit';
import type { Alert } from '../domain/alert.ts';
import type { Notifier } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { HttpClient } from './http-client.ts';
import { Renderer, templateData } from './template-data.ts';

/** What every integration needs besides its own config entry. */
export interface IntegrationEnv {
  readonly templates: AlertmanagerTemplates;
  /** `--web.external-url`: `.ExternalURL` in templates. */
  readonly externalURL: string;
  readonly userAgent: string;
  readonly logger: Logger;
  /** `global:` of the config (defaults such as `slack_api_url`). */
  readonly global: Readonly<Record<string, unknown>>;
}

/** A config entry of one integration, fields as decoded by receiver-schema.ts. */
export type Fields = Readonly<Record<string, unknown>>;

/** A string field, or `fallback` when unset. */
export function str(fields: Fields, key: string, fallback = ''): string {
  const v = fields[key];
  return typeof v === 'string' ? v : fallback;
}

/**
 * Base of the HTTP integrations: its `http_config` client (the integration's own, else
 * `global.http_config`), template rendering and the `Notifier` bookkeeping.
 */
export abstract class HttpIntegration implements Notifier {
  abstract readonly integration: string;
  readonly client: HttpClient;

  constructor(
    readonly fields: Fields,
    readonly index: number,
    readonly sendResolved: boolean,
    readonly env: IntegrationEnv,
  ) {
    const http = (fields['http_config'] ?? env.global['http_config']) as Record<string, unknown> | undefined;
    this.client = new HttpClient(http, env.userAgent);
  }

  /** Template data and a renderer for this batch. */
  renderer(ctx: NotifyContext, alerts: readonly Alert[]): Renderer {
    return new Renderer(this.env.templates, templateData(ctx, alerts, this.env.externalURL));
  }

  /** A template string of the config, or the upstream default when it is unset. */
  tmplField(key: string, fallback: string): string {
    return str(this.fields, key, fallback);
  }

  abstract notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void>;
}
