/**
 * Runs the machine's `kubectl` against a test API server with its kubeconfig and a
 * discovery cache of its own, never ~/.kube.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's standard input (for `-f -`). */
  input?: string;
  /**
   * Discovery/HTTP cache directory; by default `.kubectl-cache` beside the kubeconfig
   * (for a test server: its temporary directory, removed by `stop()`). kubectl
   * re-discovers when a kind is missing from its cache, but a cache that still lists a
   * deleted CRD's resource makes kubectl report NotFound instead of an unknown type.
   */
  cacheDir?: string;
  /** kubectl binary; `$KUBECTL` or `kubectl` on PATH by default. */
  kubectl?: string;
  timeoutMs?: number;
}

/** Runs `kubectl <args>` with `--kubeconfig`; resolves with the exit code and output (never rejects on a non-zero exit). */
export function runKubectl(
  kubeconfigPath: string,
  args: string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  const cacheDir = options.cacheDir ?? join(dirname(kubeconfigPath), '.kubectl-cache');
  const bin = options.kubectl ?? process.env['KUBECTL'] ?? 'kubectl';
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      [`--kubeconfig=${kubeconfigPath}`, `--cache-dir=${cacheDir}`, ...args],
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, KUBECONFIG: kubeconfigPath },
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`kubectl ${args.join(' ')} could not run: ${err.message}`, { cause: err }));
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
