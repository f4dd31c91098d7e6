import { Labels } from '@argus/model';
import { Decbuf, Encbuf, RecordDecodeError, RecordType } from './record-bytes.ts';

export {
  Decbuf,
  Encbuf,
  RecordDecodeError,
  RecordType,
  decodeSamples,
  decodeTombstones,
  encodeSamples,
  encodeTombstones,
} from './record-bytes.ts';
export type { SampleColumns, Tombstone } from './record-bytes.ts';

/** A series record entry: the head's ref and the series' labels. */
export interface RefSeries {
  ref: number;
  labels: Labels;
}

/** Encodes a Series record (type 1): per series, ref (BE 8 bytes) and its labels as uvarint-prefixed strings. */
export function encodeSeries(series: readonly RefSeries[], b = new Encbuf()): Uint8Array {
  b.byte(RecordType.Series);
  for (const s of series) {
    b.be64(s.ref);
    const flat = s.labels.flat;
    b.uvarint(flat.length >> 1);
    for (const str of flat) b.uvarintStr(str);
  }
  return b.bytes();
}

/** Decodes a Series record; `intern` may map strings to shared instances. */
export function decodeSeries(rec: Uint8Array, intern: (s: string) => string = (s) => s): RefSeries[] {
  const d = new Decbuf(rec);
  if (d.byte() !== RecordType.Series) throw new RecordDecodeError('not a series record');
  const out: RefSeries[] = [];
  while (d.remaining > 0) {
    const ref = d.be64();
    const n = d.uvarint();
    const flat: string[] = new Array(n * 2);
    for (let i = 0; i < n * 2; i++) flat[i] = intern(d.uvarintStr());
    out.push({ ref, labels: Labels.fromSortedFlat(flat) });
  }
  return out;
}
