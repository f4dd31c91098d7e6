import { ConfigError } from '@argus/service-kit';
import { describe, expect, it } from 'vitest';
import { ScraperConfigError, parseScraperConfig } from './scraper-config.ts';

const parse = (text: string) => parseScraperConfig(text, 'prometheus.yml', '/etc/prometheus');

describe('parseScraperConfig', () => {
  it('applies global defaults as upstream', () => {
    const c = parse(`
global:
  scrape_interval: 30s
  external_labels: { cluster: a }
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ['h:9100'] }]
  - job_name: fast
    scrape_interval: 5s
remote_write:
  - url: http://tsdb:9090/api/v1/write
`);
    expect(c.externalLabels).toEqual({ cluster: 'a' });
    expect(c.scrapeConfigs[0]).toMatchObject({
      scrapeIntervalMs: 30_000,
      scrapeTimeoutMs: 10_000,
      metrics_path: '/metrics',
      scheme: 'http',
      honor_timestamps: true,
    });
    expect(c.scrapeConfigs[1]).toMatchObject({ scrapeIntervalMs: 5000, scrapeTimeoutMs: 5000 });
    expect(c.remoteWrite[0]!.queue_config).toMatchObject({
      capacity: 10_000,
      max_shards: 50,
      max_samples_per_send: 2000,
    });
  });

  it.each([
    {
      name: 'unknown field',
      text: 'scrape_configs:\n  - job_name: a\n    scrape_intervall: 5s\n',
      want: 'prometheus.yml:3:5: unknown field "scrape_intervall"',
    },
    {
      name: 'bad duration',
      text: 'global:\n  scrape_interval: 5x\n',
      want: 'prometheus.yml:2:20: not a valid duration string: "5x"',
    },
    {
      name: 'bad relabel action',
      text: 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n',
      want: 'prometheus.yml:4:9: unknown relabel action "explode"',
    },
    {
      name: 'hashmod without modulus',
      text: 'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: hashmod, source_labels: [a], target_label: b}\n',
      want: 'requires non-zero modulus',
    },
    {
      name: 'bad scheme',
      text: 'scrape_configs:\n  - job_name: a\n    scheme: ftp\n',
      want: 'prometheus.yml:3:13: invalid value "ftp"',
    },
    {
      name: 'two auths',
      text: 'scrape_configs:\n  - job_name: a\n    bearer_token: x\n    basic_auth: {username: u}\n',
      want: 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    },
    {
      name: 'global timeout above interval',
      text: 'global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n',
      want: 'global scrape timeout greater than scrape interval',
    },
    {
      name: 'bad label name',
      text: 'global:\n  external_labels: {a-b: x}\n',
      want: '"a-b" is not a valid label name',
    },
  ])('refuses $name with file:line', ({ text, want }) => {
    expect(() => parse(text)).toThrow(ConfigError);
    expect(() => parse(text)).toThrow(want);
  });

  it.each([
    {
      name: 'repeated job name',
      text: 'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
      want: 'found multiple scrape configs with job name "a"',
    },
    {
      name: 'timeout above interval',
      text: 'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n',
      want: 'scrape timeout greater than scrape interval for scrape config with job name "a"',
    },
  ])('refuses $name', ({ text, want }) => {
    expect(() => parse(text)).toThrow(ScraperConfigError);
    expect(() => parse(text)).toThrow(want);
  });

  it('a short global interval without a timeout takes the interval as timeout, as upstream', () => {
    expect(
      parse('global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: a\n').scrapeConfigs[0],
    ).toMatchObject({ scrapeIntervalMs: 1000, scrapeTimeoutMs: 1000 });
  });

  it('reads body_size_limit in base-2 units', () => {
    expect(
      parse('scrape_configs:\n  - job_name: a\n    body_size_limit: 10MB\n').scrapeConfigs[0]!
        .body_size_limit,
    ).toBe(10 * 1024 * 1024);
  });
});
