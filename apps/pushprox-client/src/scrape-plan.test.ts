import { parseScrapeRequest } from '@argus/pushprox';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { planScrape } from './scrape-plan.ts';
import type { ScrapePlanOptions } from './scrape-plan.ts';

const wire = (target: string, extra = 'X-Prometheus-Scrape-Timeout-Seconds: 10\r\n') =>
  parseScrapeRequest(
    Buffer.from(
      `GET ${target} HTTP/1.1\r\nHost: ${target.split('/')[2]}\r\nUser-Agent: Prometheus/2.42.0\r\nAccept-Encoding: gzip\r\nId: abc\r\n${extra}\r\n`,
    ),
  );

describe('planScrape', () => {
  it.each<{
    name: string;
    target: string;
    extra?: string;
    options?: Partial<ScrapePlanOptions>;
    want: object;
  }>([
    {
      name: 'a plain scrape',
      target: 'http://node-1:9100/metrics',
      want: {
        kind: 'fetch',
        origin: 'http://node-1:9100',
        path: '/metrics',
        host: 'node-1:9100',
        timeoutMs: 10_000,
      },
    },
    {
      name: 'missing timeout header',
      target: 'http://node-1:9100/metrics',
      extra: '',
      want: { kind: 'refuse', message: 'strconv.ParseFloat: parsing "": invalid syntax' },
    },
    {
      name: 'bad timeout header',
      target: 'http://node-1:9100/metrics',
      extra: 'X-Prometheus-Scrape-Timeout-Seconds: ten\r\n',
      want: { kind: 'refuse', message: 'strconv.ParseFloat: parsing "ten": invalid syntax' },
    },
    {
      name: '_scheme=https',
      target: 'http://node-1:9100/metrics?z=1&_scheme=https&a=2',
      want: { kind: 'fetch', origin: 'https://node-1:9100', path: '/metrics?a=2&z=1' },
    },
    {
      name: 'a foreign host',
      target: 'http://node-2:9100/metrics',
      want: { kind: 'refuse', message: "scrape target doesn't match client fqdn" },
    },
    {
      name: 'the fqdn in another case (Go compares exactly)',
      target: 'http://NODE-1:9100/metrics',
      want: { kind: 'refuse', message: "scrape target doesn't match client fqdn" },
    },
    {
      name: 'a disallowed port (Rancher)',
      target: 'http://node-1:10250/metrics',
      options: { allowPort: '10249' },
      want: { kind: 'refuse', message: 'client does not have permissions to scrape port 10250' },
    },
    {
      name: 'use-localhost keeps Host (Rancher)',
      target: 'http://node-1:10249/metrics',
      options: { allowPort: '10249', useLocalhost: true },
      want: { kind: 'fetch', origin: 'http://127.0.0.1:10249', host: 'node-1:10249' },
    },
    {
      name: 'token forces https (Rancher)',
      target: 'http://node-1:10250/metrics',
      options: { readToken: () => 'tok' },
      want: { kind: 'fetch', origin: 'https://node-1:10250' },
    },
    {
      name: 'unreadable token (Rancher)',
      target: 'http://node-1:10250/metrics',
      options: {
        readToken: () => {
          throw new Error('ENOENT');
        },
      },
      want: { kind: 'refuse', message: 'cannot read token from token-path' },
    },
  ])('$name', ({ target, extra, options, want }) => {
    expect(planScrape(wire(target, extra), { fqdn: 'node-1', ...options })).toMatchObject(want);
  });

  it('passes every header through, Id and the timeout header included, and adds the Rancher token', () => {
    const plan = planScrape(wire('http://node-1:9100/metrics'), { fqdn: 'node-1', readToken: () => 'tok' });
    expect(plan.kind === 'fetch' && plan.headers).toEqual([
      ['User-Agent', 'Prometheus/2.42.0'],
      ['Accept-Encoding', 'gzip'],
      ['Id', 'abc'],
      ['X-Prometheus-Scrape-Timeout-Seconds', '10'],
      ['Authorization', 'Bearer tok'],
    ]);
  });
});

describe('Backoff', () => {
  it('grows ×1.5 to the cap with ±50% jitter, and resets', () => {
    const mid = new Backoff(1000, 5000, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(() => mid.next())).toEqual([1000, 1500, 2250, 3375, 5000, 5000]);
    mid.reset();
    expect(mid.next()).toBe(1000);
    expect(new Backoff(1000, 5000, () => 0).next()).toBe(500);
    expect(new Backoff(1000, 5000, () => 0.999999).next()).toBeCloseTo(1500, 0);
  });
});
