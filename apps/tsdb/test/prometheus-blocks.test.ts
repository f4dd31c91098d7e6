// Our tsdb opens blocks Prometheus wrote (`promtool tsdb create-blocks-from openmetrics`)
// and serves the same series and samples through its API.
import { execFileSync } from 'node:child_process';
import { openSync, readdirSync, readSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTempDir,
  requireProgram,
  startService,
  type TempDir,
  type TestProcess,
} from '@argus/testkit';

const T0_S = Math.floor(Date.now() / 1000 / 7200) * 7200 - 4 * 7200;
const POINTS = 100;

describe('blocks written by promtool 2.42', () => {
  let dir: TempDir;
  let tsdb: TestProcess;
  let base: string;
  let data: string;

  beforeAll(async () => {
    dir = await makeTempDir('tsdb-promtool-blocks');
    const lines = ['# TYPE promtool_written_total counter'];
    for (const job of ['a', 'b']) {
      for (let i = 0; i < POINTS; i++)
        lines.push(`promtool_written_total{job="${job}"} ${i * (job === 'a' ? 1 : 2)} ${T0_S + i * 60}`);
    }
    lines.push('# EOF', '');
    const input = join(dir.path, 'input.om');
    writeFileSync(input, lines.join('\n'));
    data = join(dir.path, 'data');
    execFileSync(requireProgram('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', input, data], {
      stdio: 'pipe',
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    tsdb = await startService(
      'tsdb',
      [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${data}`],
      base,
    );
  }, 60_000);

  afterAll(async () => {
    await tsdb?.stop();
    await dir?.remove();
  });

  it('serves every sample of the blocks', async () => {
    const url = `${base}/api/v1/query_range?query=promtool_written_total&start=${T0_S}&end=${T0_S + (POINTS - 1) * 60}&step=60`;
    const json = (await (await fetch(url)).json()) as {
      data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
    };
    expect(json.data.result.map((s) => s.metric)).toEqual([
      { __name__: 'promtool_written_total', job: 'a' },
      { __name__: 'promtool_written_total', job: 'b' },
    ]);
    for (const s of json.data.result) {
      const factor = s.metric['job'] === 'a' ? 1 : 2;
      expect(s.values).toEqual(Array.from({ length: POINTS }, (_, i) => [T0_S + i * 60, String(i * factor)]));
    }
  });

  it('reports the series through the metadata API', async () => {
    const json = (await (await fetch(`${base}/api/v1/label/job/values?start=${T0_S}`)).json()) as {
      data: string[];
    };
    expect(json.data).toEqual(['a', 'b']);
  });

  it('answers a query over a damaged chunk with an error naming it, and stays up', async () => {
    await tsdb.stop();
    const block = readdirSync(data).find((name) => /^[0-9A-Z]{26}$/.test(name))!;
    const segment = join(data, block, 'chunks', '000001');
    const fd = openSync(segment, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 20);
    byte[0] = byte[0]! ^ 0xff;
    writeSync(fd, byte, 0, 1, 20);
    closeSync(fd);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    tsdb = await startService(
      'tsdb',
      [`--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${data}`],
      base,
    );
    const url = `${base}/api/v1/query_range?query=promtool_written_total&start=${T0_S}&end=${T0_S + (POINTS - 1) * 60}&step=60`;
    const res = await fetch(url);
    const json = (await res.json()) as { status: string; error: string };
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(json.status).toBe('error');
    expect(json.error).toMatch(/checksum|corrupt/i);
    expect((await fetch(`${base}/-/healthy`)).status).toBe(200);
  });
});
