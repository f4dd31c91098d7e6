import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';
import { appMain, conformancePath, findProgram, repoRoot, requireProgram } from './programs.ts';
import { makeTempDir } from './temp-dir.ts';
import { WaitTimeoutError, waitFor } from './wait-for.ts';

describe('freePort', () => {
  it('returns a port another listener can take', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, '127.0.0.1', resolve),
    );
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('makeTempDir', () => {
  it('creates a directory and removes it with its contents', async () => {
    const dir = await makeTempDir('kit');
    await writeFile(dir.join('a.txt'), 'x');
    expect(existsSync(dir.join('a.txt'))).toBe(true);
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    await dir.remove();
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value, retrying through errors', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls++;
        if (calls === 1) throw new Error('not yet');
        return calls === 3 ? { calls } : null;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('times out naming what it waited for and the last error', async () => {
    const attempt = waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'tsdb to listen' },
    );
    await expect(attempt).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(attempt).rejects.toThrow(
      'timed out after 30 ms waiting for tsdb to listen: connection refused',
    );
  });
});

describe('programs', () => {
  it('finds installed programs and reports missing ones', () => {
    expect(findProgram('argus-no-such-program', 'sh')).toMatch(/\/sh$/);
    expect(findProgram('argus-no-such-program')).toBeUndefined();
    expect(() => requireProgram('argus-no-such-program')).toThrow(
      'none of argus-no-such-program is installed',
    );
  });

  it('locates the repo root, apps and the shared conformance data', () => {
    const root = repoRoot(import.meta.dirname);
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(() => appMain('argus-no-such-app', root)).toThrow('run `pnpm build` first');
    expect(conformancePath('x')).toBe(join(root, '..', 'shared', 'conformance', 'x'));
  });
});
