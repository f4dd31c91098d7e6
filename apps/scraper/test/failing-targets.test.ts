// Targets that go bad after being healthy: one hangs past scrape_timeout, one returns
// garbage, one returns 10 MB over body_size_limit, one process is killed (connection
// refused). Each must show `up 0` with a clear lastError in /api/v1/targets (asked through
// tsdb), its series must go stale in tsdb (an instant query no longer finds them although
// the 5m lookback would), and a healthy target in the same job must stay unaffected.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, startProcess, startService, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';

let dir: TempDir;
let server: Server;
let victim: TestProcess;
let tsdb: TestProcess;
let scraper: TestProcess;
let tsdbUrl: string;
let addr: string;
let victimAddr: string;
/** Flipped once everything has been scraped healthy. */
let broken = false;
const BIG = Buffer.alloc(11 * 1024 * 1024, 'x');

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${tsdbUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (
    (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
  ).data.result;
}

interface ActiveTarget {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

async function targetsByName(): Promise<Record<string, ActiveTarget>> {
  const res = await fetch(`${tsdbUrl}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data: { activeTargets: ActiveTarget[] } };
  return Object.fromEntries(body.data.activeTargets.map((t) => [t.labels.name!, t]));
}

beforeAll(async () => {
  dir = await makeTempDir('scraper-failing');
  server = createServer((req, res) => {
    const name = req.url!.slice(1);
    if (!broken || name === 'ok') {
      res.end(`# TYPE m_${name} gauge\nm_${name}{kind="a"} 1\nm_${name}{kind="b"} 2\n`);
      return;
    }
    if (name === 'hang') return; // never answers
    if (name === 'garbage') res.end('this is { not "metrics\n');
    else if (name === 'big') res.end(BIG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  addr = `127.0.0.1:${(server.address() as { port: number }).port}`;
  // A separate process serving metrics, to be killed with SIGKILL.
  const victimPort = await freePort();
  victimAddr = `127.0.0.1:${victimPort}`;
  victim = await startProcess({
    name: 'victim',
    command: process.execPath,
    args: [
      '-e',
      `require('node:http').createServer((q, s) => s.end('m_gone{kind="a"} 1\\n')).listen(${victimPort}, '127.0.0.1', () => console.log('listening'))`,
    ],
    readyLine: 'listening',
  });
  const tsdbPort = await freePort();
  tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
  const scraperPort = await freePort();
  const scraperUrl = `http://127.0.0.1:${scraperPort}`;
  tsdb = await startService(
    'tsdb',
    [
      `--web.listen-address=127.0.0.1:${tsdbPort}`,
      `--storage.tsdb.path=${dir.join('tsdb')}`,
      `--scraper.url=${scraperUrl}`,
    ],
    tsdbUrl,
  );
  const target = (name: string, address = addr) =>
    `      - targets: ['${address}']\n        labels: { name: ${name}, __metrics_path__: /${name} }\n`;
  await writeFile(
    dir.join('prometheus.yml'),
    `scrape_configs:
  - job_name: flaky
    scrape_interval: 1s
    scrape_timeout: 500ms
    body_size_limit: 1MB
    static_configs:
${['ok', 'hang', 'garbage', 'big'].map((n) => target(n)).join('')}${target('gone', victimAddr)}
remote_write:
  - url: ${tsdbUrl}/api/v1/write
    queue_config: { batch_send_deadline: 100ms }
`,
  );
  scraper = await startService(
    'scraper',
    [
      `--config.file=${dir.join('prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${scraperPort}`,
      `--storage.path=${dir.join('scraper')}`,
    ],
    scraperUrl,
  );
}, 30_000);

afterAll(async () => {
  await scraper?.stop();
  await Promise.all([tsdb?.stop(), victim?.stop()]);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await dir?.remove();
});

describe('targets that hang, return garbage, exceed body_size_limit or vanish', () => {
  it('are up 0 with a clear lastError, their series go stale, the healthy one is untouched', async () => {
    await waitFor(async () => (await query('up == 1')).length === 5, {
      timeoutMs: 15_000,
      description: 'all up',
    });
    await waitFor(async () => (await query('{__name__=~"m_.+"}')).length === 9, {
      timeoutMs: 10_000,
      description: 'all series in tsdb',
    });
    broken = true;
    await victim.stop('SIGKILL');

    await waitFor(async () => (await query('up == 0')).length === 4, {
      timeoutMs: 15_000,
      description: 'four down',
    });
    const t = await targetsByName();
    expect(t.ok).toMatchObject({ health: 'up', lastError: '' });
    expect(t.hang).toMatchObject({ health: 'down' });
    expect(t.hang!.lastError).toMatch(/^Get ".*": context deadline exceeded$/);
    expect(t.garbage).toMatchObject({ health: 'down' });
    expect(t.garbage!.lastError).not.toBe('');
    expect(t.big).toMatchObject({ health: 'down', lastError: 'body size limit exceeded' });
    expect(t.gone).toMatchObject({ health: 'down' });
    expect(t.gone!.lastError).toMatch(/refused/i);
    expect(t.gone!.lastError).toContain(victimAddr);

    // Stale markers: the series of the failing targets are gone from instant queries at
    // once, not after the 5m lookback, although their samples of the last minute are there.
    await waitFor(async () => (await query('{__name__=~"m_.+"}')).length === 2, {
      timeoutMs: 10_000,
      description: 'only m_ok left',
    });
    expect((await query('{__name__=~"m_.+"}')).map((r) => r.metric.__name__)).toEqual(['m_ok', 'm_ok']);
    const raw = await fetch(
      `${tsdbUrl}/api/v1/query?query=${encodeURIComponent('m_gone[1m]')}&time=${Date.now() / 1000}`,
    );
    expect(((await raw.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(1);
    // The healthy target keeps being scraped.
    const before = Number((await query('timestamp(up{name="ok"})'))[0]!.value[1]);
    await waitFor(async () => Number((await query('timestamp(up{name="ok"})'))[0]!.value[1]) > before, {
      timeoutMs: 5_000,
      description: 'ok scraped again',
    });
    expect((await query('up{name="ok"}'))[0]!.value[1]).toBe('1');
  }, 60_000);
});
