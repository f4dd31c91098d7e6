import { Counter, Registry } from 'prom-client';
import { createService } from '@argus/service-kit';
import type { Logger, Service } from '@argus/service-kit';
import { acceptRawBodies } from '../common/raw-body.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../common/webhook-payload.ts';
import { handleAlert } from './alert-handler.ts';
import { loadSmsConfig } from './config.ts';
import { scrubSecrets } from './secret-scrub.ts';
import type { SmsConfig } from './config.ts';

export interface SmsServiceOptions {
  /** sachet's `-config` file, read now (a bad file throws) and on every reload. */
  readonly configFile: string;
  readonly listenAddress: string;
  readonly webConfigFile?: string;
  readonly logger: Logger;
  /** Status of a failed provider send (default 502; sachet answers 400). */
  readonly sendFailureStatus?: number;
  /** Timeout of each provider HTTP request (default 20 s, as most sachet providers). */
  readonly sendTimeoutMs?: number;
  readonly maxBodyBytes?: number;
  /** Clock for request signatures (Aliyun, OVH); tests may fix it. */
  readonly now?: () => Date;
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * The sachet-compatible service: `POST /alert`, `/-/reload` (a broken file is refused and the
 * old config kept), `/-/live`, `/-/ready`, `/-/healthy` and `/metrics` with
 * `sachet_requests_total{code,provider}`.
 */
export function createSmsService(options: SmsServiceOptions): Service {
  let config: SmsConfig = loadSmsConfig(options.configFile);
  const registry = new Registry();
  const requests = new Counter({
    name: 'sachet_requests_total',
    help: 'How many requests processed, partitioned by status code and provider.',
    labelNames: ['code', 'provider'],
    registers: [registry],
  });
  const handlerOptions = {
    sendFailureStatus: options.sendFailureStatus ?? 502,
    context: { now: options.now ?? (() => new Date()), timeoutMs: options.sendTimeoutMs ?? 20_000 },
  };

  return createService({
    displayName: 'Sachet',
    logger: options.logger,
    listenAddress: options.listenAddress,
    webConfigFile: options.webConfigFile,
    registry,
    routes: (app) => {
      // heptiolabs healthcheck's liveness answer, as sachet serves it.
      app.get('/-/live', (_request, reply) => reply.type('application/json; charset=utf-8').send('{}\n'));
      void app.register(async (scope) => {
        acceptRawBodies(scope, options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES);
        // Body-level failures (too large, aborted) get sachet's error body too.
        scope.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
          const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
          const limit = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
          const message =
            status === 413
              ? `request body larger than ${limit} bytes`
              : scrubSecrets(error.message, config.secrets);
          requests.inc({ code: String(status), provider: '?' });
          options.logger.warn({ status }, `Error: ${message}`);
          return reply.code(status).type(TEXT).send(errorBody(status, message));
        });
        scope.all('/alert', async (request, reply) => {
          const outcome = await handleAlert(
            (request.body as Buffer | undefined) ?? '',
            config,
            handlerOptions,
          );
          requests.inc({ code: String(outcome.status), provider: outcome.provider });
          if (outcome.error === undefined) return reply.code(200).type(TEXT).send('');
          options.logger.error(
            { status: outcome.status, provider: outcome.provider },
            `Error: ${outcome.error}`,
          );
          return reply.code(outcome.status).type(TEXT).send(errorBody(outcome.status, outcome.error));
        });
      });
    },
    reload: () => {
      options.logger.info({ file: options.configFile }, 'Loading configuration file');
      config = loadSmsConfig(options.configFile);
    },
  });
}

/** sachet's error body, byte for byte: `{"Error":true,"Status":<code>,"Message":"<text>"}`. */
export function errorBody(status: number, message: string): string {
  return JSON.stringify({ Error: true, Status: status, Message: message });
}
