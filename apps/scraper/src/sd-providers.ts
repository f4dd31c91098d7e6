import { HttpSd, KubernetesSd, TargetGroupSet } from '@argus/discovery';
import type { HttpSdGet, KubernetesSdConfig, TargetGroup as DiscoveredGroup } from '@argus/discovery';
import type { ScrapeConfig } from './config/scraper-config.ts';
import { scrapeHttpClients } from './http-client-cache.ts';
import { SCRAPER_USER_AGENT, authorizationHeader } from './http-scrape.ts';
import { sdMetrics } from './metrics/self-metrics.ts';
import type { DiscoveryProvider } from './scrape-manager.ts';
import type { TargetGroup } from './target.ts';

type Log = (message: string, fields?: Record<string, unknown>) => void;
type HttpSdConfig = ScrapeConfig['http_sd_configs'][number];
type KubernetesSdEntry = ScrapeConfig['kubernetes_sd_configs'][number];

/** How long changes from Kubernetes are collected before the job's targets are re-synced. */
const KUBERNETES_UPDATE_DELAY_MS = 100;
/** How long a job's start waits for its Kubernetes lists. */
const KUBERNETES_SYNC_TIMEOUT_MS = 5_000;

/**
 * Discovered groups as the scrape pool takes them: one group per target with the group's
 * labels under the target's own (a target's labels win, as upstream's `PopulateLabels`).
 */
export function toPoolGroups(groups: readonly DiscoveredGroup[]): TargetGroup[] {
  const out: TargetGroup[] = [];
  for (const g of groups) {
    g.targets.forEach((t, i) => {
      const { __address__: address = '', ...own } = t;
      out.push({ source: `${g.source}/${i}`, targets: [address], labels: { ...g.labels, ...own } });
    });
  }
  return out;
}

/** HTTP SD GETs through the scrape configs' shared clients (`tls_config`, `proxy_url`, redirects) with the entry's auth. */
function httpSdGet(c: HttpSdConfig, baseDir: string): HttpSdGet {
  // One GET is one refresh: timed and, when it errors or answers other than 200, counted failed.
  return async (url, headers, signal) => {
    const started = performance.now();
    let ok = false;
    try {
      const auth = authorizationHeader(c, baseDir);
      const res = await scrapeHttpClients
        .client(c, baseDir)
        .get(url, auth ? { ...headers, authorization: auth } : headers, signal);
      const contentType = res.headers['content-type'];
      const answer = {
        statusCode: res.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        body: await res.body.text(),
      };
      ok = res.statusCode === 200;
      return answer;
    } finally {
      sdMetrics.refreshDuration.observe({ mechanism: 'http' }, (performance.now() - started) / 1000);
      if (!ok) {
        sdMetrics.refreshFailures.inc({ mechanism: 'http' });
        sdMetrics.httpFailures.inc();
      }
    }
  };
}

/** The `http_sd_configs` of a job, one provider each (`http/<index>`). */
export function httpSdProviders(sc: ScrapeConfig, baseDir: string, log: Log): DiscoveryProvider[] {
  return sc.http_sd_configs.map((c, i) => {
    let sd: HttpSd | undefined;
    return {
      name: `http/${i}`,
      start: async (onGroups) => {
        sd = new HttpSd({
          url: c.url,
          refreshIntervalMs: c.refresh_interval,
          get: httpSdGet(c, baseDir),
          userAgent: SCRAPER_USER_AGENT,
          onGroups: (groups) => onGroups(toPoolGroups(groups)),
          onError: (message) => log('http discovery', { job: sc.job_name, err: message }),
        });
        await sd.start();
      },
      stop: () => sd?.stop(),
    };
  });
}

/** The library's config from the decoded entry, secrets revealed (they stay in memory). */
function kubernetesConfig(c: KubernetesSdEntry): KubernetesSdConfig {
  return {
    ...c,
    basic_auth: c.basic_auth && {
      username: c.basic_auth.username,
      password: c.basic_auth.password?.reveal(),
      password_file: c.basic_auth.password_file,
    },
    authorization: c.authorization && {
      type: c.authorization.type,
      credentials: c.authorization.credentials?.reveal(),
      credentials_file: c.authorization.credentials_file,
    },
    bearer_token: c.bearer_token?.reveal(),
    tls_config: c.tls_config && { ...c.tls_config, key: c.tls_config.key?.reveal() },
  };
}

/**
 * The `kubernetes_sd_configs` of a job, one provider each (`kubernetes/<index>`). Changes
 * arrive group by group; they are kept in a {@link TargetGroupSet} and the whole list is
 * handed on, batched over {@link KUBERNETES_UPDATE_DELAY_MS}.
 */
export function kubernetesSdProviders(sc: ScrapeConfig, baseDir: string, log: Log): DiscoveryProvider[] {
  return sc.kubernetes_sd_configs.map((c, i) => {
    let sd: KubernetesSd | undefined;
    let timer: NodeJS.Timeout | undefined;
    return {
      name: `kubernetes/${i}`,
      start: async (onGroups) => {
        const set = new TargetGroupSet();
        let started = false;
        const emit = (): void => {
          timer = undefined;
          onGroups(toPoolGroups(set.groups()));
        };
        sd = new KubernetesSd({
          config: kubernetesConfig(c),
          baseDir,
          // An unreachable API server delays the job's start this long at most; its
          // targets come once the lists succeed.
          syncTimeoutMs: KUBERNETES_SYNC_TIMEOUT_MS,
          onUpdate: (groups) => {
            set.update(groups);
            if (started && timer === undefined) timer = setTimeout(emit, KUBERNETES_UPDATE_DELAY_MS);
          },
          onError: (message) => {
            sdMetrics.kubernetesFailures.inc();
            log('kubernetes discovery', { job: sc.job_name, role: c.role, err: message });
          },
        });
        try {
          await sd.start();
        } catch (error) {
          // A bad kubeconfig or missing in-cluster files: the job runs without these targets.
          log('kubernetes discovery', { job: sc.job_name, role: c.role, err: (error as Error).message });
        }
        started = true;
        emit();
      },
      stop: () => {
        clearTimeout(timer);
        sd?.stop();
      },
    };
  });
}
