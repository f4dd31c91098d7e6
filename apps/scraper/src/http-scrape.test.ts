import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { httpScrape } from './http-scrape.ts';

let server: Server;
let base: string;
let lastHeaders: IncomingHttpHeaders = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    switch (req.url) {
      case '/metrics':
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end('a 1\n');
        return;
      case '/gzip':
        res.setHeader('content-encoding', 'gzip');
        res.end(gzipSync('b 2\n'));
        return;
      case '/big':
        res.end(Buffer.alloc(10 * 1024 * 1024, 0x61));
        return;
      case '/hang':
        return; // never answers
      case '/gzip-big':
        res.setHeader('content-encoding', 'gzip');
        res.end(gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x61)));
        return;
      case '/gzip-at-limit':
        res.setHeader('content-encoding', 'gzip');
        res.end(gzipSync(Buffer.alloc(1024 * 1024, 0x62)));
        return;
      case '/stall':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a 1\n'); // headers and a first line, then nothing
        return;
      default:
        res.statusCode = 503;
        res.end('down');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const config = (extra = '') =>
  parseScraperConfig(`scrape_configs:\n  - job_name: a\n    bearer_token: s3cret\n${extra}`, 'p.yml', '.')
    .scrapeConfigs[0]!;

describe('httpScrape', () => {
  it('sends the upstream Accept, timeout header and auth; returns body and content type', async () => {
    const r = await httpScrape(`${base}/metrics`, config(), '.')(2500);
    expect(Buffer.from(r.body).toString()).toBe('a 1\n');
    expect(r.contentType).toBe('text/plain; version=0.0.4');
    expect(lastHeaders['x-prometheus-scrape-timeout-seconds']).toBe('2.5');
    expect(lastHeaders.accept).toMatch(
      /^application\/openmetrics-text;version=1\.0\.0;escaping=allow-utf-8;q=0\.6,.*\*\/\*;q=0\.2$/,
    );
    expect(lastHeaders.authorization).toBe('Bearer s3cret');
    expect(lastHeaders['accept-encoding']).toContain('gzip');
  });

  it('decompresses gzip', async () => {
    const r = await httpScrape(`${base}/gzip`, config(), '.')(2000);
    expect(Buffer.from(r.body).toString()).toBe('b 2\n');
  });

  it.each([
    {
      name: 'a non-200 status',
      path: '/nope',
      extra: '',
      timeoutMs: 10_000,
      want: 'server returned HTTP status 503 Service Unavailable',
    },
    {
      name: 'a body over body_size_limit',
      path: '/big',
      extra: '    body_size_limit: 1MB\n',
      timeoutMs: 10_000,
      want: 'body size limit exceeded',
    },
    {
      name: 'a gzipped body that inflates past body_size_limit',
      path: '/gzip-big',
      extra: '    body_size_limit: 1MB\n',
      timeoutMs: 10_000,
      want: 'body size limit exceeded',
    },
  ])('fails on $name', async ({ path, extra, timeoutMs, want }) => {
    await expect(httpScrape(`${base}${path}`, config(extra), '.')(timeoutMs)).rejects.toThrow(want);
  });

  it('inflates a gzipped body of exactly body_size_limit', async () => {
    const r = await httpScrape(`${base}/gzip-at-limit`, config('    body_size_limit: 1MB\n'), '.')(10_000);
    expect(r.body.length).toBe(1024 * 1024);
  });

  it("times out as Go's client words it: the request named before the headers, not after", async () => {
    await expect(httpScrape(`${base}/hang`, config(), '.')(300)).rejects.toThrow(
      new RegExp(`^Get "${base}/hang": context deadline exceeded$`),
    );
    await expect(httpScrape(`${base}/stall`, config(), '.')(300)).rejects.toThrow(
      /^context deadline exceeded$/,
    );
  });

  it('fails with the address on a refused connection', async () => {
    await expect(httpScrape('http://127.0.0.1:1/metrics', config(), '.')(1000)).rejects.toThrow(
      'Get "http://127.0.0.1:1/metrics"',
    );
  });
});
