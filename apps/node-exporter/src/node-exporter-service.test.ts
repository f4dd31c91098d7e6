import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@argus/service-kit';
import type { Service } from '@argus/service-kit';
import { DEFAULT_COLLECTOR_OPTIONS } from './collector-options.ts';
import { COLLECTORS } from './collectors/registry.ts';
import { HostPaths } from './host-paths.ts';
import { createNodeExporterService } from './node-exporter-service.ts';
import type { NodeExporterOptions } from './node-exporter-service.ts';

const testdata = resolve(import.meta.dirname, '../testdata');
const host = `${testdata}/host`;
const lines: string[] = [];
const logger = createLogger({ level: 'warn', sink: { write: (l: string) => void lines.push(l) } });
const services: Service[] = [];

afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.stop()));
});

function service(extra: Partial<NodeExporterOptions> = {}): Service {
  const s = createNodeExporterService({
    listenAddress: '127.0.0.1:0',
    logger,
    paths: new HostPaths(`${host}/proc`, `${host}/sys`, `${host}/root`, `${host}/udev`),
    collectors: [...COLLECTORS.keys()],
    collectorOptions: DEFAULT_COLLECTOR_OPTIONS,
    ...extra,
  });
  services.push(s);
  return s;
}

describe('node exporter service', () => {
  it('serves the collectors on the telemetry path in the text format', async () => {
    const s = service({ telemetryPath: '/node' });
    const res = await s.app.inject({ url: '/node' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toContain('# TYPE node_load1 gauge\nnode_load1 0.21\n');
    expect(res.body).toContain('node_scrape_collector_success{collector="loadavg"} 1\n');
    expect(res.body).toContain('process_resident_memory_bytes');
    expect((await s.app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('answers OpenMetrics when the Accept header asks for it, as Prometheus does by default', async () => {
    const s = service();
    const accept =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const res = await s.app.inject({ url: '/metrics', headers: { accept, 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.headers['content-encoding']).toBe('gzip');
    const body = gunzipSync(res.rawPayload).toString();
    expect(body).toContain('# TYPE node_cpu_seconds counter\n');
    expect(body).toContain('node_cpu_seconds_total{cpu="0",mode="user"} 1.0\n');
    expect(body).toContain('# TYPE node_vmstat_pgfault unknown\n');
    expect(body).toContain('# TYPE process_cpu_user_seconds counter\n');
    expect(body.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps basic auth in front of OpenMetrics', async () => {
    const s = service({ webConfigFile: `${testdata}/web/basic-auth.yml` });
    const res = await s.app.inject({ url: '/metrics', headers: { accept: 'application/openmetrics-text' } });
    expect(res.statusCode).toBe(401);
  });

  it('logs a failing collector and reports success 0 without failing the scrape', async () => {
    lines.length = 0;
    const s = service({
      paths: new HostPaths(`${host}/missing`, `${host}/sys`, `${host}/root`),
      collectors: ['loadavg'],
    });
    const res = await s.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('node_scrape_collector_success{collector="loadavg"} 0\n');
    expect(lines.join('')).toMatch(/collector failed.*loadavg|loadavg.*collector failed/);
  });

  it('leaves out the exporter metrics with --web.disable-exporter-metrics', async () => {
    const res = await service({ disableExporterMetrics: true }).app.inject({ url: '/metrics' });
    expect(res.body).not.toContain('process_');
    expect(res.body).not.toContain('nodejs_');
    expect(res.body).toContain('node_load1 0.21');
  });

  it('applies basic auth from --web.config.file', async () => {
    const s = service({ webConfigFile: `${testdata}/web/basic-auth.yml` });
    await s.start();
    expect((await fetch(`${s.address.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${s.address.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from('prometheus:secret').toString('base64')}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('node_load1 0.21');
  });
});
