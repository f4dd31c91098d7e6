import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, STALE_NAN } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { Head } from '../head/head.ts';
import { openTsdb } from '../tsdb.ts';
import { replayWal } from './replay.ts';

// WAL compatibility with Debian's Prometheus 2.42 both ways: `promtool tsdb dump`
// replays our WAL into its head, and we replay a WAL written by `prometheus`.
const promtool = '/usr/bin/promtool';
const prometheus = '/usr/bin/prometheus';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'argus-walcompat-'));
  dirs.push(d);
  return d;
}

/** `promtool tsdb dump` lines as [labels, t, value] with values normalised through Number. */
function promtoolDump(dir: string): string[] {
  const out = execFileSync(promtool, ['tsdb', 'dump', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const parts = l.split(' ');
      const t = parts.pop()!;
      const v = parts.pop()!;
      return `${parts.join(' ')} ${t} ${String(Number(v))}`;
    })
    .sort();
}

async function ourDump(head: Head): Promise<string[]> {
  const q = await head.querier(-Infinity, Infinity);
  const out: string[] = [];
  for (const s of await q.select([Matcher.regex('__name__', '.+')])) {
    const b = s.samples(-Infinity, Infinity);
    for (let i = 0; i < b.length; i++)
      out.push(`${s.labels.toString()} ${b.timestamps[i]} ${String(b.values[i])}`);
  }
  return out.sort();
}

describe.runIf(existsSync(promtool))('WAL read by promtool', () => {
  it.each([{ compression: true }, { compression: false }])(
    'promtool tsdb dump replays our WAL (compression $compression)',
    async ({ compression }) => {
      const dir = tmp();
      const db = await openTsdb(dir, { walCompression: compression });
      const app = db.appender();
      const t0 = 1_700_000_000_000;
      for (let t = t0; t < t0 + 3_600_000; t += 15_000) {
        for (let i = 0; i < 4; i++) {
          const v = i === 3 && t > t0 + 3_000_000 ? STALE_NAN : i === 2 ? Math.sin(t) * 1e6 : t / 1000 + i;
          app.append(0, Labels.of('__name__', 'm', 'i', String(i), 'job', 'nöde'), t, v);
        }
      }
      await app.commit();
      await db.close();
      const theirs = promtoolDump(dir);
      expect(theirs.length).toBe(4 * 240);
      expect(theirs).toEqual(await ourDump(db.head));
    },
  );
});

describe.runIf(existsSync(promtool) && existsSync(prometheus))('WAL written by prometheus', () => {
  it('replays a (snappy-compressed) WAL written by Prometheus 2.42 to what promtool dumps', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'prom.yml'),
      "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: dead\n    static_configs:\n      - targets: ['127.0.0.1:1', '127.0.0.1:2']\n",
    );
    const data = join(dir, 'data');
    const child = spawn(
      prometheus,
      [
        `--config.file=${join(dir, 'prom.yml')}`,
        `--storage.tsdb.path=${data}`,
        '--web.listen-address=127.0.0.1:0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      // The port comes from the log; then wait until each target was scraped 3 times
      // (Prometheus keeps the WAL's last page in memory until shutdown).
      const port = await new Promise<string>((resolve, reject) => {
        let log = '';
        child.stderr!.on('data', (d: Buffer) => {
          log += d.toString();
          const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`prometheus exited: ${log}`)));
      });
      const query = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('min(count_over_time(up[1m]))')}`;
      for (let i = 0; i < 300; i++) {
        const body = (await (await fetch(query)).json()) as {
          data?: { result?: { value: [number, string] }[] };
        };
        if (Number(body.data?.result?.[0]?.value[1] ?? 0) >= 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const head = new Head();
    const report = replayWal(join(data, 'wal'), head);
    expect(report.repaired).toBeUndefined();
    const theirs = promtoolDump(data);
    expect(theirs.length).toBeGreaterThan(10);
    expect(await ourDump(head)).toEqual(theirs);
  }, 60_000);
});
