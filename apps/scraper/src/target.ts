import { Labels, LabelsBuilder, formatDuration, parseDuration } from '@argus/model';
import { hashMod, relabel } from '@argus/relabel';
import type { ScrapeConfig } from './config/scraper-config.ts';

/** A group of targets from discovery: `targets` are addresses, `labels` apply to all of them. */
export interface TargetGroup {
  readonly source: string;
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** A target after relabeling: what the scrape loop needs and what `/api/v1/targets` shows. */
export interface Target {
  /** Labels before relabeling (`__meta_*` included). */
  readonly discoveredLabels: Labels;
  /** Labels after relabeling, `__`-prefixed ones included (`__address__`, `__scheme__`, …). */
  readonly labels: Labels;
  /** The labels every sample of the target gets: those not starting with `__`. */
  readonly publicLabels: Labels;
  readonly url: string;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
}

/**
 * This replica's share of the targets (`--shard`/`--shards`): a target is kept when
 * `hashmod(__address__, shards) == shard`, exactly the two rules prometheus-operator appends
 * to every job's `relabel_configs` (`__tmp_hash` by hashmod on `__address__`, then keep).
 */
export interface Sharding {
  readonly shard: number;
  readonly shards: number;
}

/** A discovered target relabeling removed, or one whose labels are unusable. */
export interface DroppedTarget {
  readonly discoveredLabels: Labels;
  readonly error?: string;
}

/**
 * Turns one discovered address into a target as Prometheus 2.42's `PopulateLabels` does:
 * discovered labels plus `job`, `__scheme__`, `__metrics_path__`, `__scrape_interval__`,
 * `__scrape_timeout__` and `__param_*` defaults, then `relabel_configs`, then a default port
 * for the scheme, `__meta_*` removed and `instance` defaulting to `__address__`.
 */
export function populateTarget(
  group: TargetGroup,
  address: string,
  config: ScrapeConfig,
  sharding?: Sharding,
): Target | DroppedTarget {
  const builder = new LabelsBuilder(Labels.fromRecord(group.labels));
  builder.set('__address__', address);
  const setDefault = (name: string, value: string): void => {
    if (builder.get(name) === '') builder.set(name, value);
  };
  setDefault('job', config.job_name);
  setDefault('__scrape_interval__', formatDuration(config.scrapeIntervalMs));
  setDefault('__scrape_timeout__', formatDuration(config.scrapeTimeoutMs));
  setDefault('__metrics_path__', config.metrics_path);
  setDefault('__scheme__', config.scheme);
  for (const [name, values] of Object.entries(config.params)) {
    if (values.length > 0) setDefault(`__param_${name}`, values[0]!);
  }
  const discoveredLabels = builder.labels();
  const relabeled = relabel(discoveredLabels, config.relabel_configs);
  if (relabeled === undefined) return { discoveredLabels };
  // After the job's own rules, as the operator's appended rules run (before the default port).
  if (
    sharding &&
    sharding.shards > 1 &&
    hashMod(relabeled.get('__address__'), sharding.shards) !== sharding.shard
  )
    return { discoveredLabels };
  const fail = (error: string): DroppedTarget => ({ discoveredLabels, error });

  let addr = relabeled.get('__address__');
  if (addr === '') return fail('no address');
  const scheme = relabeled.get('__scheme__');
  const out = new LabelsBuilder(relabeled);
  if (!hasPort(addr)) {
    if (scheme === 'http') addr += ':80';
    else if (scheme === 'https') addr += ':443';
    else return fail(`invalid scheme: ${JSON.stringify(scheme)}`);
    out.set('__address__', addr);
  }
  if (addr.includes('/')) return fail(`${JSON.stringify(addr)} is not a valid hostname`);
  let scrapeIntervalMs: number;
  let scrapeTimeoutMs: number;
  try {
    scrapeIntervalMs = parseDuration(relabeled.get('__scrape_interval__'));
  } catch {
    return fail(`error parsing scrape interval: ${JSON.stringify(relabeled.get('__scrape_interval__'))}`);
  }
  try {
    scrapeTimeoutMs = parseDuration(relabeled.get('__scrape_timeout__'));
  } catch {
    return fail(`error parsing scrape timeout: ${JSON.stringify(relabeled.get('__scrape_timeout__'))}`);
  }
  if (scrapeIntervalMs === 0) return fail('scrape interval cannot be 0');
  if (scrapeTimeoutMs === 0) return fail('scrape timeout cannot be 0');
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    return fail(
      `scrape timeout cannot be greater than scrape interval (${JSON.stringify(relabeled.get('__scrape_timeout__'))} > ${JSON.stringify(relabeled.get('__scrape_interval__'))})`,
    );
  }
  relabeled.forEach((name) => {
    if (name.startsWith('__meta_')) out.delete(name);
  });
  if (out.get('instance') === '') out.set('instance', addr);
  const labels = out.labels();
  const publicNames: string[] = [];
  labels.forEach((name) => {
    if (!name.startsWith('__')) publicNames.push(name);
  });
  return {
    discoveredLabels,
    labels,
    publicLabels: labels.keep(publicNames),
    url: targetUrl(labels, config),
    scrapeIntervalMs,
    scrapeTimeoutMs,
  };
}

export function isTarget(t: Target | DroppedTarget): t is Target {
  return 'url' in t;
}

function hasPort(address: string): boolean {
  if (address.startsWith('[')) return /\]:\d+$/.test(address);
  return /:\d*$/.test(address) && address.split(':').length === 2;
}

/** `scheme://address/metrics_path?params`, `__param_*` labels overriding the config's first values. */
function targetUrl(labels: Labels, config: ScrapeConfig): string {
  const url = new URL(`${labels.get('__scheme__')}://${labels.get('__address__')}`);
  url.pathname = labels.get('__metrics_path__');
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(config.params)) for (const v of values) params.append(name, v);
  labels.forEach((name, value) => {
    if (name.startsWith('__param_')) params.set(name.slice('__param_'.length), value);
  });
  url.search = params.toString();
  return url.toString();
}
