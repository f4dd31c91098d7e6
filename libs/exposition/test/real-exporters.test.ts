import { Buffer } from 'node:buffer';
import { Labels } from '@argus/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OPENMETRICS_CONTENT_TYPE,
  detectFormat,
  formatText,
  parseFamilies,
  scrapeAcceptHeader,
} from '../src/index.ts';
import type { MetricFamily } from '../src/index.ts';
import { startUpstream } from './upstream-process.ts';
import { withoutEmptyLabels } from './without-empty-labels.ts';
import type { UpstreamProcess } from './upstream-process.ts';

const ACCEPT_HEADERS = {
  text: 'text/plain;version=0.0.4;q=0.6,*/*;q=0.5',
  openmetrics: scrapeAcceptHeader(),
};

async function scrape(address: string, accept: string): Promise<{ body: Buffer; contentType: string }> {
  const res = await fetch(`http://${address}/metrics`, { headers: { Accept: accept } });
  expect(res.status).toBe(200);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

/** Families and samples counted by plain line inspection, independent of the parser. */
function countLines(body: Buffer): { types: number; samples: number } {
  const lines = body.toString('utf8').split('\n');
  return {
    types: lines.filter((l) => l.startsWith('# TYPE ')).length,
    samples: lines.filter((l) => l !== '' && !l.startsWith('#')).length,
  };
}

describe("Debian's prometheus-node-exporter", () => {
  let exporter: UpstreamProcess;
  beforeAll(async () => {
    exporter = await startUpstream('prometheus-node-exporter');
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  it.each(Object.entries(ACCEPT_HEADERS))('parses its /metrics when asked for %s', async (_, accept) => {
    const { body, contentType } = await scrape(exporter.address, accept);
    const families = parseFamilies(body, contentType);
    const counted = countLines(body);
    expect(families.length).toBeGreaterThan(100);
    expect(families).toHaveLength(counted.types);
    expect(families.reduce((n, f) => n + f.samples.length, 0)).toBe(counted.samples);
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('node_cpu_seconds_total')?.type).toBe('counter');
    expect(byName.get('node_cpu_seconds_total')?.samples[0]?.labels.has('mode')).toBe(true);
    expect(byName.get('node_load1')?.type).toBe('gauge');
    expect(byName.get('go_gc_duration_seconds')?.type).toBe('summary');
    expect(byName.get('node_exporter_build_info')?.samples[0]?.labels.get('version')).toMatch(/^1\./);
  });

  it('is written back by formatText byte for byte (empty label values aside)', async () => {
    const { body } = await scrape(exporter.address, ACCEPT_HEADERS.text);
    const text = body.toString('utf8');
    const written = formatText(parseFamilies(text, 'text', { normalizeFloatLabelValues: false }), 'text');
    expect(written.split('\n')).toEqual(text.split('\n').map(withoutEmptyLabels));
  });
});

describe("Debian's prometheus-pushgateway", () => {
  let gateway: UpstreamProcess;
  beforeAll(async () => {
    gateway = await startUpstream('prometheus-pushgateway');
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  // What we push: written by our formatText, read by the pushgateway's Go parser.
  const pushed: MetricFamily[] = [
    {
      name: 'argus_job_seconds',
      type: 'histogram',
      help: 'Job latency with \\ backslash and\nnewline.',
      samples: [
        { name: 'argus_job_seconds_bucket', labels: Labels.of('le', '0.5'), value: 1 },
        { name: 'argus_job_seconds_bucket', labels: Labels.of('le', '+Inf'), value: 3 },
        { name: 'argus_job_seconds_sum', labels: Labels.EMPTY, value: 2.75e-7 },
        { name: 'argus_job_seconds_count', labels: Labels.EMPTY, value: 3 },
      ],
    },
    {
      name: 'argus_tricky',
      type: 'gauge',
      samples: [
        {
          name: 'argus_tricky',
          labels: Labels.of('path', 'a"b\\c\nd', 'utf', 'ünïcödé ✓'),
          value: -Infinity,
        },
        { name: 'argus_tricky', labels: Labels.of('path', 'big'), value: 1.6481927168e10 },
      ],
    },
    {
      name: 'argus_pushed_total',
      type: 'counter',
      samples: [{ name: 'argus_pushed_total', labels: Labels.of('kind', 'x'), value: 42 }],
    },
  ];

  it('accepts what formatText writes and serves it back unchanged', async () => {
    const put = await fetch(`http://${gateway.address}/metrics/job/argus/instance/test`, {
      method: 'PUT',
      body: formatText(pushed, 'text'),
    });
    expect(put.status).toBe(200);
    for (const accept of Object.values(ACCEPT_HEADERS)) {
      const { body, contentType } = await scrape(gateway.address, accept);
      const families = parseFamilies(body, contentType);
      const counted = countLines(body);
      expect(families).toHaveLength(counted.types);
      const byName = new Map(families.map((f) => [f.name, f]));
      for (const want of pushed) {
        const got = byName.get(want.name)!;
        expect(got.type).toBe(want.type);
        if (want.help !== undefined) expect(got.help).toBe(want.help);
        // The gateway reorders samples within a family; compare them as sets.
        const rows = (f: MetricFamily, drop: string[]) =>
          f.samples.map((s) => `${s.name}${s.labels.drop(drop).toString()} ${s.value}`).sort();
        expect(rows(got, ['job', 'instance'])).toEqual(rows(want, []));
      }
      const text = body.toString('utf8');
      const written = formatText(
        parseFamilies(text, contentType, { normalizeFloatLabelValues: false }),
        'text',
      );
      expect(written.split('\n')).toEqual(text.split('\n').map(withoutEmptyLabels));
      expect(byName.get('pushgateway_build_info')?.type).toBe('gauge');
      expect(byName.get('push_time_seconds')?.samples[0]?.labels.get('job')).toBe('argus');
    }
  });

  it('rejects a body its Go parser refuses, and so do we', async () => {
    const bad = 'argus_bad{a="b" 1\n';
    const put = await fetch(`http://${gateway.address}/metrics/job/argus_bad`, { method: 'PUT', body: bad });
    expect(put.status).toBe(400);
    expect(() => parseFamilies(bad, 'text')).toThrow(/expected label name/);
  });

  it('detects the format from the Content-Type it sends', async () => {
    const { contentType } = await scrape(gateway.address, ACCEPT_HEADERS.openmetrics);
    expect(detectFormat(contentType)).toBe(
      contentType.startsWith('application/openmetrics-text') ? 'openmetrics' : 'text',
    );
    expect(detectFormat(OPENMETRICS_CONTENT_TYPE)).toBe('openmetrics');
  });
});
