// The local stack `pnpm start` runs: each service with the flags that make it work on
// one machine without NATS or a cluster. Data lives under .data/ in the repository.

export interface StackService {
  /** App directory name under apps/. */
  readonly app: string;
  /** Name in the output and of the data directory when it differs from `app`. */
  readonly name?: string;
  /** Flags for the local stack; `dataDir` is the service's own directory under .data/. */
  readonly args: (dataDir: string) => string[];
}

export const stack: readonly StackService[] = [
  { app: 'node-exporter', args: () => ['--web.listen-address=127.0.0.1:9100'] },
  {
    app: 'tsdb',
    args: (dataDir) => [
      '--web.listen-address=127.0.0.1:9090',
      `--storage.tsdb.path=${dataDir}`,
      // /api/v1/targets and friends are answered by asking the scraper.
      '--scraper.url=http://127.0.0.1:9095',
    ],
  },
  {
    app: 'scraper',
    args: (dataDir) => [
      '--web.listen-address=127.0.0.1:9095',
      '--config.file=tools/dev/prometheus.yml',
      `--storage.path=${dataDir}`,
    ],
  },
  {
    app: 'alertmanager',
    args: (dataDir) => [
      '--web.listen-address=127.0.0.1:9093',
      '--config.file=tools/dev/alertmanager.yml',
      `--storage.path=${dataDir}`,
    ],
  },
  { app: 'pushprox-proxy', args: () => ['--web.listen-address=127.0.0.1:8080'] },
  // Lets a scraper reach the node exporter through the proxy:
  // http://127.0.0.1:9100/metrics with proxy_url http://127.0.0.1:8080.
  {
    app: 'pushprox-client',
    args: () => ['--fqdn=127.0.0.1', '--proxy-url=http://127.0.0.1:8080', '--metrics-addr=127.0.0.1:9369'],
  },
  {
    app: 'alerting-driver',
    name: 'teams-driver',
    args: () => ['teams', '--configpath=tools/dev/prom2teams.ini'],
  },
  {
    app: 'alerting-driver',
    name: 'sms-driver',
    args: () => ['sms', '-config=tools/dev/sachet.yml', '-listen-address=127.0.0.1:9876'],
  },
];
