import { describe, expect, it } from 'vitest';
import {
  OPENMETRICS_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
  contentTypeFor,
  detectFormat,
  negotiateFormat,
  scrapeAcceptHeader,
} from './exposition-format.ts';

describe('negotiateFormat', () => {
  it.each([
    { accept: undefined, want: 'text' },
    { accept: '', want: 'text' },
    { accept: '*/*', want: 'text' },
    { accept: 'text/plain', want: 'text' },
    { accept: 'application/openmetrics-text', want: 'openmetrics' },
    { accept: 'application/openmetrics-text; version=1.0.0; charset=utf-8', want: 'openmetrics' },
    { accept: 'application/openmetrics-text;version=0.0.1', want: 'openmetrics' },
    { accept: 'application/openmetrics-text;version=2.0.0', want: 'text' },
    { accept: 'text/plain;q=0.9,application/openmetrics-text;q=0.5', want: 'text' },
    { accept: 'text/plain;q=0.4,application/openmetrics-text;q=0.5', want: 'openmetrics' },
    { accept: 'application/openmetrics-text;q=0', want: 'text' },
    {
      accept:
        'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,application/openmetrics-text;version=1.0.0;q=0.6',
      want: 'openmetrics',
    },
    { accept: scrapeAcceptHeader(), want: 'openmetrics' },
    { accept: scrapeAcceptHeader(['PrometheusText0.0.4']), want: 'text' },
  ])('$accept → $want', ({ accept, want }) => {
    expect(negotiateFormat(accept)).toBe(want);
  });
});

describe('scrapeAcceptHeader', () => {
  it('matches Prometheus 3.x for the default protocols', () => {
    expect(scrapeAcceptHeader()).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,' +
        'application/openmetrics-text;version=0.0.1;q=0.5,' +
        'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,' +
        'text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
  });
  it('counts down from 0.6 for any list', () => {
    expect(scrapeAcceptHeader(['PrometheusText0.0.4', 'OpenMetricsText1.0.0'], 'underscores')).toBe(
      'text/plain;version=0.0.4;q=0.6,application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,*/*;q=0.4',
    );
  });
});

describe('detectFormat and contentTypeFor', () => {
  it.each([
    { ct: OPENMETRICS_CONTENT_TYPE, want: 'openmetrics' },
    { ct: 'Application/OpenMetrics-Text', want: 'openmetrics' },
    { ct: TEXT_CONTENT_TYPE, want: 'text' },
    { ct: 'application/json', want: 'text' },
    { ct: undefined, want: 'text' },
  ])('$ct → $want', ({ ct, want }) => {
    expect(detectFormat(ct)).toBe(want);
  });
  it('uses the fallback for unknown or missing types only', () => {
    expect(detectFormat('application/json', 'openmetrics')).toBe('openmetrics');
    expect(detectFormat(undefined, 'openmetrics')).toBe('openmetrics');
    expect(detectFormat('text/plain; version=0.0.4', 'openmetrics')).toBe('text');
  });
  it('round-trips', () => {
    expect(detectFormat(contentTypeFor('openmetrics'))).toBe('openmetrics');
    expect(detectFormat(contentTypeFor('text'))).toBe('text');
  });
});
