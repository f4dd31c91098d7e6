import { writeFile } from 'node:fs/promises';
import { freePort } from './free-port.ts';
import { requireProgram } from './programs.ts';
import { startProcess } from './start-process.ts';
import type { TestProcess } from './start-process.ts';
import { makeTempDir } from './temp-dir.ts';
import type { TempDir } from './temp-dir.ts';

/** A reference program running on loopback with its own temp dir. */
export interface RunningProgram {
  /** `http://127.0.0.1:<port>` (`nats://…` for nats-server). */
  readonly url: string;
  readonly port: number;
  /** Holds its config and data; removed by `stop()`. */
  readonly dir: TempDir;
  readonly process: TestProcess;
  /** Stops the program (SIGTERM, then SIGKILL) and removes its temp dir. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ReferenceOptions {
  /** Extra command-line flags, appended after the ones the helper sets. */
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
}

async function run(
  name: string,
  command: string,
  args: (port: number, dir: TempDir) => Promise<string[]> | string[],
  ready: (port: number) => { readyUrl?: string; readyLine?: string | RegExp },
  options: ReferenceOptions,
  scheme = 'http',
): Promise<RunningProgram> {
  const dir = await makeTempDir(name);
  try {
    const port = await freePort();
    const child = await startProcess({
      name,
      command,
      args: [...(await args(port, dir)), ...(options.args ?? [])],
      cwd: dir.path,
      ...ready(port),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const stop = async () => {
      await child.stop();
      await dir.remove();
    };
    return {
      url: `${scheme}://127.0.0.1:${port}`,
      port,
      dir,
      process: child,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

/**
 * Debian's Prometheus 2.x with `config` (prometheus.yml text) written to its temp dir,
 * storage in it, `--web.enable-lifecycle` and `--web.enable-admin-api`; ready at `/-/ready`.
 */
export function startPrometheus(config: string, options: ReferenceOptions = {}): Promise<RunningProgram> {
  return run(
    'prometheus',
    requireProgram('prometheus'),
    async (port, dir) => {
      await writeFile(dir.join('prometheus.yml'), config);
      return [
        `--config.file=${dir.join('prometheus.yml')}`,
        `--storage.tsdb.path=${dir.join('data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--web.enable-admin-api',
      ];
    },
    (port) => ({ readyUrl: `http://127.0.0.1:${port}/-/ready` }),
    options,
  );
}

/**
 * Debian's Alertmanager with `config` (alertmanager.yml text), clustering off and storage
 * in its temp dir; ready at `/-/ready`.
 */
export function startAlertmanager(config: string, options: ReferenceOptions = {}): Promise<RunningProgram> {
  return run(
    'alertmanager',
    requireProgram('alertmanager', 'prometheus-alertmanager'),
    async (port, dir) => {
      await writeFile(dir.join('alertmanager.yml'), config);
      return [
        `--config.file=${dir.join('alertmanager.yml')}`,
        `--storage.path=${dir.join('data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ];
    },
    (port) => ({ readyUrl: `http://127.0.0.1:${port}/-/ready` }),
    options,
  );
}

/** Debian's Pushgateway without persistence; ready at `/-/ready`. */
export function startPushgateway(options: ReferenceOptions = {}): Promise<RunningProgram> {
  return run(
    'pushgateway',
    requireProgram('pushgateway', 'prometheus-pushgateway'),
    (port) => [`--web.listen-address=127.0.0.1:${port}`],
    (port) => ({ readyUrl: `http://127.0.0.1:${port}/-/ready` }),
    options,
  );
}

/** Debian's node_exporter (`args` pick collectors and paths); ready when `/metrics` answers. */
export function startNodeExporter(options: ReferenceOptions = {}): Promise<RunningProgram> {
  return run(
    'node_exporter',
    requireProgram('node_exporter', 'prometheus-node-exporter'),
    (port) => [`--web.listen-address=127.0.0.1:${port}`],
    (port) => ({ readyUrl: `http://127.0.0.1:${port}/metrics` }),
    options,
  );
}

/** nats-server on loopback, with JetStream storing in the temp dir unless `jetstream: false`. */
export function startNatsServer(
  options: ReferenceOptions & { readonly jetstream?: boolean } = {},
): Promise<RunningProgram> {
  return run(
    'nats-server',
    requireProgram('nats-server'),
    (port, dir) => [
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      ...(options.jetstream === false ? [] : ['-js', '-sd', dir.join('jetstream')]),
    ],
    () => ({ readyLine: 'Server is ready' }),
    options,
    'nats',
  );
}
