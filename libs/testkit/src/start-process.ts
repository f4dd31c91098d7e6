import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appMain } from './programs.ts';
import { waitFor } from './wait-for.ts';

export interface StartProcessOptions {
  /** Executable path or name on PATH. */
  readonly command: string;
  readonly args?: readonly string[];
  /** Added to (and overriding) the test's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Ready once a GET of this URL answers 2xx. */
  readonly readyUrl?: string;
  /** Ready once a line of stdout or stderr contains this text or matches this pattern. */
  readonly readyLine?: string | RegExp;
  /** Ready once this resolves true (TLS endpoints, NATS pings, anything else); errors count as "not yet". */
  readonly readyCheck?: () => Promise<boolean>;
  /** Give up (and kill the process) after this long; default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Names the process in error messages; defaults to the command's base name. */
  readonly name?: string;
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started process; `stop()` must be called (or `Symbol.asyncDispose` used) in cleanup. */
export interface TestProcess {
  readonly pid: number;
  readonly name: string;
  /** Everything written to stdout and stderr so far, interleaved as received (last 1 MiB). */
  output(): string;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<ProcessExit>;
  /** Resolves with the first output line matching, waiting up to `timeoutMs` (default 10 s). */
  waitForLine(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` (default SIGTERM) to the whole process group, SIGKILL after `graceMs` (default 5 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessExit>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The process could not start or did not become ready; the message carries its output. */
export class ProcessStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n--- output ---\n${tail(output, 8_000)}`);
    this.name = 'ProcessStartError';
  }
}

const MAX_OUTPUT = 1 << 20;
const live = new Set<number>();
let exitHookInstalled = false;

/** Kills every process group still running when the test process exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function matches(line: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line);
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(-max)}`;
}

/**
 * Spawns a program in its own process group, captures its output, and resolves once it
 * is ready: `readyLine` appeared, `readyCheck()` resolved true and `readyUrl` answered 2xx
 * (each when given; with none, once spawned).
 * If it exits or times out first, it is killed and `ProcessStartError` carries the
 * output. `stop()` ends the process and all its children.
 */
export async function startProcess(options: StartProcessOptions): Promise<TestProcess> {
  installExitHook();
  const name = options.name ?? options.command.split('/').pop()!;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child: ChildProcess = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });

  let output = '';
  const lines: string[] = [];
  const lineWaiters = new Set<{ pattern: string | RegExp; resolve: (line: string) => void }>();
  const partial = { stdout: '', stderr: '' };
  const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = tail(output + text, MAX_OUTPUT);
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = parts.pop()!;
    for (const line of parts) {
      if (lines.length < 100_000) lines.push(line);
      for (const waiter of lineWaiters) {
        if (matches(line, waiter.pattern)) {
          lineWaiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData('stdout'));
  child.stderr!.on('data', onData('stderr'));

  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).then((exit) => {
    if (child.pid !== undefined) {
      live.delete(child.pid);
      // Children left behind by a process that ended on its own.
      killGroup(child.pid, 'SIGKILL');
    }
    return exit;
  });

  try {
    await spawned;
  } catch (error) {
    throw new ProcessStartError(
      `${name}: cannot start ${options.command}: ${(error as Error).message}`,
      output,
    );
  }
  const pid = child.pid!;
  live.add(pid);

  const waitForLine = (pattern: string | RegExp, waitMs = 10_000): Promise<string> => {
    const seen = lines.find((line) => matches(line, pattern));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = { pattern, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
      const timer = setTimeout(() => {
        lineWaiters.delete(waiter);
        reject(
          new Error(
            `${name}: no output line matching ${String(pattern)} within ${waitMs} ms\n${tail(output, 4_000)}`,
          ),
        );
      }, waitMs);
      lineWaiters.add(waiter);
      void exited.then(() => {
        if (!lineWaiters.has(waiter)) return;
        lineWaiters.delete(waiter);
        clearTimeout(timer);
        reject(
          new Error(
            `${name}: exited before printing a line matching ${String(pattern)}\n${tail(output, 4_000)}`,
          ),
        );
      });
    });
  };

  let stopping: Promise<ProcessExit> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<ProcessExit> => {
    if (stopping) return stopping;
    if (!live.has(pid)) return (stopping = exited);
    killGroup(pid, signal);
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    stopping = exited.finally(() => clearTimeout(timer));
    return stopping;
  };

  const handle: TestProcess = {
    pid,
    name,
    output: () => output,
    exited,
    waitForLine,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };

  let exitedEarly: ProcessExit | undefined;
  void exited.then((exit) => (exitedEarly = exit));
  try {
    const outcome = await waitFor(
      async (): Promise<'ready' | 'exited' | false> => {
        if (exitedEarly) return 'exited';
        if (options.readyLine !== undefined && !lines.some((line) => matches(line, options.readyLine!)))
          return false;
        if (options.readyCheck !== undefined && !(await options.readyCheck())) return false;
        if (options.readyUrl !== undefined) {
          const res = await fetch(options.readyUrl, { signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          return res.ok && 'ready';
        }
        return 'ready';
      },
      { timeoutMs, intervalMs: 50, description: `${name} to become ready` },
    );
    if (outcome === 'exited') {
      await exited;
      const exit = exitedEarly!;
      throw new Error(`exited with ${exit.signal ?? `code ${exit.code}`} before becoming ready`);
    }
  } catch (error) {
    await stop('SIGKILL');
    throw new ProcessStartError(`${name}: ${(error as Error).message}`, output);
  }
  return handle;
}

export interface StartServiceOptions extends Omit<StartProcessOptions, 'command' | 'args' | 'readyUrl'> {
  /** Path polled for readiness on `baseUrl`; default `/-/ready`. */
  readonly readyPath?: string;
}

/**
 * Starts one of our built services, `node apps/<app>/dist/main.js <args>`, and waits for
 * `<baseUrl><readyPath>`. The caller picks the port (`freePort`) and passes it in `args`.
 */
export function startService(
  app: string,
  args: readonly string[],
  baseUrl: string,
  options: StartServiceOptions = {},
): Promise<TestProcess> {
  return startProcess({
    name: app,
    ...options,
    command: process.execPath,
    args: [appMain(app), ...args],
    readyUrl: `${baseUrl}${options.readyPath ?? '/-/ready'}`,
  });
}
