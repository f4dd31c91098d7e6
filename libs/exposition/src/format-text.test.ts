import { Labels } from '@argus/model';
import { describe, expect, it } from 'vitest';
import { formatText } from './format-text.ts';
import type { MetricFamily } from './metric-family.ts';

const L = (...nv: string[]) => Labels.of(...nv);

const counter: MetricFamily = {
  name: 'http_requests_total',
  type: 'counter',
  help: 'Requests "served".\nBy path \\ code.',
  samples: [
    { name: 'http_requests_total', labels: L('code', '200', 'path', '/a"b\\c\nd'), value: 1027 },
    {
      name: 'http_requests_total',
      labels: L('code', '500', 'path', '/'),
      value: 3,
      timestampMs: 1395066363000,
    },
  ],
};

const histogram: MetricFamily = {
  name: 'rpc_duration_seconds',
  type: 'histogram',
  unit: 'seconds',
  help: 'RPC latency.',
  samples: [
    { name: 'rpc_duration_seconds_bucket', labels: L('le', '0.1'), value: 3 },
    {
      name: 'rpc_duration_seconds_bucket',
      labels: L('le', '+Inf'),
      value: 5,
      exemplar: { labels: L('trace_id', 'abc'), value: 0.67, timestampMs: 1520879607789 },
    },
    { name: 'rpc_duration_seconds_sum', labels: Labels.EMPTY, value: 1.5e-7 },
    { name: 'rpc_duration_seconds_count', labels: Labels.EMPTY, value: 5 },
  ],
};

const utf8: MetricFamily = {
  name: 'my.metric',
  type: 'gauge',
  samples: [{ name: 'my.metric', labels: L('label.name', 'v', 'job', 'j'), value: NaN }],
};

interface Case {
  name: string;
  families: MetricFamily[];
  format: 'text' | 'openmetrics';
  want: string[];
}

describe('formatText', () => {
  it.each<Case>([
    {
      name: 'text counter with escaping and timestamp',
      families: [counter],
      format: 'text',
      want: [
        '# HELP http_requests_total Requests "served".\\nBy path \\\\ code.',
        '# TYPE http_requests_total counter',
        'http_requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027',
        'http_requests_total{code="500",path="/"} 3 1395066363000',
        '',
      ],
    },
    {
      name: 'openmetrics counter drops _total from metadata and escapes quotes in HELP',
      families: [counter],
      format: 'openmetrics',
      want: [
        '# HELP http_requests Requests \\"served\\".\\nBy path \\\\ code.',
        '# TYPE http_requests counter',
        'http_requests_total{code="200",path="/a\\"b\\\\c\\nd"} 1027.0',
        'http_requests_total{code="500",path="/"} 3.0 1395066363',
        '# EOF',
        '',
      ],
    },
    {
      name: 'text histogram has no unit and no exemplar',
      families: [histogram],
      format: 'text',
      want: [
        '# HELP rpc_duration_seconds RPC latency.',
        '# TYPE rpc_duration_seconds histogram',
        'rpc_duration_seconds_bucket{le="0.1"} 3',
        'rpc_duration_seconds_bucket{le="+Inf"} 5',
        'rpc_duration_seconds_sum 1.5e-07',
        'rpc_duration_seconds_count 5',
        '',
      ],
    },
    {
      name: 'openmetrics histogram with unit, integer counts and exemplar',
      families: [histogram],
      format: 'openmetrics',
      want: [
        '# HELP rpc_duration_seconds RPC latency.',
        '# TYPE rpc_duration_seconds histogram',
        '# UNIT rpc_duration_seconds seconds',
        'rpc_duration_seconds_bucket{le="0.1"} 3',
        'rpc_duration_seconds_bucket{le="+Inf"} 5 # {trace_id="abc"} 0.67 1520879607.789',
        'rpc_duration_seconds_sum 1.5e-07',
        'rpc_duration_seconds_count 5',
        '# EOF',
        '',
      ],
    },
    {
      name: 'exemplars only where OpenMetrics allows them',
      families: [
        {
          name: 'g',
          type: 'gauge',
          samples: [
            { name: 'g', labels: Labels.EMPTY, value: 1, exemplar: { labels: L('a', 'b'), value: 1 } },
          ],
        },
      ],
      format: 'openmetrics',
      want: ['# TYPE g gauge', 'g 1.0', '# EOF', ''],
    },
    {
      name: 'UTF-8 names are quoted',
      families: [utf8],
      format: 'text',
      want: ['# TYPE "my.metric" gauge', '{"my.metric",job="j","label.name"="v"} NaN', ''],
    },
    {
      name: 'untyped becomes unknown in OpenMetrics',
      families: [
        { name: 'x', type: 'untyped', samples: [{ name: 'x', labels: Labels.EMPTY, value: -Infinity }] },
      ],
      format: 'openmetrics',
      want: ['# TYPE x unknown', 'x -Inf', '# EOF', ''],
    },
    {
      name: 'OpenMetrics counter without _total gains it on samples, text announces it',
      families: [
        { name: 'c', type: 'counter', samples: [{ name: 'c_total', labels: Labels.EMPTY, value: 1 }] },
      ],
      format: 'text',
      want: ['# TYPE c_total counter', 'c_total 1', ''],
    },
    {
      name: 'info family',
      families: [
        {
          name: 'build',
          type: 'info',
          samples: [{ name: 'build_info', labels: L('version', '1'), value: 1 }],
        },
      ],
      format: 'openmetrics',
      want: ['# TYPE build info', 'build_info{version="1"} 1.0', '# EOF', ''],
    },
    { name: 'nothing in OpenMetrics is just EOF', families: [], format: 'openmetrics', want: ['# EOF', ''] },
  ])('$name', ({ families, format, want }) => {
    expect(formatText(families, format)).toBe(want.join('\n'));
  });
});
