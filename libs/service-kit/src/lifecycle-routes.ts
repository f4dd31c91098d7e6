import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from './logger.ts';

const TEXT = 'text/plain; charset=utf-8';

export interface LifecycleRoutesOptions {
  /** Shown in probe texts (`Prometheus Server is Healthy.`). */
  readonly displayName: string;
  readonly logger: Logger;
  readonly isReady: () => boolean;
  /** Runs a reload; registered as `/-/reload` only when given. */
  readonly reload?: (() => Promise<void>) | undefined;
  /** Registers `/-/quit`, which calls this. */
  readonly quit?: (() => void) | undefined;
  /** When false, `/-/reload` and `/-/quit` answer 403 (Prometheus without `--web.enable-lifecycle`). */
  readonly lifecycleApi: boolean;
}

/**
 * The management endpoints every service has, with Prometheus's answers: `/-/healthy`,
 * `/-/ready` (503 `Service Unavailable` until ready), `/-/reload` (POST/PUT; 500 with
 * `failed to reload config: <error>`; 405 for other methods) and `/-/quit`.
 */
export function registerLifecycleRoutes(app: FastifyInstance, options: LifecycleRoutesOptions): void {
  const name = options.displayName;
  app.route({
    method: ['GET', 'HEAD'],
    url: '/-/healthy',
    handler: (_request, reply) => reply.type(TEXT).send(`${name} is Healthy.\n`),
  });
  app.route({
    method: ['GET', 'HEAD'],
    url: '/-/ready',
    handler: (_request, reply) =>
      options.isReady()
        ? reply.type(TEXT).send(`${name} is Ready.\n`)
        : reply.code(503).type(TEXT).send('Service Unavailable\n'),
  });

  const disabled = (reply: FastifyReply) =>
    reply.code(403).type(TEXT).send('Lifecycle API is not enabled.\n');
  const onlyPostOrPut = (url: string) =>
    app.route({
      method: ['GET', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS'],
      url,
      handler: (_request, reply) => reply.code(405).type(TEXT).send('Only POST or PUT requests allowed\n'),
    });

  const reload = options.reload;
  if (reload) {
    app.route({
      method: ['POST', 'PUT'],
      url: '/-/reload',
      handler: async (_request, reply) => {
        if (!options.lifecycleApi) return disabled(reply);
        try {
          await reload();
          options.logger.info('Completed loading of configuration file');
          return reply.type(TEXT).send('');
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          options.logger.error({ err: message }, 'Error reloading config');
          return reply.code(500).type(TEXT).send(`failed to reload config: ${message}\n`);
        }
      },
    });
    onlyPostOrPut('/-/reload');
  }

  const quit = options.quit;
  if (quit) {
    app.route({
      method: ['POST', 'PUT'],
      url: '/-/quit',
      handler: async (_request, reply) => {
        if (!options.lifecycleApi) return disabled(reply);
        await reply.type(TEXT).send('Requesting termination... Goodbye!');
        quit();
        return reply;
      },
    });
    onlyPostOrPut('/-/quit');
  }
}
