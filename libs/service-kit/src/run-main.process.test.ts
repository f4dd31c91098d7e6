import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// Runs testdata/demo-main.ts as a real process to prove what runMain promises about signals
// and exit codes (the in-process tests fake the environment instead). It is bundled with
// esbuild the way apps are, which also proves service-kit survives bundling.
let bundleDir: string;
let demo: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'service-kit-demo-'));
  demo = join(bundleDir, 'demo-main.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'testdata', 'demo-main.ts')],
    outfile: demo,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'error',
    alias: { '@argus/model': join(import.meta.dirname, '..', '..', 'model', 'src', 'index.ts') },
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    plugins: [
      {
        // The demo builds no matcher; the native regex module is replaced by a stub that says so.
        name: 'stub-re2',
        setup(b) {
          b.onResolve({ filter: /^re2$/ }, () => ({ path: 're2', namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
            contents:
              'export default class RE2 { constructor() { throw new Error("re2 is stubbed in the demo bundle"); } }',
          }));
        },
      },
    ],
  });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

interface Demo {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  raw: () => string;
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function runDemo(args: string[]): Demo {
  const child = spawn(process.execPath, [demo, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let raw = '';
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    raw += chunk.toString();
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const part of parts) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(part) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.msg === line['msg'])) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    raw: () => raw,
    exit,
    waitForLog(msg) {
      const seen = lines.find((l) => l['msg'] === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exit.then(() => reject(new Error(`exited before logging ${JSON.stringify(msg)}:\n${raw}`)));
      });
    },
  };
}

describe('runMain in a real process', () => {
  it('finishes in-flight requests on SIGTERM, then exits 0; reloads on SIGHUP', async () => {
    const demo = runDemo(['--log.format=json']);
    const listening = await demo.waitForLog('Listening on');
    const url = `http://${String(listening['address'])}`;
    expect((await fetch(`${url}/-/ready`)).status).toBe(200);

    demo.child.kill('SIGHUP');
    await demo.waitForLog('reload hook ran');
    await demo.waitForLog('Completed loading of configuration file');

    const slow = fetch(`${url}/slow`).then((r) => r.text());
    await demo.waitForLog('slow request started');
    demo.child.kill('SIGTERM');
    expect(await slow).toBe('finished after SIGTERM');
    expect(await demo.exit).toBe(0);
    expect(demo.lines.map((l) => l['msg'])).toContain('See you next time!');
  });

  it('exits 1 on an unknown flag, as kingpin programs do', async () => {
    const demo = runDemo(['--bogus']);
    expect(await demo.exit).toBe(1);
    expect(demo.raw()).toBe("demo: error: unknown long flag '--bogus', try --help\n");
  });

  it('prints --help and exits 0', async () => {
    const demo = runDemo(['--help']);
    expect(await demo.exit).toBe(0);
    expect(demo.raw()).toContain('usage: demo [<flags>]');
    expect(demo.raw()).toContain('--web.config.file=""');
  });

  it('exits 1 with a positioned message when the web config is broken', async () => {
    const bad = join(import.meta.dirname, 'testdata', 'rules-unknown-field.yml');
    const demo = runDemo(['--log.format=json', `--web.config.file=${bad}`]);
    expect(await demo.exit).toBe(1);
    const failure = demo.lines.find((l) => l['msg'] === 'Error starting demo')!;
    expect(failure['err']).toBe(`${bad}:1:1: unknown field "groups"`);
  });
});
