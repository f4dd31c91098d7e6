import { createHash } from 'node:crypto';

/**
 * The contract of sample shipping over NATS JetStream (scraper → tsdb), kept here beside
 * the codec both sides use. Pure naming and identity: the NATS client lives in `@argus/bus`
 * and the apps.
 *
 * - Stream `ARGUS_SAMPLES` captures `argus.samples.>`, file storage, limits retention.
 * - A scraper publishes to `argus.samples.<shard>`, `<shard>` being its `--shard` value, so
 *   a consumer can filter one replica's share (tsdb takes `argus.samples.>`).
 * - Payload: one remote write 1.0 `WriteRequest` (protobuf) in a snappy block, exactly the
 *   body of `POST /api/v1/write`, so the receiver's decoding and append path serve both.
 *   A new payload format would get a new stream and subject root, not a header.
 * - `Nats-Msg-Id`: {@link samplesMsgId} of the payload, so a publish retried after a lost
 *   acknowledgement is stored once (within the stream's duplicate window).
 */
export const SAMPLES_STREAM = 'ARGUS_SAMPLES';

/** Subject root; a scraper shard publishes to `<root>.<shard>`. */
export const SAMPLES_SUBJECT_ROOT = 'argus.samples';

/** Every shard's subject: what the stream captures and tsdb consumes. */
export const SAMPLES_SUBJECTS = `${SAMPLES_SUBJECT_ROOT}.>`;

/**
 * Stream limits both sides declare (each creates the stream when missing, with the same
 * settings so neither undoes the other): a day of samples, at most 1 GiB (oldest dropped
 * first), a two-minute duplicate window.
 */
export const SAMPLES_STREAM_LIMITS = {
  maxAgeMs: 24 * 3600 * 1000,
  maxBytes: 1024 * 1024 * 1024,
  duplicateWindowMs: 120_000,
} as const;

/** The subject of a scraper shard: `argus.samples.<shard>` (`shard` a non-negative integer). */
export function samplesSubject(shard: number): string {
  if (!Number.isInteger(shard) || shard < 0)
    throw new RangeError(`sample shard must be a non-negative integer, got ${shard}`);
  return `${SAMPLES_SUBJECT_ROOT}.${shard}`;
}

/** The shard a samples subject names, or undefined when the subject is not one. */
export function parseSamplesSubject(subject: string): number | undefined {
  const prefix = `${SAMPLES_SUBJECT_ROOT}.`;
  if (!subject.startsWith(prefix)) return undefined;
  const rest = subject.slice(prefix.length);
  return /^(0|[1-9]\d{0,9})$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The message id of a payload: its shard and the SHA-256 of its bytes. A retry publishes the
 * same bytes, so it gets the same id; two different batches never share one. Equal bytes
 * from the same shard are the same samples, so dropping the repeat loses nothing.
 */
export function samplesMsgId(shard: number, payload: Uint8Array): string {
  return `${shard}-${createHash('sha256').update(payload).digest('base64url')}`;
}
