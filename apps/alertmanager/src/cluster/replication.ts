import { kvKey, openKvBucket } from '@argus/bus';
import type { Bus, KvBucket } from '@argus/bus';
import type { Logger } from '@argus/service-kit';
import type { NotificationLog } from '../dispatch/notification-log.ts';
import type { Silences } from '../domain/silences.ts';
import { silenceFromStored, storedSilence } from '../silence-snapshot.ts';
import { encodeJson, parseNflogEntry, parseStoredSilence } from './cluster-messages.ts';

/** A running replication: `initialized` once the bucket's contents have been merged. */
export interface Replication {
  readonly initialized: Promise<void>;
  stop(): void;
}

interface ReplicationOptions {
  readonly bus: Bus;
  readonly bucket: string;
  readonly retentionMs: number;
  readonly logger: Logger;
}

/**
 * Shares the notification log through a KV bucket: every local write is put (before
 * the next flush of any peer can look, in practice within a millisecond or two), every
 * value in the bucket is merged with upstream's rule. After each full read of the bucket
 * (at start and after a NATS reconnect) local entries it lacks are put too, so writes
 * that failed while NATS was away reach the others.
 */
export async function replicateNflog(
  nflog: NotificationLog,
  options: ReplicationOptions,
): Promise<Replication> {
  const kv = await openKvBucket(options.bus, options.bucket, { ttlMs: options.retentionMs });
  const inBucket = new Map<string, number>();
  const put = (key: string, value: unknown) =>
    void kv.put(kvKey(key), encodeJson(value)).catch((error: unknown) => warn(options, 'nflog', error));
  const unsubscribe = nflog.subscribe((e) => put(e.key, e));
  const watch = await kv.watch(
    (r) => {
      if (r.value === undefined) return;
      const e = parseNflogEntry(r.value);
      if (e === undefined) return warnBad(options, r.key);
      inBucket.set(e.key, Math.max(inBucket.get(e.key) ?? 0, e.timestampMs));
      nflog.merge(e, Date.now());
    },
    {
      onError: (error) => warn(options, 'nflog', error),
      // Each time the bucket has been read (at start, after a reconnect), put what it lacks:
      // entries written while this replica was alone or NATS was away.
      onSynced: () => {
        for (const e of nflog.snapshot()) if ((inBucket.get(e.key) ?? 0) < e.timestampMs) put(e.key, e);
      },
    },
  );
  const initialized = watch.initialized;
  return {
    initialized,
    stop: () => {
      unsubscribe();
      watch.stop();
    },
  };
}

/**
 * Shares silences through a KV bucket keyed by silence id: local creations, updates and
 * expiries are put; values from peers are merged (a later `updatedAt` wins) and so reach
 * this replica's `silences.json`. Values whose retention ended are deleted from the bucket.
 */
export async function replicateSilences(
  silences: Silences,
  options: ReplicationOptions,
): Promise<Replication> {
  const kv: KvBucket = await openKvBucket(options.bus, options.bucket);
  const inBucket = new Map<string, number>();
  const put = (id: string, value: unknown) =>
    void kv.put(kvKey(id), encodeJson(value)).catch((error: unknown) => warn(options, 'silences', error));
  const previous = silences.onWrite;
  silences.onWrite = (s, origin) => {
    previous?.(s, origin);
    if (origin === 'local') put(s.id, storedSilence(s));
  };
  const watch = await kv.watch(
    (r) => {
      if (r.value === undefined) return;
      const stored = parseStoredSilence(r.value);
      if (stored === undefined) return warnBad(options, r.key);
      inBucket.set(stored.id, Math.max(inBucket.get(stored.id) ?? 0, stored.updatedAtMs));
      const now = Date.now();
      if (stored.endsAtMs + options.retentionMs <= now) {
        void kv.delete(r.key).catch(() => undefined);
        return;
      }
      silences.merge(silenceFromStored(stored), now);
    },
    {
      onError: (error) => warn(options, 'silences', error),
      onSynced: () => {
        for (const s of silences.all()) {
          if ((inBucket.get(s.id) ?? 0) < s.updatedAtMs) put(s.id, storedSilence(s));
        }
      },
    },
  );
  const initialized = watch.initialized;
  return {
    initialized,
    stop: () => {
      silences.onWrite = previous;
      watch.stop();
    },
  };
}

function warn(options: ReplicationOptions, what: string, error: unknown): void {
  options.logger.warn(
    { bucket: options.bucket, err: (error as Error).message },
    `Replicating the ${what} failed`,
  );
}

function warnBad(options: ReplicationOptions, key: string): void {
  options.logger.warn({ bucket: options.bucket, key }, 'Ignoring a malformed value in the cluster state');
}
