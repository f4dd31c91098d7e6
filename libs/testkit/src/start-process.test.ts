import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';
import { findProgram } from './programs.ts';
import { ProcessStartError, startProcess } from './start-process.ts';
import type { TestProcess } from './start-process.ts';
import { makeTempDir } from './temp-dir.ts';
import { waitFor } from './wait-for.ts';

const started: TestProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop('SIGKILL')));
});

async function start(...args: Parameters<typeof startProcess>) {
  const p = await startProcess(...args);
  started.push(p);
  return p;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const node = process.execPath;

describe('startProcess', () => {
  it('waits for a ready line and captures output', async () => {
    const p = await start({
      command: node,
      args: [
        '-e',
        'console.error("warming up"); setTimeout(() => console.log("ready to serve"), 100); setInterval(() => {}, 1000)',
      ],
      readyLine: /ready to \w+/,
    });
    expect(p.output()).toContain('warming up');
    expect(p.output()).toContain('ready to serve');
    expect(await p.waitForLine('warming')).toBe('warming up');
    expect(await p.stop()).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('waits for a ready URL', async () => {
    const port = await freePort();
    const script = `
      let ready = false;
      setTimeout(() => (ready = true), 200);
      require('node:http').createServer((q, s) => { s.statusCode = ready ? 200 : 503; s.end(); }).listen(${port}, '127.0.0.1');`;
    const p = await start({ command: node, args: ['-e', script], readyUrl: `http://127.0.0.1:${port}/` });
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    await p.stop();
  });

  it('waits for a custom readiness check', async () => {
    let checks = 0;
    const p = await start({
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      readyCheck: async () => {
        checks++;
        if (checks === 1) throw new Error('not yet');
        return checks >= 3;
      },
    });
    expect(checks).toBe(3);
    await p.stop();
  });

  it('passes env and cwd', async () => {
    await using dir = await makeTempDir('cwd');
    const p = await start({
      command: node,
      // Stays up briefly after the line: an exit racing the readiness check is another test's case.
      args: ['-e', 'console.log(process.env.ARGUS_X + " " + process.cwd()); setTimeout(() => {}, 500)'],
      env: { ARGUS_X: 'hello' },
      cwd: dir.path,
      readyLine: 'hello',
    });
    expect(await p.waitForLine('hello')).toContain(dir.path.split('/').pop());
    await p.exited;
  });

  it('reports an early exit with the output', async () => {
    const attempt = startProcess({
      command: node,
      args: ['-e', 'console.error("bad flag --x"); process.exit(3)'],
      readyLine: 'never',
      name: 'broken',
    });
    await expect(attempt).rejects.toBeInstanceOf(ProcessStartError);
    await expect(attempt).rejects.toThrow(
      /broken: exited with code 3 before becoming ready\n--- output ---\nbad flag --x/,
    );
  });

  it('reports a timeout, with the output, and kills the process', async () => {
    const marker = `argus-timeout-${process.pid}-${Date.now()}`;
    // sh prints at once, well inside the timeout, even on a loaded machine
    const attempt = startProcess({
      command: 'sh',
      args: ['-c', `echo ${marker}; exec sleep 300`],
      readyLine: 'never',
      timeoutMs: 3_000,
    });
    const error = (await attempt.catch((e: unknown) => e)) as ProcessStartError;
    expect(error).toBeInstanceOf(ProcessStartError);
    expect(error.message).toMatch(/timed out after 3000 ms waiting for sh to become ready/);
    expect(error.output).toContain(marker);
  });

  it('reports a command that does not exist', async () => {
    await expect(startProcess({ command: '/nonexistent/argus-program' })).rejects.toThrow(
      /cannot start \/nonexistent\/argus-program: spawn .* ENOENT/,
    );
  });

  it('kills the children of the process too', async () => {
    await using dir = await makeTempDir('children');
    const pidFile = dir.join('child.pid');
    const p = await start({
      command: 'sh',
      args: ['-c', `sleep 300 & echo $! > ${pidFile}; echo started; wait`],
      readyLine: 'started',
    });
    const pidText = await waitFor(async () =>
      existsSync(pidFile) ? (await readFile(pidFile, 'utf8')).trim() : '',
    );
    const childPid = Number(pidText);
    expect(alive(childPid)).toBe(true);
    await p.stop();
    await waitFor(() => !alive(childPid), { description: 'the child to die' });
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const p = await start({
      command: node,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'],
      readyLine: 'up',
    });
    expect(await p.stop('SIGTERM', 200)).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('fails waitForLine when the process ends without the line', async () => {
    const p = await start({ command: node, args: ['-e', 'console.log("one")'] });
    await expect(p.waitForLine('two')).rejects.toThrow(/exited before printing a line matching two/);
  });

  it.skipIf(findProgram('prometheus-node-exporter') === undefined)(
    'runs a Debian program until ready',
    async () => {
      await using dir = await makeTempDir('node-exporter');
      await writeFile(dir.join('empty'), '');
      const port = await freePort();
      const p = await start({
        command: findProgram('prometheus-node-exporter')!,
        args: [
          `--web.listen-address=127.0.0.1:${port}`,
          '--collector.disable-defaults',
          '--collector.loadavg',
        ],
        readyUrl: `http://127.0.0.1:${port}/metrics`,
      });
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('node_load1');
      expect(await p.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    },
  );
});
