import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { connectBus } from '@argus/bus';
import type { Logger } from '@argus/service-kit';
import type { NotificationLog } from '../dispatch/notification-log.ts';
import type { Silences } from '../domain/silences.ts';
import { clusterNames } from './cluster-messages.ts';
import type { ClusterPeer } from './cluster-peer.ts';
import { NatsPeer } from './nats-peer.ts';
import { replicateNflog, replicateSilences } from './replication.ts';

export interface NatsClusterOptions {
  /** `--nats.url` (one URL or several, comma-separated). */
  readonly natsUrl: string;
  /** `--cluster.peer-name`; a random ULID when empty, as upstream. */
  readonly peerName?: string;
  /** Shown as this peer's address (`--cluster.advertise-address`, else derived). */
  readonly address: string;
  /** `--cluster.label`. */
  readonly label?: string;
  /** `--cluster.gossip-interval`; heartbeats go every 5 × this, at least every second. */
  readonly gossipIntervalMs?: number;
  readonly settleTimeoutMs?: number;
  readonly retentionMs: number;
  readonly logger: Logger;
}

export interface NatsCluster {
  readonly peer: ClusterPeer;
  stop(): Promise<void>;
}

/**
 * Joins the cluster over NATS: connects (failing start with the servers named when NATS
 * cannot be reached), replicates the notification log and the silences through JetStream
 * KV, and announces this replica. Returns once connected; settling goes on in the background.
 */
export async function startNatsCluster(
  options: NatsClusterOptions,
  state: { readonly nflog: NotificationLog; readonly silences: Silences },
): Promise<NatsCluster> {
  const names = clusterNames(options.label ?? '');
  const name = options.peerName || ulid();
  const logger = options.logger;
  const bus = await connectBus({
    servers: options.natsUrl,
    name: `alertmanager ${name}`,
    onEvent: (e) =>
      e.type === 'error'
        ? logger.warn({ err: e.message }, 'NATS error')
        : logger.warn(
            { server: e.server },
            e.type === 'disconnect' ? 'Disconnected from NATS' : 'Reconnected to NATS',
          ),
  });
  try {
    const common = { bus, retentionMs: options.retentionMs, logger };
    const nflog = await replicateNflog(state.nflog, { ...common, bucket: names.nflogBucket });
    const silences = await replicateSilences(state.silences, { ...common, bucket: names.silencesBucket });
    const heartbeatMs = Math.max(1_000, 5 * (options.gossipIntervalMs ?? 200));
    const peer = new NatsPeer({
      bus,
      subject: names.peersSubject,
      name,
      address: options.address,
      heartbeatMs,
      settleTimeoutMs: options.settleTimeoutMs ?? 60_000,
      stateLoaded: Promise.all([nflog.initialized, silences.initialized]).then(() => undefined),
      logger,
    });
    peer.start();
    logger.info(
      { peer: name, nats: options.natsUrl, label: options.label || 'default' },
      'Joined the cluster over NATS',
    );
    return {
      peer,
      async stop() {
        await peer.stop();
        nflog.stop();
        silences.stop();
        await bus.close();
      },
    };
  } catch (error) {
    await bus.close();
    throw error;
  }
}

/** The address shown for this peer: the advertise address, else the listen address with this host's name for a wildcard host. */
export function peerAddress(advertise: string, listen: string): string {
  if (advertise !== '') return advertise;
  const i = listen.lastIndexOf(':');
  const host = i < 0 ? listen : listen.slice(0, i);
  const port = i < 0 ? '' : listen.slice(i + 1);
  const shown = host === '' || host === '0.0.0.0' || host === '[::]' ? hostname() : host;
  return port === '' ? shown : `${shown}:${port}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID (time-ordered, 26 Crockford base-32 characters), upstream's default peer name. */
export function ulid(nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32]!;
  return time + rand;
}
