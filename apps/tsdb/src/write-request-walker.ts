import {
  MalformedRequestError,
  remoteLabelsToLabels,
  type RemoteLabel,
  type RemoteMetadata,
} from '@argus/remote';
import { validateLabels, type Labels } from '@argus/model';
import { StorageError, type Appendable } from '@argus/storage';
import type { WriteOutcome } from './remote-write-receiver.ts';
import type { CachedSeries, SeriesCache } from './series-cache.ts';

/**
 * An appender that can hand out the labels object it keeps for a ref (the head's interned
 * copy). The cache then holds that very object, so `append` recognises it by identity
 * instead of comparing every label string, and the decoded copy can be freed.
 */
interface LabelsByRef {
  labelsOf(ref: number): Labels | undefined;
}

const METRIC_TYPES: readonly RemoteMetadata['type'][] = [
  'UNKNOWN',
  'COUNTER',
  'GAUGE',
  'HISTOGRAM',
  'GAUGEHISTOGRAM',
  'SUMMARY',
  'INFO',
  'STATESET',
];

/** The body is not valid protobuf (truncated, bad wire type); reported as a malformed request. */
class WireError extends Error {}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/** Reads protobuf wire data from one buffer; every read checks bounds and throws on truncation. */
class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint32(end: number): number {
    const buf = this.buf;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= end) throw new WireError('truncated varint');
      const b = buf[this.pos++]!;
      if (shift < 28) result |= (b & 0x7f) << shift;
      else if (shift === 28) result += (b & 0x7f) * 2 ** 28;
      if (b < 0x80) return result;
      shift += 7;
      if (shift >= 70) throw new WireError('varint too long');
    }
  }

  /** A varint as a signed 64-bit integer (two's complement), as a number. */
  int64(end: number): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= end) throw new WireError('truncated varint');
      const b = buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else if (shift < 64) hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) break;
      shift += 7;
      if (shift >= 70) throw new WireError('varint too long');
    }
    lo >>>= 0;
    return hi < 0 ? -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1) : (hi >>> 0) * 4294967296 + lo;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw new WireError('truncated double');
    const buf = this.buf;
    for (let i = 0; i < 8; i++) f64Bytes[i] = buf[this.pos + i]!;
    this.pos += 8;
    return f64[0]!;
  }

  /** End offset of a length-delimited field starting at `pos`. */
  lengthEnd(end: number): number {
    const len = this.varint32(end);
    const e = this.pos + len;
    if (e > end) throw new WireError('truncated length-delimited field');
    return e;
  }

  string(end: number): string {
    const e = this.lengthEnd(end);
    const s = this.buf.toString('utf8', this.pos, e);
    this.pos = e;
    return s;
  }

  skip(wireType: number, end: number): void {
    switch (wireType) {
      case 0:
        this.int64(end);
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(end);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new WireError(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
    if (this.pos > end) throw new WireError('truncated field');
  }
}

function readLabel(r: Reader, end: number): RemoteLabel {
  let name = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.varint32(end);
    if (tag === 0x0a) name = r.string(end);
    else if (tag === 0x12) value = r.string(end);
    else r.skip(tag & 7, end);
  }
  return { name, value };
}

function readMetadata(r: Reader, end: number): RemoteMetadata {
  const m: RemoteMetadata = { type: 'UNKNOWN', metricFamilyName: '', help: '', unit: '' };
  while (r.pos < end) {
    const tag = r.varint32(end);
    if (tag === 0x08) {
      const t = r.int64(end);
      m.type = METRIC_TYPES[t] ?? (t as unknown as RemoteMetadata['type']);
    } else if (tag === 0x12) m.metricFamilyName = r.string(end);
    else if (tag === 0x22) m.help = r.string(end);
    else if (tag === 0x2a) m.unit = r.string(end);
    else r.skip(tag & 7, end);
  }
  return m;
}

/**
 * Appends a decompressed remote-write 1.0 body straight from its protobuf bytes, with the
 * same outcome as `decodeWriteRequest` + `appendWriteRequest` (refused samples and invalid
 * series skipped and counted, one commit) but without an object per sample or label, and
 * with repeated series resolved through `cache`. Metadata entries are handed to
 * `onMetadata` once the whole body has parsed. A malformed body appends nothing and
 * throws MalformedRequestError; storage failures other than refusals propagate.
 */
