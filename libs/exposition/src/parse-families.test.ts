import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Labels } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { formatText } from './format-text.ts';
import type { MetricFamily } from './metric-family.ts';
import { isSampleOfFamily, parseFamilies } from './parse-families.ts';
import { plain } from '../test/plain-families.ts';
import { withoutEmptyLabels } from '../test/without-empty-labels.ts';

const conformance = resolve(import.meta.dirname, '../../../../shared/conformance');
const nodeExporterFixture = readFileSync(resolve(conformance, 'node_exporter/fixtures/e2e-output.txt'));

describe('parseFamilies', () => {
  it('groups the samples of each type under its family', () => {
    const text = [
      '# HELP rpc_seconds RPC latency.',
      '# TYPE rpc_seconds summary',
      'rpc_seconds{quantile="0.5"} 1',
      'rpc_seconds_sum 10',
      'rpc_seconds_count 4',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 3',
      'h_count 2',
      'stray 1',
      'stray{a="b"} 2',
      '# TYPE c_total counter',
      'c_total 5 1000',
    ].join('\n');
    const families = parseFamilies(text, 'text/plain; version=0.0.4');
    expect(families.map((f) => [f.name, f.type, f.help, f.samples.length])).toEqual([
      ['rpc_seconds', 'summary', 'RPC latency.', 3],
      ['h', 'histogram', undefined, 4],
      ['stray', 'untyped', undefined, 2],
      ['c_total', 'counter', undefined, 1],
    ]);
    expect(families[1]!.samples[0]!.labels.toString()).toBe('{le="1.0"}');
    expect(families[3]!.samples[0]).toEqual({
      name: 'c_total',
      labels: Labels.EMPTY,
      value: 5,
      timestampMs: 1000,
    });
  });

  it('reads OpenMetrics counters, _created, units, info and exemplars', () => {
    const text = [
      '# TYPE req_requests counter',
      '# UNIT req_requests requests',
      'req_requests_total 3 # {trace="x"} 1 1.5',
      'req_requests_created 1600000000.5',
      '# TYPE build info',
      'build_info{version="1"} 1',
      'unknown_thing 7',
      '# EOF',
    ].join('\n');
    const families = parseFamilies(text, 'application/openmetrics-text; version=1.0.0');
    expect(plain(families)).toEqual([
      {
        name: 'req_requests',
        type: 'counter',
        unit: 'requests',
        samples: [
          {
            name: 'req_requests_total',
            labels: [],
            value: 3,
            exemplar: { labels: ['trace', 'x'], value: 1, timestampMs: 1500 },
          },
          { name: 'req_requests_created', labels: [], value: 1600000000.5, exemplar: undefined },
        ],
      },
      {
        name: 'build',
        type: 'info',
        samples: [{ name: 'build_info', labels: ['version', '1'], value: 1, exemplar: undefined }],
      },
      {
        name: 'unknown_thing',
        type: 'unknown',
        samples: [{ name: 'unknown_thing', labels: [], value: 7, exemplar: undefined }],
      },
    ]);
  });

  it('keeps two families that share a name apart (client_golang OpenMetrics output)', () => {
    const text = '# TYPE a_bytes gauge\na_bytes 1\n# TYPE a_bytes counter\na_bytes_total 2\n# EOF\n';
    expect(parseFamilies(text, 'openmetrics').map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['a_bytes', 'gauge', 1],
      ['a_bytes', 'counter', 1],
    ]);
  });

  it.each([
    { name: 'x_total', family: 'x', type: 'counter' as const, want: true },
    { name: 'x_created', family: 'x', type: 'counter' as const, want: true },
    { name: 'x_bucket', family: 'x', type: 'counter' as const, want: false },
    { name: 'x_gsum', family: 'x', type: 'gaugehistogram' as const, want: true },
    { name: 'x_sum', family: 'x', type: 'summary' as const, want: true },
    { name: 'x_info', family: 'x', type: 'info' as const, want: true },
    { name: 'x', family: 'x', type: 'gauge' as const, want: true },
    { name: 'xy', family: 'x', type: 'gauge' as const, want: false },
  ])('isSampleOfFamily($name, $family, $type) = $want', ({ name, family, type, want }) => {
    expect(isSampleOfFamily(name, family, type)).toBe(want);
  });
});

describe('node_exporter end-to-end fixture (upstream output)', () => {
  const families = parseFamilies(nodeExporterFixture, 'text');

  it('has every family and sample', () => {
    expect(families).toHaveLength(1228);
    expect(families.reduce((n, f) => n + f.samples.length, 0)).toBe(3027);
  });

  it('has known families with their types and labels', () => {
    const byName = new Map(families.map((f) => [f.name, f]));
    const cpu = byName.get('node_cpu_seconds_total')!;
    expect(cpu.type).toBe('counter');
    expect(cpu.help).toBe('Seconds the CPUs spent in each mode.');
    expect(cpu.samples[0]).toEqual({
      name: 'node_cpu_seconds_total',
      labels: Labels.of('cpu', '0', 'mode', 'idle'),
      value: 10870.69,
    });
    expect(byName.get('go_gc_duration_seconds')?.type).toBe('summary');
    expect(byName.get('node_load1')?.type).toBe('gauge');
  });

  it('is written back byte for byte as client_golang wrote it (empty label values aside)', () => {
    const text = nodeExporterFixture.toString('utf8');
    const written = formatText(parseFamilies(text, 'text', { normalizeFloatLabelValues: false }), 'text');
    expect(written.split('\n')).toEqual(text.split('\n').map(withoutEmptyLabels));
  });

  it('survives format∘parse in the text format unchanged', () => {
    expect(plain(parseFamilies(formatText(families, 'text'), 'text'))).toEqual(plain(families));
  });

  it('survives format∘parse through OpenMetrics with the same samples', () => {
    const again = parseFamilies(formatText(families, 'openmetrics'), 'openmetrics');
    const samples = (fs: MetricFamily[]) =>
      fs.flatMap((f) => f.samples.map((s) => `${s.name}${s.labels} ${s.value}`));
    expect(samples(again)).toEqual(samples(families));
    expect(again).toHaveLength(families.length);
  });
});
