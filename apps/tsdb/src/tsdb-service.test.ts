import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import { encodeWriteRequest, compressBlock, type RemoteTimeSeries } from '@argus/remote';
import { makeTempDir, type TempDir } from '@argus/testkit';
import { createTsdbService, type TsdbService } from './tsdb-service.ts';

const silent = createLogger({ level: 'error', format: 'json', sink: { write: () => {} } });
const T0 = 1_700_000_000_000;

function series(name: string, labels: Record<string, string>, points: [number, number][]): RemoteTimeSeries {
  return {
    labels: [
      { name: '__name__', value: name },
      ...Object.entries(labels).map(([n, v]) => ({ name: n, value: v })),
    ],
    samples: points.map(([timestamp, value]) => ({ timestamp, value })),
  };
}

describe('tsdb service API', () => {
  let dir: TempDir;
  let service: TsdbService;

  const write = (timeseries: RemoteTimeSeries[]) =>
    service.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      payload: encodeWriteRequest({ timeseries }),
    });
  const get = async (url: string) => {
    const res = await service.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  beforeEach(async () => {
    dir = await makeTempDir('tsdb-api');
    service = await createTsdbService({
      logger: silent,
      listenAddress: '127.0.0.1:0',
      dataDir: dir.path,
      enableAdminApi: true,
      now: () => T0 + 160_000,
    });
    const points = (step: number) =>
      Array.from({ length: 11 }, (_, i) => [T0 + i * 15_000, i * step] as [number, number]);
    expect(
      (
        await write([
          series('http_requests_total', { job: 'api', instance: 'a' }, points(10)),
          series('http_requests_total', { job: 'api', instance: 'b' }, points(20)),
          series('up', { job: 'api', instance: 'a' }, points(0)),
        ])
      ).statusCode,
    ).toBe(204);
  });

  afterEach(async () => {
    await service.stop();
    await dir.remove();
  });

  it('answers instant queries in the upstream shape', async () => {
    const { status, body } = await get(
      `/api/v1/query?query=sum by (job) (rate(http_requests_total[1m]))&time=${(T0 + 150_000) / 1000}`,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { job: 'api' }, value: [(T0 + 150_000) / 1000, '2'] }],
      },
    });
  });

  it('answers range queries and POST form bodies', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/v1/query_range',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `query=http_requests_total{instance="a"}&start=${T0 / 1000}&end=${(T0 + 30_000) / 1000}&step=15s`,
    });
    expect(res.json()).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'http_requests_total', instance: 'a', job: 'api' },
            values: [
              [T0 / 1000, '0'],
              [(T0 + 15_000) / 1000, '10'],
              [(T0 + 30_000) / 1000, '20'],
            ],
          },
        ],
      },
    });
  });

  it.each([
    {
      url: '/api/v1/query?query=up{',
      status: 400,
      error: 'invalid parameter "query": 1:4: parse error: unexpected end of input inside braces',
    },
    {
      url: '/api/v1/query?query=up&time=yesterday',
      status: 400,
      error: `invalid parameter "time": Invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`,
    },
    {
      url: '/api/v1/query_range?query=up&start=10&end=5&step=1',
      status: 400,
      error: 'invalid parameter "end": end timestamp must not be before start time',
    },
    {
      url: '/api/v1/query_range?query=up&start=0&end=5&step=0',
      status: 400,
      error: 'zero or negative query resolution step widths are not accepted. Try a positive integer',
    },
    {
      url: '/api/v1/query_range?query=up&start=0&end=100000&step=1',
      status: 400,
      error:
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    },
    { url: '/api/v1/series', status: 400, error: 'no match[] parameter provided' },
    {
      url: '/api/v1/query_range?query=up&start=0&end=5&step=x',
      status: 400,
      error: 'invalid parameter "step": cannot parse "x" to a valid duration',
    },
  ])('reports $url as bad_data', async ({ url, status, error }) => {
    const res = await get(url);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('serves series, label names and label values', async () => {
    expect((await get('/api/v1/series?match[]=http_requests_total&match[]=up{instance="a"}')).body).toEqual({
      status: 'success',
      data: [
        { __name__: 'http_requests_total', instance: 'a', job: 'api' },
        { __name__: 'http_requests_total', instance: 'b', job: 'api' },
        { __name__: 'up', instance: 'a', job: 'api' },
      ],
    });
    expect((await get('/api/v1/labels')).body).toEqual({
      status: 'success',
      data: ['__name__', 'instance', 'job'],
    });
    expect((await get('/api/v1/label/__name__/values')).body).toEqual({
      status: 'success',
      data: ['http_requests_total', 'up'],
    });
    expect((await get('/api/v1/label/instance/values?match[]=up')).body).toEqual({
      status: 'success',
      data: ['a'],
    });
  });

  it('keeps the acceptable samples of a request and reports the refused ones with 400', async () => {
    const res = await write([
      series('up', { job: 'api', instance: 'a' }, [[T0, 5]]), // older than the newest: out of order
      series('late', { job: 'api' }, [[T0 + 200_000, 7]]),
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/out of (order sample|bounds)/);
    const { body } = await get(`/api/v1/query?query=late&time=${(T0 + 200_000) / 1000}`);
    expect((body['data'] as { result: unknown[] }).result).toHaveLength(1);
  });

  it.each([
    { name: 'garbage', payload: Buffer.from('not snappy at all'), status: 400 },
    {
      name: 'valid snappy, invalid protobuf',
      payload: compressBlock(Buffer.from([0x0a, 0xff, 0xff])),
      status: 400,
    },
  ])('refuses a $name body with $status', async ({ payload, status }) => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      payload,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(res.statusCode).toBe(status);
    expect(res.body.length).toBeGreaterThan(0);
  });

  it('refuses a body announcing more than 32 MiB decoded with 413, before inflating it', async () => {
    // A snappy block starts with the varint of its decoded length: announce 64 MiB.
    const payload = Buffer.from([0x80, 0x80, 0x80, 0x20, 0x00]);
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      payload,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toMatch(/exceeds the limit/);
  });

  it('federates the newest sample of matching series', async () => {
    const res = await service.app.inject({ method: 'GET', url: '/federate?match[]=up' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(res.body).toBe(`# TYPE up untyped\nup{instance="a",job="api"} 0 ${T0 + 150_000}\n`);
  });

  it('deletes series through the admin API', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tsdb/delete_series?match[]=up',
    });
    expect(res.statusCode).toBe(204);
    const { body } = await get(`/api/v1/query?query=up&time=${(T0 + 150_000) / 1000}`);
    expect((body['data'] as { result: unknown[] }).result).toEqual([]);
  });

  it('writes a snapshot through the admin API', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/api/v1/admin/tsdb/snapshot' });
    expect(res.statusCode).toBe(200);
    const name = (res.json() as { data: { name: string } }).data.name;
    // Upstream formats the random part with %x: no leading zeros, so 1 to 16 hex digits.
    expect(name).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{1,16}$/);
    const { readdirSync } = await import('node:fs');
    const entries = readdirSync(`${dir.path}/snapshots/${name}`);
    expect(
      entries.filter((e) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(e)),
      entries.join(','),
    ).toHaveLength(1);
  });

  it('reports head statistics', async () => {
    const { body } = await get('/api/v1/status/tsdb');
    const data = body['data'] as {
      headStats: { numSeries: number };
      seriesCountByMetricName: { name: string; value: number }[];
    };
    expect(data.headStats.numSeries).toBe(3);
    expect(data.seriesCountByMetricName[0]).toEqual({ name: 'http_requests_total', value: 2 });
  });
});