export async function appendEncodedWriteRequest(
  appendable: Appendable,
  body: Buffer,
  cache: SeriesCache,
  onReject?: (reason: string) => void,
  onMetadata?: (m: RemoteMetadata) => void,
): Promise<WriteOutcome> {
  const app = appendable.appender();
  const labelsOf = (app as Partial<LabelsByRef>).labelsOf;
  const outcome: WriteOutcome = { samplesAppended: 0, samplesRejected: 0, firstError: undefined };
  const reject = (reason: string, message: string, count: number) => {
    outcome.samplesRejected += count;
    outcome.firstError ??= message;
    onReject?.(reason);
  };
  const metadata: RemoteMetadata[] = [];
  const r = new Reader(body);
  const end = body.length;
  try {
    try {
      while (r.pos < end) {
        const tag = r.varint32(end);
        if (tag === 0x1a) {
          const e = r.lengthEnd(end);
          metadata.push(readMetadata(r, e));
          r.pos = e;
          continue;
        }
        if (tag !== 0x0a) {
          r.skip(tag & 7, end);
          continue;
        }
        const tsEnd = r.lengthEnd(end);
        // Walk the TimeSeries: note where its labels and samples lie. When its first bytes
        // are the label fields of the series predicted to come next, those fields need no walk.
        let labelsStart = -1;
        let labelsEnd = -1;
        let contiguous = true;
        let bounds = 0;
        const predicted = cache.predicted(body, r.pos, tsEnd);
        if (predicted !== undefined) {
          labelsStart = r.pos;
          labelsEnd = r.pos + predicted.keyLen;
          r.pos = labelsEnd;
        }
        const predictedEnd = labelsEnd;
        while (r.pos < tsEnd) {
          const fieldStart = r.pos;
          const t = r.varint32(tsEnd);
          if (t === 0x0a) {
            const e = r.lengthEnd(tsEnd);
            if (labelsStart < 0) labelsStart = fieldStart;
            else if (labelsEnd !== fieldStart) contiguous = false;
            labelsEnd = e;
            r.pos = e;
          } else if (t === 0x12) {
            const e = r.lengthEnd(tsEnd);
            if (bounds + 2 > sampleBounds.length) growSampleBounds();
            sampleBounds[bounds++] = r.pos;
            sampleBounds[bounds++] = e;
            r.pos = e;
          } else r.skip(t & 7, tsEnd);
        }
        r.pos = tsEnd;
        const sampleCount = bounds / 2;

        const cacheable = contiguous && labelsStart >= 0;
        // The prediction holds unless more label fields followed the predicted ones.
        let entry: CachedSeries | undefined =
          predicted !== undefined && cacheable && labelsEnd === predictedEnd ? predicted : undefined;
        if (entry === undefined && cacheable) entry = cache.get(body, labelsStart, labelsEnd);
        if (entry === undefined) {
          const pairs: RemoteLabel[] = [];
          if (labelsStart >= 0) {
            const save = r.pos;
            r.pos = labelsStart;
            while (r.pos < tsEnd) {
              const t = r.varint32(tsEnd);
              if (t === 0x0a) {
                const e = r.lengthEnd(tsEnd);
                pairs.push(readLabel(r, e));
                r.pos = e;
              } else r.skip(t & 7, tsEnd);
            }
            r.pos = save;
          }
          let labels: Labels;
          try {
            labels = remoteLabelsToLabels(pairs);
            if (labels.metricName === '') throw new Error(`series ${labels.toString()} has no metric name`);
            validateLabels(labels);
          } catch (err) {
            // Samples must still parse: a malformed body is refused whole.
            for (let i = 0; i < bounds; i += 2) readSample(r, sampleBounds[i]!, sampleBounds[i + 1]!);
            reject('invalid_labels', `invalid labels: ${(err as Error).message}`, sampleCount);
            continue;
          }
          entry = cacheable ? cache.add(body, labelsStart, labelsEnd, labels) : { labels, ref: 0 };
        }
        let ref = entry.ref;
        for (let i = 0; i < bounds; i += 2) {
          readSample(r, sampleBounds[i]!, sampleBounds[i + 1]!);
          try {
            ref = app.append(ref, entry.labels, sampleTs, sampleValue);
            outcome.samplesAppended++;
          } catch (err) {
            if (!(err instanceof StorageError)) throw err;
            reject(err.code, `${err.message} for series ${entry.labels.toString()}`, 1);
          }
        }
        if (ref !== entry.ref) {
          entry.ref = ref;
          entry.labels = labelsOf?.call(app, ref) ?? entry.labels;
        }
      }
    } catch (err) {
      if (err instanceof WireError)
        throw new MalformedRequestError(`write request: ${err.message}`, { cause: err });
      throw err;
    }
  } catch (err) {
    await app.rollback();
    throw err;
  } finally {
    if (sampleBounds.length > 1 << 16) sampleBounds = new Int32Array(64);
  }
  for (const m of metadata) onMetadata?.(m);
  await app.commit();
  return outcome;
}

/**
 * [start, end) of each Sample of the series being walked, gathered while its fields are
 * walked (labels may follow samples). Module scratch: the walk never awaits.
 */
let sampleBounds = new Int32Array(64);

function growSampleBounds(): void {
  const grown = new Int32Array(sampleBounds.length * 2);
  grown.set(sampleBounds);
  sampleBounds = grown;
}

let sampleTs = 0;
let sampleValue = 0;

/** Reads one Sample message into `sampleTs`/`sampleValue` (module slots: no object per sample). */
function readSample(r: Reader, start: number, end: number): void {
  const buf = r.buf;
  // Fast path: the layout senders write, value (field 1) then timestamp (field 2), once each.
  if (buf[start] === 0x09 && start + 10 < end && buf[start + 9] === 0x10) {
    for (let i = 0; i < 8; i++) f64Bytes[i] = buf[start + 1 + i]!;
    const v = f64[0]!;
    r.pos = start + 10;
    const ts = r.int64(end);
    if (r.pos === end) {
      sampleTs = ts;
      sampleValue = v;
      return;
    }
  }
  r.pos = start;
  let ts = 0;
  let v = 0;
  while (r.pos < end) {
    const t = r.varint32(end);
    if (t === 0x09) v = r.double(end);
    else if (t === 0x10) ts = r.int64(end);
    else r.skip(t & 7, end);
  }
  sampleTs = ts;
  sampleValue = v;
}
