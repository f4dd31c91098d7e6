import { writeSync } from 'node:fs';
import { FlagError, ServiceKitError } from './errors.ts';
import { formatHelp, parseFlags } from './flags.ts';
import type { FlagSpecs, ParsedFlags } from './flags.ts';
import { createLogger } from './logger.ts';
import type { LogFormat, LogLevel, Logger, LogSink } from './logger.ts';
import type { BuildInfo } from './self-metrics.ts';
import type { Service } from './service.ts';

/**
 * Exit status for a command line that does not parse. Debian's node_exporter 1.5 and
 * Prometheus 2.42 (kingpin) exit with 1 here, so Argus does too.
 */
export const FLAG_ERROR_EXIT_CODE = 1;

/** What `main` touches outside itself; tests pass fakes, the default is the real process. */
export interface MainEnvironment {
  readonly argv: readonly string[];
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  exit(code: number): void;
  onSignal(signal: 'SIGTERM' | 'SIGINT' | 'SIGHUP', handler: () => void): void;
  /** Registers the handler for an uncaught exception or unhandled rejection. */
  onFatal(handler: (error: unknown) => void): void;
  /** Log lines go here; standard error when omitted. */
  readonly logSink?: LogSink;
}

export interface MainOptions<S extends FlagSpecs> {
  /** Program name as printed by `--help`, `--version` and flag errors (`node_exporter`). */
  readonly program: string;
  /** A version string, or version, revision and branch as `<ns>_build_info` reports them. */
  readonly version: string | BuildInfo;
  readonly flags: S;
  /** Builds the service from parsed flags; throwing here (bad config) exits with 1. */
  create(flags: ParsedFlags<S>, logger: Logger): Service | Promise<Service>;
  readonly env?: MainEnvironment;
}

const processEnvironment = (): MainEnvironment => ({
  argv: process.argv.slice(2),
  writeStdout: (text) => writeSync(1, text),
  writeStderr: (text) => writeSync(2, text),
  exit: (code) => process.exit(code),
  onSignal: (signal, handler) => process.on(signal, handler),
  onFatal: (handler) => {
    process.on('uncaughtException', handler);
    process.on('unhandledRejection', handler);
  },
});

/**
 * The whole `main` of a service: parses flags (printing help, version or a flag error as
 * kingpin does), creates the logger from `--log.level`/`--log.format`, builds and starts the
 * service, stops it gracefully on SIGTERM/SIGINT or `/-/quit` (exit 0) and reloads it on SIGHUP.
 * Resolves once the service is running, with the service; exits 1 if it cannot start.
 */
export async function runMain<S extends FlagSpecs>(options: MainOptions<S>): Promise<Service | undefined> {
  const env = options.env ?? processEnvironment();
  let parsed;
  try {
    parsed = parseFlags(options.flags, env.argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    env.writeStderr(`${options.program}: error: ${error.message}, try --help\n`);
    env.exit(FLAG_ERROR_EXIT_CODE);
    return undefined;
  }
  if (parsed.kind === 'help') {
    env.writeStdout(formatHelp(options.program, options.flags));
    env.exit(0);
    return undefined;
  }
  if (parsed.kind === 'version') {
    env.writeStdout(formatVersion(options.program, options.version));
    env.exit(0);
    return undefined;
  }
  const flags = parsed.flags;
  const logOptions = flags as Partial<Record<'log.level' | 'log.format', string>>;
  const logger = createLogger({
    level: (logOptions['log.level'] ?? 'info') as LogLevel,
    format: (logOptions['log.format'] ?? 'logfmt') as LogFormat,
    ...(env.logSink ? { sink: env.logSink } : {}),
  });

  // A crash is logged through the redacting logger (an error text may carry a URL with a
  // password), then the process exits 1 as it would have.
  env.onFatal((error) => {
    logger.error({ err: error }, 'Fatal error');
    env.exit(1);
  });

  let service: Service;
  try {
    const info = typeof options.version === 'string' ? { version: options.version } : options.version;
    logger.info({ version: info.version, revision: info.revision }, `Starting ${options.program}`);
    service = await options.create(flags, logger);
    await service.start();
  } catch (error) {
    logger.error({ err: userFacing(error) }, `Error starting ${options.program}`);
    env.exit(1);
    return undefined;
  }

  let shuttingDown = false;
  const shutdown = (signal: string) => () => {
    if (shuttingDown) {
      logger.warn({ signal }, 'Received second signal, exiting immediately');
      env.exit(1);
      return;
    }
    shuttingDown = true;
    logger.warn({ signal }, 'Received termination request, exiting gracefully...');
    service.stop().then(
      () => {
        logger.info('See you next time!');
        env.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'Error during shutdown');
        env.exit(1);
      },
    );
  };
  void service.terminationRequested.then(shutdown('/-/quit'));
  env.onSignal('SIGTERM', shutdown('SIGTERM'));
  env.onSignal('SIGINT', shutdown('SIGINT'));
  env.onSignal('SIGHUP', () => {
    service.reload().then(
      () => logger.info('Completed loading of configuration file'),
      (error: unknown) => logger.error({ err: userFacing(error) }, 'Error reloading config'),
    );
  });
  return service;
}

/**
 * `--version` in the layout of Prometheus programs (`node_exporter, version 1.5.0 (branch: …,
 * revision: …)` then indented build details); `go version` names the Node.js runtime.
 */
export function formatVersion(program: string, version: string | BuildInfo): string {
  const info = typeof version === 'string' ? { version } : version;
  return [
    `${program}, version ${info.version} (branch: ${info.branch ?? 'unknown'}, revision: ${info.revision ?? 'unknown'})`,
    `  go version:       node${process.versions.node}`,
    `  platform:         ${process.platform}/${process.arch}`,
    '',
  ].join('\n');
}

/** Errors of our own carry a message meant for users: log that, not a stack trace. */
function userFacing(error: unknown): unknown {
  return error instanceof ServiceKitError ? error.message : error;
}
