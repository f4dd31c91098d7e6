import { describe, expect, it } from 'vitest';
import { parseScraperConfig } from './config/scraper-config.ts';
import { isTarget, populateTarget } from './target.ts';

const config = (extra = '') =>
  parseScraperConfig(
    `scrape_configs:\n  - job_name: node\n    params: {module: [a, b]}\n${extra}`,
    'p.yml',
    '.',
  ).scrapeConfigs[0]!;

describe('populateTarget', () => {
  it('fills defaults, removes __meta_*, sets instance and builds the URL', () => {
    const t = populateTarget(
      { source: 's', targets: [], labels: { __meta_x: 'y', env: 'prod' } },
      'h:9100',
      config(),
    );
    expect(isTarget(t)).toBe(true);
    if (!isTarget(t)) return;
    expect(t.discoveredLabels.toRecord()).toMatchObject({
      __meta_x: 'y',
      job: 'node',
      __scheme__: 'http',
      __metrics_path__: '/metrics',
      __scrape_interval__: '1m',
      __scrape_timeout__: '10s',
      __param_module: 'a',
    });
    expect(t.publicLabels.toRecord()).toEqual({ env: 'prod', instance: 'h:9100', job: 'node' });
    // As upstream, a __param_ label replaces every configured value of that parameter.
    expect(t.url).toBe('http://h:9100/metrics?module=a');
  });

  it('adds the default port of the scheme as 2.42 does', () => {
    const t = populateTarget({ source: 's', targets: [], labels: {} }, 'example.org', config());
    expect(isTarget(t) && t.labels.get('__address__')).toBe('example.org:80');
  });

  it('relabeling can drop a target, rewrite the address and the interval', () => {
    const extra = `    relabel_configs:
      - {source_labels: [__address__], regex: 'skip.*', action: drop}
      - {source_labels: [__address__], regex: '(.*):9100', target_label: __address__, replacement: '$1:9200'}
      - {target_label: __scrape_interval__, replacement: 30s}
`;
    const dropped = populateTarget({ source: 's', targets: [], labels: {} }, 'skip:1', config(extra));
    expect(isTarget(dropped)).toBe(false);
    const t = populateTarget({ source: 's', targets: [], labels: {} }, 'h:9100', config(extra));
    expect(isTarget(t) && [t.url, t.scrapeIntervalMs, t.labels.get('instance')]).toEqual([
      'http://h:9200/metrics?module=a',
      30_000,
      'h:9200',
    ]);
  });

  it('refuses a timeout above the interval after relabeling', () => {
    const t = populateTarget(
      { source: 's', targets: [], labels: {} },
      'h:1',
      config(`    relabel_configs:\n      - {target_label: __scrape_interval__, replacement: 1s}\n`),
    );
    expect(isTarget(t) ? '' : t.error).toContain('scrape timeout cannot be greater than scrape interval');
  });

  it("--shard/--shards keeps exactly the targets prometheus-operator's shard relabelling keeps", () => {
    const addresses = Array.from({ length: 60 }, (_, i) => `host-${i}.example:9100`);
    const group = { source: 's', targets: addresses, labels: {} };
    const shards = 3;
    const seen = new Map<string, number>();
    for (let shard = 0; shard < shards; shard++) {
      // The operator's rules, written into the job: hashmod on __address__, keep this shard.
      const operator = config(
        `    relabel_configs:\n      - {source_labels: [__address__], target_label: __tmp_hash, modulus: ${shards}, action: hashmod}\n      - {source_labels: [__tmp_hash], regex: '${shard}', action: keep}\n`,
      );
      const byRules = addresses.filter((a) => isTarget(populateTarget(group, a, operator)));
      const byFlag = addresses.filter((a) => isTarget(populateTarget(group, a, config(), { shard, shards })));
      expect(byFlag).toEqual(byRules);
      for (const a of byFlag) seen.set(a, (seen.get(a) ?? 0) + 1);
    }
    // Every target is scraped by exactly one replica, and the split is not degenerate.
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBe(addresses.length);
  });
});
