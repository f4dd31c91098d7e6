// The standalone runner as a real process: it listens, writes the kubeconfig where
// asked, serves kubectl, and stops on SIGTERM.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTempDir, repoRoot, requireProgram, startProcess, type TempDir } from '@argus/testkit';
import { runKubectl } from './kubectl.ts';

let dir: TempDir;

beforeAll(async () => {
  requireProgram('kubectl');
  dir = await makeTempDir('kube-main');
});

afterAll(async () => {
  await dir?.remove();
});

it('serves kubectl through the kubeconfig it was told to write', async () => {
  const kubeconfig = dir.join('kubeconfig');
  const proc = await startProcess({
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      join(import.meta.dirname, 'main.ts'),
      '--port',
      '0',
      '--kubeconfig',
      kubeconfig,
    ],
    cwd: repoRoot(),
    readyLine: /listening on http:\/\/127\.0\.0\.1:\d+ kubeconfig /,
    timeoutMs: 60_000,
  });
  try {
    const got = await runKubectl(kubeconfig, ['get', 'namespaces', '-o', 'name'], {
      cacheDir: dir.join('cache'),
    });
    expect(got.stdout.trim().split('\n')).toEqual([
      'namespace/default',
      'namespace/kube-node-lease',
      'namespace/kube-public',
      'namespace/kube-system',
    ]);
  } finally {
    expect((await proc.stop()).code).toBe(0);
  }
}, 90_000);
