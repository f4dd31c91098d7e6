// HTTP SD against a local server: a good answer gives groups with source <url>:<i> and
// __meta_url; a bad status, a wrong content type or bad JSON is an error that keeps the
// last good groups; later refreshes pick up changes.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@argus/testkit';
import { HttpSd, httpSdConfigError, parseHttpSdBody } from './http-sd.ts';
import type { TargetGroup } from './target-group.ts';

let server: Server;
let url: string;
let answer: { status: number; type: string; body: string };
const requests: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.headers);
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sd`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const good = JSON.stringify([
  { targets: ['a:9100', 'b:9100'], labels: { env: 'prod' } },
  { targets: ['c:9100'] },
]);

function start(refreshIntervalMs: number): { sd: HttpSd; reports: TargetGroup[][]; errors: string[] } {
  const reports: TargetGroup[][] = [];
  const errors: string[] = [];
  const sd = new HttpSd({
    url,
    refreshIntervalMs,
    onGroups: (g) => reports.push(g),
    onError: (m) => errors.push(m),
  });
  return { sd, reports, errors };
}

describe('HttpSd', () => {
  it('reports the groups with source and __meta_url, sending the upstream headers', async () => {
    answer = { status: 200, type: 'application/json; charset=utf-8', body: good };
    const { sd, reports, errors } = start(60_000);
    await sd.start();
    sd.stop();
    expect(errors).toEqual([]);
    expect(reports).toEqual([
      [
        {
          source: `${url}:0`,
          targets: [{ __address__: 'a:9100' }, { __address__: 'b:9100' }],
          labels: { env: 'prod', __meta_url: url },
        },
        { source: `${url}:1`, targets: [{ __address__: 'c:9100' }], labels: { __meta_url: url } },
      ],
    ]);
    const headers = requests.at(-1)!;
    expect(headers.accept).toBe('application/json');
    expect(headers['x-prometheus-refresh-interval-seconds']).toBe('60');
  });

  it.each([
    {
      name: 'a 500',
      status: 500,
      type: 'application/json',
      body: good,
      want: 'server returned HTTP status 500 Internal Server Error',
    },
    {
      name: 'a wrong content type',
      status: 200,
      type: 'text/plain',
      body: good,
      want: 'unsupported content type "text/plain"',
    },
    { name: 'bad JSON', status: 200, type: 'application/json', body: '[{"targets": [', want: 'invalid JSON' },
    {
      name: 'a bad label name',
      status: 200,
      type: 'application/json',
      body: '[{"targets":["a:1"],"labels":{"a-b":"x"}}]',
      want: '"a-b" is not a valid label name',
    },
  ])('keeps the last groups after $name and reports why', async ({ status, type, body, want }) => {
    answer = { status: 200, type: 'application/json', body: good };
    const { sd, reports, errors } = start(500);
    await sd.start();
    expect(reports).toHaveLength(1);
    answer = { status, type, body };
    await waitFor(() => errors.length > 0);
    sd.stop();
    expect(errors[0]).toContain(want);
    expect(errors[0]).toContain(`error refreshing HTTP targets from ${url}`);
    // Nothing was reported after the failures: the provider's last groups stand.
    expect(reports).toHaveLength(1);
  });

  it('picks up a changed answer at the next refresh', async () => {
    answer = { status: 200, type: 'application/json', body: good };
    const { sd, reports } = start(500);
    await sd.start();
    answer = {
      status: 200,
      type: 'application/json',
      body: JSON.stringify([{ targets: ['d:1'], labels: { v: '2' } }]),
    };
    await waitFor(() => reports.at(-1)?.[0]?.labels.v === '2');
    sd.stop();
    expect(reports.at(-1)).toEqual([
      { source: `${url}:0`, targets: [{ __address__: 'd:1' }], labels: { v: '2', __meta_url: url } },
    ]);
    expect(requests.at(-1)!['x-prometheus-refresh-interval-seconds']).toBe('0.5');
  });
});

describe('parsing and config', () => {
  it('refuses what upstream refuses', () => {
    expect(() => parseHttpSdBody('{}', url)).toThrow('expected a JSON list of target groups');
    expect(() => parseHttpSdBody('[null]', url)).toThrow('nil target group item found (index 0)');
    expect(() => parseHttpSdBody('[{"targets":[1]}]', url)).toThrow('targets must be a list of strings');
    expect(parseHttpSdBody('[]', url)).toEqual([]);
    expect(httpSdConfigError('ftp://x/')).toBe("URL scheme must be 'http' or 'https'");
    expect(httpSdConfigError('http://x/sd')).toBeUndefined();
  });
});
