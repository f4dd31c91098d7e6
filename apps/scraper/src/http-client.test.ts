import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeTempDir } from '@argus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScraperConfig, parseScraperConfig } from './config/scraper-config.ts';
import type { ScrapeConfig } from './config/scraper-config.ts';
import { ScrapeHttpClients } from './http-client-cache.ts';
import { httpScrape } from './http-scrape.ts';

// The transport itself (TLS, proxies, credentials, reuse) is tested in @argus/http-client;
// this checks the scraper's wiring and its upstream error texts.
let server: Server;
let base: string;
const clients = new ScrapeHttpClients();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect') res.writeHead(302, { location: '/metrics' }).end();
    else if (req.url === '/loop') res.writeHead(302, { location: '/loop' }).end();
    else res.end(`up{path="${req.url}"} 1\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await clients.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const config = (extra: string): ScrapeConfig =>
  parseScraperConfig(`scrape_configs:\n  - job_name: a\n${extra}`, 'p.yml', '.').scrapeConfigs[0]!;

const scrape = async (url: string, extra = ''): Promise<string> => {
  const r = await httpScrape(url, config(extra), '.', clients)(3000);
  return Buffer.from(r.body).toString();
};

describe('scrape HTTP client', () => {
  it('reports a missing TLS file as an error creating the client', async () => {
    await expect(scrape(`${base}/metrics`, '    tls_config: { ca_file: nope.crt }\n')).rejects.toThrow(
      /^error creating HTTP client: unable to read CA file nope\.crt/,
    );
  });

  it('follows redirects; a redirect is a bad status when off; gives up after 10 as upstream says', async () => {
    expect(await scrape(`${base}/redirect`)).toContain('path="/metrics"');
    await expect(scrape(`${base}/redirect`, '    follow_redirects: false\n')).rejects.toThrow(
      'server returned HTTP status 302 Found',
    );
    await expect(scrape(`${base}/loop`)).rejects.toThrow(`Get "${base}/loop": stopped after 10 redirects`);
  });

  it('shares a client between jobs with equal HTTP settings; sweeps idle ones', async () => {
    let now = 0;
    const own = new ScrapeHttpClients(1000, () => now);
    const a = own.client(config(''), '.');
    expect(own.client(config('    scrape_interval: 5s\n'), '.')).toBe(a);
    expect(own.client(config('    follow_redirects: false\n'), '.')).not.toBe(a);
    now = 500;
    own.client(config(''), '.');
    now = 1200;
    await own.sweep();
    expect(own.size).toBe(1);
    expect(own.client(config(''), '.')).toBe(a);
    await own.close();
    expect(own.size).toBe(0);
  });

  it('refuses at load a job with an unreadable TLS file or a bad proxy_url, as Prometheus', async () => {
    const dir = await makeTempDir('scraper-http-load');
    try {
      const file = join(dir.path, 'prometheus.yml');
      const load = (job: string): Promise<unknown> => {
        writeFileSync(file, `scrape_configs:\n  - job_name: a\n${job}`);
        return loadScraperConfig(file);
      };
      writeFileSync(join(dir.path, 'ca.crt'), 'x');
      await expect(load('    tls_config: { ca_file: ca.crt }\n')).resolves.toBeDefined();
      await expect(load('    tls_config: { ca_file: nope.crt }\n')).rejects.toThrow(
        /^job "a": error creating HTTP client: unable to read CA file nope\.crt/,
      );
      await expect(load('    proxy_url: ftp://proxy:21\n')).rejects.toThrow(
        'job "a": error creating HTTP client: unsupported proxy_url scheme "ftp"',
      );
      await expect(
        load(
          '    http_sd_configs: [{ url: "http://sd/", tls_config: { cert_file: c.crt, key_file: c.key } }]\n',
        ),
      ).rejects.toThrow('unable to read client certificate c.crt');
    } finally {
      await dir.remove();
    }
  });
});
