// The local stack `pnpm start` runs: each service with the flags that make it work on
// one machine without NATS or a cluster. Data lives under .data/ in the repository.

export interface StackService {
  /** App directory name under apps/. */
  readonly app: string;
  /** Flags for the local stack; `dataDir` is the service's own directory under .data/. */
  readonly args: (dataDir: string) => string[];
}

export const stack: readonly StackService[] = [
  { app: 'node-exporter', args: () => ['--web.listen-address=127.0.0.1:9100'] },
  {
    app: 'tsdb',
    args: (dataDir) => ['--web.listen-address=127.0.0.1:9090', `--storage.tsdb.path=${dataDir}`],
  },
];
