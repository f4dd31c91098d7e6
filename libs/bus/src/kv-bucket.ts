import { createHash } from 'node:crypto';
import { StorageType } from '@nats-io/jetstream';
import { Kvm, KvWatchInclude } from '@nats-io/kv';
import type { KV, KvEntry } from '@nats-io/kv';
import type { Bus } from './bus-connection.ts';

export interface KvBucketOptions {
  /** Values kept per key (1 = last value only). */
  readonly history?: number;
  /** Entries older than this are removed by the server (ms); 0 = forever. */
  readonly ttlMs?: number;
  /** Stream replicas in a NATS cluster. */
  readonly replicas?: number;
  /** `file` (default) or `memory`. */
  readonly storage?: 'file' | 'memory';
}

/** One value as read or watched; `value` is undefined for deletes and purges. */
export interface KvRecord {
  readonly key: string;
  readonly value: Uint8Array | undefined;
  readonly revision: number;
  readonly operation: 'PUT' | 'DEL' | 'PURGE';
}

export interface KvWatch {
  /** Resolves once every value present when the watch began has been handed over. */
  readonly initialized: Promise<void>;
  stop(): void;
}

export interface KvWatchOptions {
  /** A key or subject wildcard; default all keys. */
  readonly key?: string;
  readonly onError?: (error: unknown) => void;
  /**
   * Called each time the watch has caught up: after the initial values, and again after
   * every re-watch (which hands over the last value of every key once more).
   */
  readonly onSynced?: () => void;
}

/** A JetStream key-value bucket with byte values. Keys follow NATS subject rules (see `kvKey`). */
export interface KvBucket {
  readonly name: string;
  /** Stores a value; resolves with its revision once the server has it. */
  put(key: string, value: Uint8Array | string): Promise<number>;
  get(key: string): Promise<KvRecord | undefined>;
  delete(key: string): Promise<void>;
  /**
   * Calls `onRecord` with the last value of every key (matching `key`, a subject
   * wildcard, default all), then with every change, in revision order. A handler that
   * throws is reported through `onError` and the watch goes on. After a reconnect (the
   * server may have lost its consumers) or a failed watch, it watches again from the
   * last values, so a handler must accept a value it has seen (merges are idempotent).
   */
  watch(onRecord: (record: KvRecord) => void, options?: KvWatchOptions): Promise<KvWatch>;
}

const KEY_OK = /^[-/_=.a-zA-Z0-9]+$/;

/**
 * A valid KV key for any string: the string itself when it is already a safe key
 * (letters, digits, `-/_=.`, no leading/trailing or doubled dot), else a SHA-256 hex digest
 * prefixed with `h.`. Deterministic, so every process maps a string to the same key.
 */
export function kvKey(s: string): string {
  if (s.length > 0 && s.length <= 200 && KEY_OK.test(s) && !/^\.|\.$|\.\./.test(s) && !s.startsWith('h.')) {
    return s;
  }
  return `h.${createHash('sha256').update(s).digest('hex')}`;
}

function toRecord(e: KvEntry): KvRecord {
  return {
    key: e.key,
    value: e.operation === 'PUT' ? e.value : undefined,
    revision: e.revision,
    operation: e.operation,
  };
}

/**
 * Opens the bucket `name`, creating it with `options` when it does not exist (an existing
 * bucket keeps its own settings).
 */
export async function openKvBucket(bus: Bus, name: string, options: KvBucketOptions = {}): Promise<KvBucket> {
  const kvm = new Kvm(bus.js);
  const kv: KV = await kvm.create(name, {
    history: options.history ?? 1,
    ttl: options.ttlMs ?? 0,
    replicas: options.replicas ?? 1,
    storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
  });
  return {
    name,
    put: (key, value) => kv.put(key, value),
    async get(key) {
      const e = await kv.get(key);
      return e === null ? undefined : toRecord(e);
    },
    async delete(key) {
      await kv.delete(key);
    },
    async watch(onRecord, watchOptions = {}) {
      let markInitialized: () => void = () => undefined;
      const initialized = new Promise<void>((resolve) => (markInitialized = resolve));
      let stopped = false;
      let current: { stop(): void } | undefined;
      const synced = () => {
        markInitialized();
        watchOptions.onSynced?.();
      };
      // One pass: the last value of every key, then changes, until stopped or broken.
      const once = async () => {
        const status = await kv.status();
        const iter = await kv.watch({ key: watchOptions.key ?? '>', include: KvWatchInclude.LastValue });
        current = iter;
        if (stopped) iter.stop();
        // The watcher flags the last value present at its start with isUpdate; an empty
        // bucket has none, so the bucket's message count decides that case.
        let caughtUp = status.values === 0;
        if (caughtUp) synced();
        for await (const e of iter) {
          try {
            onRecord(toRecord(e));
          } catch (error) {
            watchOptions.onError?.(error);
          }
          if (e.isUpdate && !caughtUp) {
            caughtUp = true;
            synced();
          }
        }
      };
      const offEvent = bus.onEvent((event) => {
        if (event.type === 'reconnect') current?.stop();
      });
      const first = once();
      void (async () => {
        let pass = first;
        while (!stopped) {
          await pass.catch((error: unknown) => watchOptions.onError?.(error));
          if (stopped) break;
          await new Promise((r) => setTimeout(r, 250));
          pass = once();
        }
      })();
      // The first pass must at least have started: errors opening it go to the caller.
      await new Promise<void>((resolve, reject) => {
        const check = setInterval(() => {
          if (current !== undefined) {
            clearInterval(check);
            resolve();
          }
        }, 5);
        first.catch((error: unknown) => {
          if (current !== undefined) return; // a later failure: the loop watches again
          clearInterval(check);
          stopped = true;
          offEvent();
          reject(error);
        });
      });
      return {
        initialized,
        stop: () => {
          stopped = true;
          offEvent();
          current?.stop();
        },
      };
    },
  };
}
