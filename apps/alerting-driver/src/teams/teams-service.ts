// The prom2teams-compatible HTTP service: `POST /v2/<connector>`, the deprecated `POST /`,
// `/alive`, `/ready`, plus service-kit's `/metrics`, `/-/healthy`, `/-/ready`, `/-/reload`.
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Registry } from 'prom-client';
import { createService } from '@argus/service-kit';
import type { Logger, Service } from '@argus/service-kit';
import { acceptRawBodies } from '../common/raw-body.ts';
import { WebhookPayloadError, parseWebhookPayload } from '../common/webhook-payload.ts';
import { BUILTIN_TEMPLATE_SOURCES } from './builtin-templates.ts';
import { buildCards } from './card-builder.ts';
import { CardTemplate, CardTemplateError } from './card-template.ts';
import { TeamsClient, TeamsRequestError } from './teams-client.ts';
import type { TeamsConfig } from './teams-config.ts';

export interface TeamsServiceOptions {
  readonly config: TeamsConfig;
  readonly logger: Logger;
  /** Overrides `[HTTP Server] Host`/`Port` (Go syntax; tests pass `127.0.0.1:0`). */
  readonly listenAddress?: string;
  /** Re-reads the configuration for `/-/reload` and SIGHUP; the listen address is kept. */
  readonly reloadConfig?: () => TeamsConfig;
}

interface State {
  readonly config: TeamsConfig;
  readonly template: CardTemplate;
  readonly client: TeamsClient;
}

/** The template the config names: the user's file, or the chosen built-in card. */
export function loadCardTemplate(config: TeamsConfig): CardTemplate {
  if (config.templatePath === undefined) {
    return new CardTemplate(
      BUILTIN_TEMPLATE_SOURCES[config.builtinTemplate],
      `<builtin ${config.builtinTemplate}>`,
    );
  }
  let source: string;
  try {
    source = readFileSync(config.templatePath, 'utf8');
  } catch (error) {
    throw new CardTemplateError(
      config.templatePath,
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  return new CardTemplate(source, config.templatePath);
}

export function createTeamsService(options: TeamsServiceOptions): Service {
  const logger = options.logger;
  const makeState = (config: TeamsConfig): State => ({
    config,
    template: loadCardTemplate(config),
    client: new TeamsClient({ ...config, logger }),
  });
  let state = makeState(options.config);

  const registry = new Registry();
  const requests = new Counter({
    name: 'prom2teams_requests_total',
    help: 'Webhook requests received, by connector ("?" when unknown) and reply status code.',
    labelNames: ['connector', 'code'],
    registers: [registry],
  });
  const cards = new Counter({
    name: 'prom2teams_cards_total',
    help: 'Cards posted to Teams, by connector and result (sent, failed).',
    labelNames: ['connector', 'result'],
    registers: [registry],
  });

  async function receive(connector: string, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const current = state;
    const name = connector.toLowerCase();
    const url = current.config.connectors.get(name);
    const label = url === undefined ? '?' : name; // unknown names would make unbounded series
    const answer = (code: number, body: unknown) => {
      requests.inc({ connector: label, code: String(code) });
      return reply.code(code).type('application/json').send(JSON.stringify(body));
    };
    let bodies: string[];
    try {
      // As prom2teams: the body is validated first, then the connector looked up.
      const payload = parseWebhookPayload((request.body as Buffer | undefined) ?? '');
      if (url === undefined) {
        // A KeyError (500) in prom2teams; Alertmanager retries, so a fixed ConfigMap still delivers.
        logger.warn({ connector }, 'Unknown Teams connector');
        return answer(500, { message: `Connector "${connector}" is not configured in [Microsoft Teams]` });
      }
      bodies = buildCards(payload, {
        exclusions: {
          labels: current.config.labelsExcluded,
          annotations: current.config.annotationsExcluded,
        },
        groupAlertsBy: current.config.groupAlertsBy,
        maxPayloadBytes: current.config.maxPayloadBytes,
        render: (alert) => current.template.render(alert),
      });
    } catch (error) {
      if (error instanceof WebhookPayloadError) {
        logger.warn({ connector: label, err: error.message }, 'Bad webhook payload');
        return answer(400, { message: error.message });
      }
      if (error instanceof CardTemplateError) {
        logger.error({ connector: name, err: error.message }, 'Rendering the card failed');
        return answer(500, { message: error.message });
      }
      throw error;
    }
    // Alertmanager hung up (its timeout): stop retrying, it will send again. The response's
    // 'close' before it finished means the connection went; the request's 'close' would not.
    const aborted = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) aborted.abort();
    });
    for (const card of bodies) {
      try {
        await current.client.post(name, url, card, aborted.signal);
        cards.inc({ connector: name, result: 'sent' });
      } catch (error) {
        if (!(error instanceof TeamsRequestError)) throw error;
        cards.inc({ connector: name, result: 'failed' });
        logger.error({ connector: name, err: error.message }, 'Sending to Teams failed');
        return answer(500, { message: error.message });
      }
    }
    logger.debug({ connector: name, cards: bodies.length }, 'Alerts sent to Teams');
    return answer(201, 'OK');
  }

  const { host, port } = options.config;
  return createService({
    displayName: 'prom2teams',
    logger,
    listenAddress: options.listenAddress ?? `${host.includes(':') ? `[${host}]` : host}:${port}`,
    webConfigFile: options.config.webConfigFile,
    registry,
    routes: (app) => {
      acceptRawBodies(app);
      app.post<{ Params: { connector: string } }>('/v2/:connector', (req, reply) =>
        receive(req.params.connector, req, reply),
      );
      // v1, deprecated: always the connector named "Connector".
      app.post('/', (req, reply) => receive('Connector', req, reply));
      app.get('/alive', (_req, reply) => reply.type('text/plain').send('YES'));
      app.get('/ready', (_req, reply) => reply.type('text/plain').send('YES'));
    },
    ...(options.reloadConfig === undefined
      ? {}
      : {
          reload: () => {
            const next = makeState((options.reloadConfig as () => TeamsConfig)());
            const old = state;
            state = next;
            void old.client.close();
          },
        }),
    onStop: () => state.client.close(),
  });
}
