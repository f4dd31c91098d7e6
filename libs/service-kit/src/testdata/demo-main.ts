// A minimal service main used by run-main.process.test.ts: flags, runMain, one slow route
// that answers only after the process received SIGTERM (so a request is in flight when
// shutdown starts).
import { createService, defineFlags, logFlags, runMain, webFlags } from '../index.ts';

const terminated = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));

await runMain({
  program: 'demo',
  version: '9.9.9',
  flags: defineFlags({ ...webFlags('127.0.0.1:0'), ...logFlags }),
  create: (flags, logger) =>
    createService({
      displayName: 'Demo',
      logger,
      listenAddress: flags['web.listen-address'],
      webConfigFile: flags['web.config.file'],
      routes: (app) => {
        app.get('/slow', async () => {
          logger.info('slow request started');
          await terminated;
          return 'finished after SIGTERM';
        });
      },
      reload: () => logger.info('reload hook ran'),
    }),
});
