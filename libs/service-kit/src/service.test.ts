import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Counter, Registry } from 'prom-client';
import type { MetricFamily } from '@argus/exposition';
import { Labels } from '@argus/model';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from './service.ts';
import type { Service, ServiceOptions } from './service.ts';
import { memoryLogger } from './test-logger.ts';

const services: Service[] = [];

const gauge = (name: string, value: number, help?: string): MetricFamily => ({
  name,
  type: 'gauge',
  ...(help === undefined ? {} : { help }),
  samples: [{ name, labels: Labels.EMPTY, value }],
});
const load1 = gauge('node_load1', 0.5, '1m load average.');
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
});

function make(options: Partial<ServiceOptions> = {}) {
  const { logger, lines } = memoryLogger();
  const service = createService({
    displayName: 'Test Service',
    logger,
    listenAddress: '127.0.0.1:0',
    ...options,
  });
  services.push(service);
  return { service, lines };
}

describe('createService', () => {
  it('serves health and readiness as upstream', async () => {
    const { service } = make({ ready: false });
    const healthy = await service.app.inject({ url: '/-/healthy' });
    expect([healthy.statusCode, healthy.body]).toEqual([200, 'Test Service is Healthy.\n']);
    const notReady = await service.app.inject({ url: '/-/ready' });
    expect([notReady.statusCode, notReady.body]).toEqual([503, 'Service Unavailable\n']);
    service.setReady(true);
    const ready = await service.app.inject({ url: '/-/ready' });
    expect([ready.statusCode, ready.body]).toEqual([200, 'Test Service is Ready.\n']);
    const head = await service.app.inject({ method: 'HEAD', url: '/-/healthy' });
    expect(head.statusCode).toBe(200);
  });

  it('serves the registry, process metrics and the service exposition in text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'test_things_total', help: 'Things.', registers: [registry] }).inc(3);
    const { service } = make({ registry, families: () => [load1] });
    const res = await service.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('test_things_total 3\n');
    expect(res.body).toContain('# TYPE process_cpu_seconds_total counter');
    expect(
      res.body.endsWith('# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.5\n'),
    ).toBe(true);
  });

  it('serves OpenMetrics 1.0 when the scraper asks for it', async () => {
    const registry = new Registry();
    new Counter({ name: 'test_things_total', help: 'Things.', registers: [registry] }).inc(3);
    const { service } = make({ registry, defaultMetrics: false, families: () => [load1] });
    const accept = 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4';
    const res = await service.app.inject({ url: '/metrics', headers: { accept } });
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.body).toBe(
      '# HELP test_things Things.\n# TYPE test_things counter\ntest_things_total 3.0\n' +
        '# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.5\n# EOF\n',
    );
  });

  it('gzips /metrics when the client accepts it', async () => {
    const { service } = make({ defaultMetrics: false, families: () => [gauge('a', 1)] });
    const res = await service.app.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.rawPayload).toString()).toBe('# TYPE a gauge\na 1\n');
    const refused = await service.app.inject({ url: '/metrics', headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers 500 with the error when the exposition fails', async () => {
    const { service } = make({
      families: () => {
        throw new Error('collector broke');
      },
    });
    const res = await service.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('An error has occurred while serving metrics:\n\ncollector broke\n');
  });

  it('serves metrics on the configured path only', async () => {
    const { service } = make({ metricsPath: '/custom' });
    expect((await service.app.inject({ url: '/custom' })).statusCode).toBe(200);
    expect((await service.app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('reloads on POST and PUT, refuses other methods, reports failures as 500', async () => {
    let calls = 0;
    let fail = false;
    const { service } = make({
      reload: () => {
        calls++;
        if (fail) throw new Error('bad config: line 3');
      },
    });
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(200);
    expect((await service.app.inject({ method: 'PUT', url: '/-/reload' })).statusCode).toBe(200);
    const get = await service.app.inject({ method: 'GET', url: '/-/reload' });
    expect(get.statusCode).toBe(405);
    fail = true;
    const failed = await service.app.inject({ method: 'POST', url: '/-/reload' });
    expect([failed.statusCode, failed.body]).toEqual([500, 'failed to reload config: bad config: line 3\n']);
    expect(calls).toBe(3);
  });

  it('has no /-/reload without a reload hook, and 403 when the lifecycle API is off', async () => {
    const { service } = make();
    expect((await service.app.inject({ method: 'POST', url: '/-/reload' })).statusCode).toBe(404);
    const off = make({ reload: () => undefined, lifecycleApi: false }).service;
    const res = await off.app.inject({ method: 'POST', url: '/-/reload' });
    expect([res.statusCode, res.body]).toEqual([403, 'Lifecycle API is not enabled.\n']);
  });

  it('runs concurrent reloads one after another', async () => {
    const order: string[] = [];
    let n = 0;
    const { service } = make({
      reload: async () => {
        const id = ++n;
        order.push(`start ${id}`);
        await new Promise((r) => setImmediate(r));
        order.push(`end ${id}`);
      },
    });
    await Promise.all([service.reload(), service.reload()]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('adds the service routes', async () => {
    const { service } = make({
      routes: (app) => void app.get('/api/v1/status', async () => ({ status: 'success' })),
    });
    await service.start();
    const res = await fetch(`${service.address.url}/api/v1/status`);
    expect(await res.json()).toEqual({ status: 'success' });
  });

  it('listens on a free port, runs hooks, and stops after in-flight requests finish', async () => {
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const { service } = make({
      onStart: () => void events.push('start'),
      onStop: () => void events.push('stop'),
      routes: (app) =>
        void app.get('/slow', async () => {
          arrived();
          await held;
          return 'done';
        }),
    });
    await service.start();
    const port = service.address.port;
    expect(port).toBeGreaterThan(0);
    expect(service.address.url).toBe(`http://127.0.0.1:${service.address.port}`);
    const slow = fetch(`${service.address.url}/slow`).then(async (r) => [
      await r.text(),
      r.headers.get('connection'),
    ]);
    await inFlight;
    const stopped = service.stop();
    release();
    // regression: a keep-alive connection left open held stop() until its idle timeout
    expect(await slow).toEqual(['done', 'close']);
    await stopped;
    expect(events).toEqual(['start', 'stop']);
    expect(() => service.address).toThrow('not listening');
    await expect(fetch(`http://127.0.0.1:${port}/-/healthy`)).rejects.toThrow();
  });

  it('fails to start on a taken port and can still be stopped', async () => {
    const { service: first } = make();
    await first.start();
    const { service: second } = make({ listenAddress: `127.0.0.1:${first.address.port}` });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
    await second.stop();
  });

  it('listens on every interface for :0', async () => {
    const { service } = make({ listenAddress: ':0' });
    await service.start();
    const status = await new Promise<number>((resolve, reject) => {
      request(`${service.address.url}/-/healthy`, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
  });

  it('counts requests by route pattern and reports build info and reload outcomes', async () => {
    let fail = false;
    const { service } = make({
      metricsNamespace: 'test',
      buildInfo: { version: '1.2.3' },
      defaultMetrics: false,
      reload: () => {
        if (fail) throw new Error('broken');
      },
      routes: (app) => void app.get('/api/items/:id', async () => 'ok'),
    });
    await service.app.inject({ url: '/-/healthy' });
    await service.app.inject({ url: '/api/items/1' });
    await service.app.inject({ url: '/api/items/2' });
    await service.app.inject({ url: '/nope' });
    fail = true;
    await service.app.inject({ method: 'POST', url: '/-/reload' });
    const body = (await service.app.inject({ url: '/metrics' })).body;
    expect(body).toContain('test_http_requests_total{code="200",handler="/-/healthy"} 1\n');
    expect(body).toContain('test_http_requests_total{code="200",handler="/api/items/:id"} 2\n');
    expect(body).toContain('test_http_requests_total{code="500",handler="/-/reload"} 1\n');
    expect(body).toMatch(/test_http_request_duration_seconds_count\{handler="\/api\/items\/:id"\} 2\n/);
    expect(body).toMatch(
      /test_build_info\{version="1\.2\.3",revision="unknown",branch="unknown",goversion="node[\d.]+",goos="linux",goarch="\w+"\} 1\n/,
    );
    expect(body).toContain('test_config_last_reload_successful 0\n');
    expect(body).not.toContain('/api/items/1');
    fail = false;
    await service.reload();
    expect((await service.app.inject({ url: '/metrics' })).body).toContain(
      'test_config_last_reload_successful 1\n',
    );
  });

  it('serves promhttp metrics when asked', async () => {
    const { service } = make({ promhttpMetrics: true, defaultMetrics: false });
    await service.app.inject({ url: '/metrics' });
    const body = (await service.app.inject({ url: '/metrics' })).body;
    expect(body).toContain('promhttp_metric_handler_requests_total{code="200"} 1\n');
    expect(body).toContain('promhttp_metric_handler_requests_in_flight 1\n');
    expect(body).toContain('promhttp_metric_handler_errors_total{cause="gathering"} 0\n');
  });

  it('answers 503 beyond the concurrent scrape limit', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let calls = 0;
    const { service } = make({
      maxConcurrentScrapes: 1,
      families: async () => {
        if (++calls === 1) {
          entered();
          await held;
        }
        return [];
      },
    });
    const first = service.app.inject({ url: '/metrics' });
    await inside;
    const second = await service.app.inject({ url: '/metrics' });
    expect([second.statusCode, second.body]).toEqual([
      503,
      'Limit of concurrent requests reached (1), try again later.\n',
    ]);
    release();
    expect((await first).statusCode).toBe(200);
    expect((await service.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('serves everything under a route prefix', async () => {
    const { service } = make({
      routePrefix: 'prom/',
      routes: (app) => void app.get('/api/v1/x', async () => 'x'),
    });
    for (const url of ['/prom/-/healthy', '/prom/-/ready', '/prom/metrics', '/prom/api/v1/x']) {
      expect([url, (await service.app.inject({ url })).statusCode]).toEqual([url, 200]);
    }
    expect((await service.app.inject({ url: '/-/healthy' })).statusCode).toBe(404);
  });

  it('requests termination on /-/quit only with the lifecycle API', async () => {
    const { service } = make({ quitEndpoint: true });
    let quit = false;
    void service.terminationRequested.then(() => (quit = true));
    const res = await service.app.inject({ method: 'POST', url: '/-/quit' });
    expect([res.statusCode, res.body]).toEqual([200, 'Requesting termination... Goodbye!']);
    await service.terminationRequested;
    expect(quit).toBe(true);
    const off = make({ quitEndpoint: true, lifecycleApi: false }).service;
    expect((await off.app.inject({ method: 'PUT', url: '/-/quit' })).statusCode).toBe(403);
    expect((await off.app.inject({ method: 'GET', url: '/-/quit' })).statusCode).toBe(405);
    expect((await make().service.app.inject({ method: 'POST', url: '/-/quit' })).statusCode).toBe(404);
  });

  it('surfaces a failing routes hook at start', async () => {
    const { service } = make({
      routes: () => {
        throw new Error('route setup failed');
      },
    });
    await expect(service.start()).rejects.toThrow('route setup failed');
  });

  it('serves the same routes on every listen address and closes them all on stop', async () => {
    const { service } = make({
      listenAddress: ['127.0.0.1:0', '127.0.0.1:0'],
      routes: (app) => void app.get('/x', async () => 'x'),
    });
    await service.start();
    const urls = service.addresses.map((a) => a.url);
    expect(urls).toHaveLength(2);
    expect(new Set(urls).size).toBe(2);
    for (const url of urls) expect(await (await fetch(`${url}/x`)).text()).toBe('x');
    await service.stop();
    for (const url of urls) await expect(fetch(`${url}/x`)).rejects.toThrow();
  });

  it('fails to start when a second listen address is taken, closing the first', async () => {
    const { service: other } = make();
    await other.start();
    const { service } = make({ listenAddress: ['127.0.0.1:0', `127.0.0.1:${other.address.port}`] });
    await expect(service.start()).rejects.toThrow(/EADDRINUSE/);
  });

  it('refuses bodies over bodyLimitBytes with 413', async () => {
    const { service } = make({
      bodyLimitBytes: 10,
      routes: (app) => void app.post('/in', async (request) => request.body),
    });
    const small = await service.app.inject({
      method: 'POST',
      url: '/in',
      headers: { 'content-type': 'text/plain' },
      payload: 'tiny',
    });
    expect(small.statusCode).toBe(200);
    const big = await service.app.inject({
      method: 'POST',
      url: '/in',
      headers: { 'content-type': 'text/plain' },
      payload: 'x'.repeat(11),
    });
    expect(big.statusCode).toBe(413);
  });
});
