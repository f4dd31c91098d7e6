// Interoperability with Debian's Prometheus 2.42: it sends remote write to us, and it
// receives what we encode.
import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, requireProgram, startProcess, waitFor } from '@argus/testkit';
import type { TempDir, TestProcess } from '@argus/testkit';
import {
  REMOTE_WRITE_HEADERS,
  decodeWriteRequest,
  encodeWriteRequest,
  type WriteRequest,
} from './write-request.ts';

describe('remote write with Debian prometheus', () => {
  let dir: TempDir;
  let prometheus: TestProcess;
  let capture: Server;
  let promPort: number;
  const received: { headers: Record<string, string | string[] | undefined>; request: WriteRequest }[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('remote-interop');
    const capturePort = await freePort();
    capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, request: decodeWriteRequest(Buffer.concat(chunks)) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => capture.listen(capturePort, '127.0.0.1', resolve));

    promPort = await freePort();
    const config = join(dir.path, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global: { scrape_interval: 1s }',
        'scrape_configs:',
        `  - { job_name: self, static_configs: [{ targets: ["127.0.0.1:${promPort}"] }] }`,
        'remote_write:',
        `  - url: http://127.0.0.1:${capturePort}/receive`,
        '    queue_config: { batch_send_deadline: 1s }',
      ].join('\n'),
    );
    prometheus = await startProcess({
      command: requireProgram('prometheus'),
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--web.enable-remote-write-receiver',
      ],
      readyUrl: `http://127.0.0.1:${promPort}/-/ready`,
      timeoutMs: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => capture?.close(resolve));
    await dir?.remove();
  });

  it('decodes what Prometheus sends', async () => {
    const up = await waitFor(
      () =>
        received
          .flatMap((r) => r.request.timeseries)
          .find((s) => s.labels.some((l) => l.name === '__name__' && l.value === 'up')),
      { timeoutMs: 30_000, description: 'an `up` series over remote write' },
    );
    expect(up.labels).toEqual([
      { name: '__name__', value: 'up' },
      { name: 'instance', value: `127.0.0.1:${promPort}` },
      { name: 'job', value: 'self' },
    ]);
    expect(up.samples[0]!.value).toBe(1);
    expect(up.samples[0]!.timestamp).toBeGreaterThan(Date.now() - 120_000);
    expect(received[0]!.headers['content-encoding']).toBe('snappy');
    expect(received[0]!.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
  });

  it('is understood by Prometheus as a receiver', async () => {
    const t = Date.now() - 1000;
    const body = encodeWriteRequest({
      timeseries: [
        {
          labels: [
            { name: '__name__', value: 'argus_interop_total' },
            { name: 'side', value: 'ours' },
          ],
          samples: [
            { value: 41, timestamp: t - 1000 },
            { value: 42.5, timestamp: t },
          ],
        },
      ],
    });
    const response = await fetch(`http://127.0.0.1:${promPort}/api/v1/write`, {
      method: 'POST',
      headers: REMOTE_WRITE_HEADERS,
      body,
    });
    expect(response.status).toBe(204);
    const query = await fetch(
      `http://127.0.0.1:${promPort}/api/v1/query?query=argus_interop_total&time=${(t / 1000).toFixed(3)}`,
    );
    const json = (await query.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(json.data.result).toEqual([
      { metric: { __name__: 'argus_interop_total', side: 'ours' }, value: [t / 1000, '42.5'] },
    ]);
  });
});
