import { describe, expect, it } from 'vitest';
import { logFlags, webFlags } from './common-flags.ts';
import { FLAG_ERROR_EXIT_CODE, runMain } from './run-main.ts';
import type { MainEnvironment } from './run-main.ts';
import { createService } from './service.ts';
import type { Service } from './service.ts';
import { defineFlags } from './flags.ts';

const flags = defineFlags({ ...logFlags, ...webFlags('127.0.0.1:0') });

function fakeEnv(argv: string[]) {
  const out = { stdout: '', stderr: '', logs: [] as string[], exits: [] as number[] };
  const handlers = new Map<string, () => void>();
  let fatal: ((error: unknown) => void) | undefined;
  let exited!: (code: number) => void;
  const exit = new Promise<number>((r) => (exited = r));
  const env: MainEnvironment = {
    argv,
    writeStdout: (t) => void (out.stdout += t),
    writeStderr: (t) => void (out.stderr += t),
    exit: (code) => {
      out.exits.push(code);
      exited(code);
    },
    onSignal: (signal, handler) => void handlers.set(signal, handler),
    onFatal: (handler) => void (fatal = handler),
    logSink: { write: (line) => void out.logs.push(line) },
  };
  return { env, out, handlers, exit, crash: (error: unknown) => fatal!(error) };
}

describe('runMain', () => {
  it('prints a flag error kingpin-style and exits with the flag error code', async () => {
    const { env, out } = fakeEnv(['--bogus']);
    await runMain({ program: 'test_exporter', version: '1.0.0', flags, env, create: () => unreachable() });
    expect(out.stderr).toBe("test_exporter: error: unknown long flag '--bogus', try --help\n");
    expect(out.exits).toEqual([FLAG_ERROR_EXIT_CODE]);
  });

  it('prints help and version on stdout and exits 0', async () => {
    const help = fakeEnv(['--help']);
    await runMain({
      program: 'test_exporter',
      version: '1.0.0',
      flags,
      env: help.env,
      create: () => unreachable(),
    });
    expect(help.out.stdout).toContain('--web.listen-address="127.0.0.1:0"');
    expect(help.out.stdout).toContain('--log.format=logfmt');
    expect(help.out.exits).toEqual([0]);
    const version = fakeEnv(['--version']);
    await runMain({
      program: 'test_exporter',
      version: '1.0.0',
      flags,
      env: version.env,
      create: () => unreachable(),
    });
    expect(version.out.stdout).toMatch(
      /^test_exporter, version 1\.0\.0 \(branch: unknown, revision: unknown\)\n  go version: +node\d/,
    );
    expect(version.out.exits).toEqual([0]);
  });

  it('starts the service with parsed flags, reloads on SIGHUP, stops on SIGTERM with exit 0', async () => {
    const { env, out, handlers, exit } = fakeEnv(['--log.format=json', '--log.level=debug']);
    let reloads = 0;
    let seen: unknown;
    const service = (await runMain({
      program: 'test_exporter',
      version: '1.0.0',
      flags,
      env,
      create: (parsed, logger) => {
        seen = parsed;
        return createService({
          displayName: 'Test',
          logger,
          listenAddress: parsed['web.listen-address'],
          reload: () => void reloads++,
        });
      },
    })) as Service;
    expect(seen).toMatchObject({
      'log.format': 'json',
      'log.level': 'debug',
      'web.listen-address': '127.0.0.1:0',
    });
    expect((await fetch(`${service.address.url}/-/ready`)).status).toBe(200);
    handlers.get('SIGHUP')!();
    await service.reload();
    expect(reloads).toBe(2);
    handlers.get('SIGTERM')!();
    expect(await exit).toBe(0);
    expect(() => service.address).toThrow();
    const messages = out.logs.map((l) => JSON.parse(l).msg as string);
    expect(messages).toContain('Received termination request, exiting gracefully...');
  });

  it('stops and exits 0 when /-/quit is called', async () => {
    const { env, exit } = fakeEnv([]);
    const service = (await runMain({
      program: 'test_exporter',
      version: '1.0.0',
      flags,
      env,
      create: (parsed, logger) =>
        createService({
          displayName: 'T',
          logger,
          listenAddress: parsed['web.listen-address'],
          quitEndpoint: true,
        }),
    })) as Service;
    expect((await fetch(`${service.address.url}/-/quit`, { method: 'POST' })).status).toBe(200);
    expect(await exit).toBe(0);
    expect(() => service.address).toThrow();
  });

  it('logs a start failure without a stack trace and exits 1', async () => {
    const { env, out, exit } = fakeEnv(['--log.format=json']);
    await runMain({
      program: 'test_exporter',
      version: '1.0.0',
      flags,
      env,
      create: (parsed, logger) =>
        createService({ displayName: 'T', logger, listenAddress: `${parsed['web.listen-address']}x` }),
    });
    expect(await exit).toBe(1);
    const last = JSON.parse(out.logs.at(-1)!);
    expect(last.msg).toBe('Error starting test_exporter');
    expect(last.err).toBe('listen address "127.0.0.1:0x": invalid port "0x"');
  });

  it('logs a crash through the redacting logger and exits 1', async () => {
    const { env, out, exit, crash } = fakeEnv(['--log.format=json']);
    const service = (await runMain({
      program: 'test_exporter',
      version: '1.0.0',
      flags,
      env,
      create: (parsed, logger) =>
        createService({ displayName: 'T', logger, listenAddress: parsed['web.listen-address'] }),
    })) as Service;
    crash(new Error('push to https://u:hunter2@example.com failed'));
    expect(await exit).toBe(1);
    const last = JSON.parse(out.logs.at(-1)!);
    expect(last.msg).toBe('Fatal error');
    expect(JSON.stringify(last)).not.toContain('hunter2');
    await service.stop();
  });
});

function unreachable(): never {
  throw new Error('create must not be called');
}
