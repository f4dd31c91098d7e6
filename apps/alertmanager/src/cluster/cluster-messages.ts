import type { StoredNflogEntry } from '../dispatch/notification-log.ts';
import type { StoredSilence } from '../silence-snapshot.ts';

/**
 * The NATS contracts of Alertmanager HA, in one place. Version 1; a change of payload
 * shape gets a new version in every name below.
 *
 * - Subject `argus.alertmanager.v1.<label>.peers`: {@link PeerHeartbeat}, core NATS (not
 *   persisted), every heartbeat interval from every replica, and once with `leaving` on
 *   a clean stop.
 * - KV bucket `argus-am-v1-<label>-nflog`: key `kvKey(<nflog key>)`, value a
 *   {@link StoredNflogEntry} as JSON; the bucket's age limit is `--data.retention`.
 * - KV bucket `argus-am-v1-<label>-silences`: key the silence id, value a
 *   {@link StoredSilence} as JSON; kept until the silence's retention ends.
 *
 * `<label>` is `--cluster.label`, `default` when empty.
 */
export interface ClusterNames {
  readonly peersSubject: string;
  readonly nflogBucket: string;
  readonly silencesBucket: string;
}

const LABEL_OK = /^[a-zA-Z0-9_-]{1,64}$/;

/** The names for a cluster label; throws when the label cannot be part of a bucket name. */
export function clusterNames(label: string): ClusterNames {
  const l = label === '' ? 'default' : label;
  if (!LABEL_OK.test(l)) {
    throw new Error(
      `invalid --cluster.label ${JSON.stringify(label)}: with --nats.url it must be 1-64 letters, digits, '-' or '_'`,
    );
  }
  return {
    peersSubject: `argus.alertmanager.v1.${l}.peers`,
    nflogBucket: `argus-am-v1-${l}-nflog`,
    silencesBucket: `argus-am-v1-${l}-silences`,
  };
}

/** A replica announcing itself. */
export interface PeerHeartbeat {
  readonly name: string;
  /** Shown as the peer's `address` in `/api/v2/status`. */
  readonly address: string;
  /** True in the last message of a replica that stops cleanly. */
  readonly leaving?: boolean;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function parseJson(data: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(data));
}

/** Decodes a heartbeat; undefined when the payload is not one. */
export function parseHeartbeat(data: Uint8Array): PeerHeartbeat | undefined {
  try {
    const v = parseJson(data) as Record<string, unknown>;
    if (!isString(v['name']) || v['name'] === '' || !isString(v['address'])) return undefined;
    return { name: v['name'], address: v['address'], leaving: v['leaving'] === true };
  } catch {
    return undefined;
  }
}

/** Decodes an nflog KV value; undefined when malformed. */
export function parseNflogEntry(data: Uint8Array): StoredNflogEntry | undefined {
  try {
    const v = parseJson(data) as Record<string, unknown>;
    if (!isString(v['key']) || !isNumber(v['timestampMs']) || !isNumber(v['expiresAtMs'])) return undefined;
    if (!isStringArray(v['firing']) || !isStringArray(v['resolved'])) return undefined;
    return {
      key: v['key'],
      timestampMs: v['timestampMs'],
      expiresAtMs: v['expiresAtMs'],
      firing: v['firing'],
      resolved: v['resolved'],
    };
  } catch {
    return undefined;
  }
}

const MATCH_TYPES = new Set(['=', '!=', '=~', '!~']);

/** Decodes a silence KV value; undefined when malformed. */
export function parseStoredSilence(data: Uint8Array): StoredSilence | undefined {
  try {
    const v = parseJson(data) as Record<string, unknown>;
    const matchers = v['matchers'];
    if (!isString(v['id']) || !Array.isArray(matchers)) return undefined;
    const okMatchers = matchers.every(
      (m) => Array.isArray(m) && m.length === 3 && MATCH_TYPES.has(m[0]) && isString(m[1]) && isString(m[2]),
    );
    if (!okMatchers) return undefined;
    if (!isNumber(v['startsAtMs']) || !isNumber(v['endsAtMs']) || !isNumber(v['updatedAtMs']))
      return undefined;
    return {
      id: v['id'],
      matchers: matchers as StoredSilence['matchers'],
      startsAtMs: v['startsAtMs'],
      endsAtMs: v['endsAtMs'],
      updatedAtMs: v['updatedAtMs'],
      createdBy: isString(v['createdBy']) ? v['createdBy'] : '',
      comment: isString(v['comment']) ? v['comment'] : '',
    };
  } catch {
    return undefined;
  }
}

export const encodeJson = (v: unknown): string => JSON.stringify(v);
