// `alerting-driver teams [prom2teams flags]`: flags, config, logger, service, signals.
import { appendFileSync } from 'node:fs';
import { createLogger } from '@argus/service-kit';
import type { LogSink } from '@argus/service-kit';
import { loadTeamsConfig } from './teams-config.ts';
import { TeamsFlagError, parseTeamsFlags, teamsHelp } from './teams-flags.ts';
import { createTeamsService } from './teams-service.ts';

/** Runs the prom2teams-compatible driver until SIGTERM/SIGINT; SIGHUP re-reads config and template. */
export async function runTeams(argv: readonly string[]): Promise<void> {
  let flags;
  try {
    flags = parseTeamsFlags(argv);
  } catch (error) {
    if (!(error instanceof TeamsFlagError)) throw error;
    process.stderr.write(`${teamsHelp().split('\n')[0]}\nalerting-driver teams: error: ${error.message}\n`);
    process.exit(2); // argparse's exit status
  }
  if (flags.help === true) {
    process.stdout.write(teamsHelp());
    process.exit(0);
  }
  const load = () => loadTeamsConfig(flags, process.env);
  let config;
  try {
    config = load();
  } catch (error) {
    process.stderr.write(`alerting-driver teams: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const sink = config.logFilePath === undefined ? undefined : fileSink(config.logFilePath);
  const logger = createLogger({ level: config.logLevel, format: 'logfmt', ...(sink ? { sink } : {}) });

  let service;
  try {
    service = createTeamsService({ config, logger, reloadConfig: load });
    await service.start();
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'Error starting prom2teams');
    process.exit(1);
  }
  logger.info(
    { address: service.address.url, connectors: [...config.connectors.keys()] },
    'prom2teams listening',
  );

  let stopping = false;
  const stop = (signal: string) => () => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'Shutting down');
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop('SIGTERM'));
  process.on('SIGINT', stop('SIGINT'));
  process.on('SIGHUP', () => {
    service.reload().then(
      () => logger.info('Configuration reloaded'),
      (error: unknown) =>
        logger.error({ err: (error as Error).message }, 'Reload failed, keeping the old configuration'),
    );
  });
}

/**
 * Appends log lines to `path`. If the file cannot be written (a read-only container path taken
 * from a shared config.ini), lines go to standard error instead, after one line saying why.
 */
function fileSink(path: string): LogSink {
  let failed = false;
  return {
    write(line) {
      if (!failed) {
        try {
          appendFileSync(path, line);
          return;
        } catch (error) {
          failed = true;
          process.stderr.write(
            `alerting-driver teams: cannot write log file ${path} (${(error as NodeJS.ErrnoException).code}), logging to stderr\n`,
          );
        }
      }
      process.stderr.write(line);
    },
  };
}
