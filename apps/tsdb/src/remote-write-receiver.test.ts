import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeWriteRequest } from '@argus/remote';
import { createLogger } from '@argus/service-kit';
import { makeTempDir, type TempDir } from '@argus/testkit';
import { createTsdbService, type TsdbService } from './tsdb-service.ts';

const silent = createLogger({ level: 'error', format: 'json', sink: { write: () => {} } });
// bcrypt (cost 4) of "s3cret".
const HASH = '$2b$04$VnDT3Wlbx0eiQ9x06P7am.fp1ZHtzFDzml4K4mHMjooaGMB/fxp.G';

/** A snappy-compressed WriteRequest of one sample of `up{job="a"}`. */
const body = (t: number) =>
  encodeWriteRequest({
    timeseries: [
      {
        labels: [
          { name: '__name__', value: 'up' },
          { name: 'job', value: 'a' },
        ],
        samples: [{ timestamp: t, value: 1 }],
      },
    ],
  });

describe('remote write over HTTP, with a web config', () => {
  let dir: TempDir;
  let service: TsdbService;
  let base: string;

  beforeEach(async () => {
    dir = await makeTempDir('tsdb-rw');
    const webConfig = join(dir.path, 'web.yml');
    writeFileSync(
      webConfig,
      `basic_auth_users:\n  alice: ${HASH}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n`,
    );
    service = await createTsdbService({
      logger: silent,
      listenAddress: '127.0.0.1:0',
      webConfigFile: webConfig,
      dataDir: join(dir.path, 'data'),
    });
    await service.start();
    base = service.address.url;
  });

  afterEach(async () => {
    await service.stop();
    await dir.remove();
  });

  const post = (payload: Uint8Array, auth?: string) =>
    fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
      },
      body: payload,
    });

  it('answers a stored write 204 with the configured headers, and counts it', async () => {
    const res = await post(body(1000), 'alice:s3cret');
    expect(res.status).toBe(204);
    expect(res.headers.get('x-frame-options')).toBe('deny');
    expect(await res.text()).toBe('');
    // Keep-alive requests on one connection keep working after a hijacked answer.
    expect((await post(body(2000), 'alice:s3cret')).status).toBe(204);
    expect(service.tsdb.head.counters.samplesAppended).toBe(2);
    const metrics = await (
      await fetch(`${base}/metrics`, {
        headers: { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` },
      })
    ).text();
    expect(metrics).toContain('prometheus_http_requests_total{code="204",handler="/api/v1/write"} 2\n');
  });

  it('refuses without credentials (401) and reports refused samples (400) as before', async () => {
    const denied = await post(body(1000));
    expect(denied.status).toBe(401);
    expect(service.tsdb.head.counters.samplesAppended).toBe(0);
    expect((await post(body(5000), 'alice:s3cret')).status).toBe(204);
    const old = await post(body(1000), 'alice:s3cret');
    expect(old.status).toBe(400);
    expect(old.headers.get('x-frame-options')).toBe('deny');
    expect(await old.text()).toMatch(/out of order/);
  });
});
