import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A reference program from Debian, running on loopback at a port the kernel chose. */
export interface UpstreamProcess {
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * Starts `command` with `--web.listen-address=127.0.0.1:0` and resolves once it logs the
 * address it listens on (Prometheus's exporter-toolkit prints `msg="Listening on" address=…`).
 */
export function startUpstream(
  command: string,
  args: string[] = [],
  timeoutMs = 20_000,
): Promise<UpstreamProcess> {
  const child: ChildProcess = spawn(command, ['--web.listen-address=127.0.0.1:0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} did not report its address in ${timeoutMs} ms:\n${log}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /msg="Listening on" address=(\S+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({ address: match[1]!, stop });
      }
    });
  });
}
