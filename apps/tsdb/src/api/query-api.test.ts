import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import { Labels } from '@argus/model';
import { Engine, parserOptionsFromFeatures } from '@argus/promql';
import { InMemoryStorage } from '@argus/storage';
import type { Querier, Queryable } from '@argus/storage';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerQueryApi } from './query-api.ts';

const storage = new InMemoryStorage();
{
  const app = storage.appender();
  for (let i = 0; i <= 20; i++) {
    for (const pod of ['a', 'b', 'c'])
      app.append(0, Labels.of('__name__', 'cpu_seconds', 'pod', pod), i * 15_000, i * 10);
  }
  await app.commit();
}

let app: FastifyInstance | undefined;

async function serve(engine: Engine, queryable: Queryable = storage): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(formbody);
  registerQueryApi(app, { engine, queryable, now: () => 300_000 });
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const json = async (a: FastifyInstance, url: string) => {
  const res = await a.inject({ method: 'GET', url });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of several shapes, checked by value
  return { status: res.statusCode, body: res.json() as Record<string, any> };
};

describe('query API', () => {
  it('returns stats only when asked, with upstream field names', async () => {
    const a = await serve(new Engine());
    const plain = await json(a, '/api/v1/query?query=cpu_seconds&time=300');
    expect(plain.body['data'].stats).toBeUndefined();
    const { body } = await json(a, '/api/v1/query?query=cpu_seconds&time=300&stats=all');
    expect(Object.keys(body['data'].stats.timings).sort()).toEqual(
      [
        'evalTotalTime',
        'execQueueTime',
        'execTotalTime',
        'innerEvalTime',
        'queryPreparationTime',
        'resultSortTime',
      ].sort(),
    );
    expect(body['data'].stats.samples).toEqual({ totalQueryableSamples: 3, peakSamples: 3 });
  });

  it('truncates instant and range results to `limit` with upstream warning', async () => {
    const a = await serve(new Engine());
    const inst = await json(a, '/api/v1/query?query=cpu_seconds&time=300&limit=2');
    expect(inst.body['data'].result).toHaveLength(2);
    expect(inst.body['warnings']).toEqual(['results truncated due to limit']);
    const range = await json(a, '/api/v1/query_range?query=cpu_seconds&start=0&end=300&step=60&limit=1');
    expect(range.body['data'].result).toHaveLength(1);
    expect(range.body['warnings']).toEqual(['results truncated due to limit']);
    const bad = await json(a, '/api/v1/query_range?query=cpu_seconds&start=0&end=300&step=60&limit=-1');
    expect(bad.status).toBe(400);
  });

  it('reports infos from the engine', async () => {
    const a = await serve(new Engine());
    const { body } = await json(a, '/api/v1/query?query=rate(cpu_seconds[1m])&time=300');
    expect(body['infos']).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "cpu_seconds" (1:6)',
    ]);
  });

  it('formats and parses with the engine parser features', async () => {
    const off = await serve(new Engine());
    const refused = await json(off, '/api/v1/format_query?query=mad_over_time(x[5m])');
    expect(refused.status).toBe(400);
    expect(refused.body['error']).toMatch(
      /^invalid parameter "query": 1:1: parse error: function "mad_over_time" is not enabled/,
    );
    await off.close();
    const on = await serve(
      new Engine({ parser: parserOptionsFromFeatures(['promql-experimental-functions']) }),
    );
    const ok = await json(on, '/api/v1/format_query?query=mad_over_time(x[5m])');
    expect(ok.body).toEqual({ status: 'success', data: 'mad_over_time(x[5m])' });
  });

  it('stops evaluating when the client goes away', async () => {
    // Each select takes 150 ms; `a + b + c` needs three. The client leaves after the first.
    let selects = 0;
    const slow: Queryable = {
      async querier(minT, maxT): Promise<Querier> {
        const inner = await storage.querier(minT, maxT);
        return {
          ...inner,
          select: async (...args) => {
            selects++;
            await new Promise((r) => setTimeout(r, 150));
            return inner.select(...args);
          },
          close: () => inner.close(),
          labelNames: (m) => inner.labelNames(m),
          labelValues: (n, m) => inner.labelValues(n, m),
        };
      },
    };
    const a = await serve(new Engine(), slow);
    await a.listen({ port: 0, host: '127.0.0.1' });
    const { port } = a.server.address() as AddressInfo;
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/query?query=a%2Bb%2Bc&time=300' });
    req.on('error', () => {});
    req.end();
    while (selects === 0) await new Promise((r) => setTimeout(r, 5));
    req.destroy();
    await new Promise((r) => setTimeout(r, 600));
    expect(selects).toBe(1);
  });
});
