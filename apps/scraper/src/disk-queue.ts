import {
  closeSync,
  constants,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  truncateSync,
  unlinkSync,
  writeSync,
  writevSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ACK_BYTES,
  MAX_RECORD_BYTES,
  RECORD_HEADER_BYTES,
  SEGMENT_HEADER,
  WHOLE_SEGMENT,
  encodeAck,
  recordCrcMatches,
  recordHeader,
  scanSegment,
  segmentFileName,
  segmentIndexes,
} from './disk-queue-format.ts';
import { DiskQueueError, closeQuietly, openOrFail, readAck } from './disk-queue-files.ts';

export { DiskQueueError } from './disk-queue-files.ts';
export type { DiskQueueErrorCode } from './disk-queue-files.ts';

export interface DiskQueueOptions {
  /** Bound on the framed bytes of the records held (default 1 GiB); a push beyond it drops the oldest. */
  readonly maxBytes?: number;
  /** A new segment file is started when the current one would pass this size (default 16 MiB). */
  readonly segmentBytes?: number;
  /** Told about torn or corrupt data cut off on open (file and offset), and other repairs. */
  readonly onWarn?: (message: string) => void;
}

/** What a push dropped to make room: records and the sum of their weights. */
export interface DiskQueueDrop {
  readonly records: number;
  readonly weight: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
const MAX_SEGMENT_BYTES = 1024 * 1024 * 1024;
const NOTHING_DROPPED: DiskQueueDrop = { records: 0, weight: 0 };

/** One segment file: the frame offsets, payload lengths and weights of its records, `head` the first live one. */
interface Segment {
  readonly index: number;
  readonly path: string;
  readonly offsets: number[];
  readonly lengths: number[];
  readonly weights: number[];
  head: number;
  /** File length: where the next record of the write segment goes. */
  size: number;
  readFd?: number;
}

/** Directories open in this process: two queues on one directory would corrupt it. */
const openDirs = new Set<string>();

/**
 * A durable FIFO of byte records in a directory (format: the scraper README's
 * "Remote-write overflow buffer"). `push` appends synchronously (one `writev`, no fsync:
 * a killed process loses nothing, a power loss what `sync()` had not flushed); `peek`
 * reads the oldest record back from disk; `shift` acknowledges it, persisting the
 * position so a reopen does not hand it out again, and deletes segments once consumed.
 * Opening replays the segments in order, cutting off a torn or corrupt tail with a
 * warning and keeping every complete record before it. At most `maxBytes` of framed
 * records are held: a push that would pass it drops the oldest records first (the newest
 * data wins), so the disk holds at most `maxBytes` plus the consumed part of one segment.
 * Each record carries a caller-defined u32 `weight` (e.g. its samples), reported when dropped.
 */
export class DiskQueue {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #warn: (message: string) => void;
  /** Segments holding live records, oldest first; the last may be the write segment. */
  readonly #segments: Segment[] = [];
  #write: { segment: Segment; fd: number } | undefined;
  #nextIndex: number;
  #ackFd: number | undefined;
  #count = 0;
  #bytes = 0;
  #weight = 0;
  /** The oldest records as `peek`/`peekMany` read them, in order, until each is shifted or dropped. */
  readonly #peeked: Buffer[] = [];
  #dirChanged = false;
  #closed = false;

  private constructor(dir: string, options: DiskQueueOptions, nextIndex: number) {
    this.dir = dir;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#warn = options.onWarn ?? (() => {});
    this.#nextIndex = nextIndex;
  }

  /**
   * Opens (creating it if needed) the queue in `dir` and replays what a previous run left.
   * Throws {@link DiskQueueError} naming the directory or file when it cannot be created,
   * read or written, and when this process has it open already.
   */
  static open(dir: string, options: DiskQueueOptions = {}): DiskQueue {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0))
      throw new DiskQueueError(
        'BAD_OPTION',
        `disk queue ${dir}: maxBytes must be a positive integer, got ${maxBytes}`,
      );
    if (!(Number.isSafeInteger(segmentBytes) && segmentBytes > 0 && segmentBytes <= MAX_SEGMENT_BYTES))
      throw new DiskQueueError(
        'BAD_OPTION',
        `disk queue ${dir}: segmentBytes must be an integer in [1, ${MAX_SEGMENT_BYTES}], got ${segmentBytes}`,
      );
    const abs = resolve(dir);
    if (openDirs.has(abs))
      throw new DiskQueueError('IN_USE', `disk queue directory ${abs} is already open in this process`);
    let names: string[];
    try {
      mkdirSync(abs, { recursive: true });
      names = readdirSync(abs);
    } catch (error) {
      throw new DiskQueueError(
        'DIR',
        `cannot create or read disk queue directory ${abs}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const ack = readAck(abs, names, options.onWarn);
    const indexes = segmentIndexes(names);
    const last = Math.max(indexes.at(-1) ?? 0, ack?.segment ?? 0);
    const queue = new DiskQueue(abs, options, last + 1);
    openDirs.add(abs);
    try {
      queue.#replay(indexes, ack);
      // Read-write without append mode: the 12 bytes are rewritten in place at offset 0.
      queue.#ackFd = openOrFail(join(abs, 'ack'), constants.O_RDWR | constants.O_CREAT);
      queue.#persistHead();
    } catch (error) {
      queue.close();
      throw error;
    }
    return queue;
  }

  /** Records held. */
  get size(): number {
    return this.#count;
  }

  /** Framed bytes of the records held (what `maxBytes` bounds). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Sum of the weights of the records held. */
  get weight(): number {
    return this.#weight;
  }

  /**
   * Appends a record (given whole or in parts, written as one) with its `weight`. When
   * the queue would pass `maxBytes`, the oldest records are dropped first; returns what
   * was dropped. Throws {@link DiskQueueError} (`RECORD_TOO_LARGE` when the record alone
   * passes `maxBytes`; `IO`, naming the file, when the write fails: the segment is cut
   * back so the queue stays consistent).
   */
  push(record: Uint8Array | readonly Uint8Array[], weight = 1): DiskQueueDrop {
    this.#checkOpen();
    const parts = record instanceof Uint8Array ? [record] : record;
    let length = 0;
    for (const p of parts) length += p.length;
    const framed = RECORD_HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES || framed > this.#maxBytes)
      throw new DiskQueueError(
        'RECORD_TOO_LARGE',
        `disk queue ${this.dir}: a record of ${length} bytes does not fit in maxBytes ${this.#maxBytes}`,
      );
    if (!(Number.isInteger(weight) && weight >= 0 && weight <= 0xffff_ffff))
      throw new DiskQueueError('BAD_OPTION', `disk queue ${this.dir}: weight must be a u32, got ${weight}`);
    let dropped = NOTHING_DROPPED;
    if (this.#bytes + framed > this.#maxBytes) {
      let records = 0;
      let w = 0;
      while (this.#bytes + framed > this.#maxBytes) {
        w += this.#segments[0]!.weights[this.#segments[0]!.head]!;
        records++;
        this.#consumeHead();
      }
      this.#persistHead();
      dropped = { records, weight: w };
    }
    const { segment, fd } = this.#writeSegmentFor(framed);
    const header = recordHeader(parts, length, weight);
    let written = 0;
    try {
      written = writevSync(fd, [header, ...parts], segment.size);
    } catch (error) {
      this.#cutBack(segment, fd);
      throw new DiskQueueError(
        'IO',
        `cannot append to disk queue segment ${segment.path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (written !== framed) {
      this.#cutBack(segment, fd);
      throw new DiskQueueError(
        'IO',
        `short write to disk queue segment ${segment.path}: ${written} of ${framed} bytes`,
      );
    }
    segment.offsets.push(segment.size);
    segment.lengths.push(length);
    segment.weights.push(weight);
    segment.size += framed;
    this.#count++;
    this.#bytes += framed;
    this.#weight += weight;
    return dropped;
  }

  /**
   * The oldest record (a fresh Buffer, the same one until it is shifted or dropped), or
   * undefined when empty. A record whose bytes no longer match their CRC is dropped with a
   * warning and the next one returned.
   */
  peek(): Buffer | undefined {
    return this.peekMany(1)[0];
  }

  /**
   * The oldest records, up to `maxRecords` and, past the first, while their payloads add up
   * to at most `maxBytes` (each the same Buffer `peek` returns once it is the oldest). A
   * later record whose bytes no longer match their CRC ends the list early; it is dropped
   * with a warning once it is the oldest.
   */
  peekMany(maxRecords: number, maxBytes = Infinity): Buffer[] {
    this.#checkOpen();
    const out: Buffer[] = [];
    let bytes = 0;
    let segAt = 0;
    let idx = this.#segments[0]?.head ?? 0;
    while (out.length < maxRecords && out.length < this.#count) {
      let seg = this.#segments[segAt]!;
      if (idx >= seg.offsets.length) {
        seg = this.#segments[++segAt]!;
        idx = seg.head;
      }
      const k = out.length;
      let record: Buffer | undefined = this.#peeked[k];
      if (record === undefined) {
        record = this.#read(seg, idx);
        if (record === undefined) {
          if (k > 0) break;
          this.#warn(
            `${seg.path}: record at offset ${seg.offsets[idx]} changed on disk (CRC mismatch), dropping it`,
          );
          this.#consumeHead();
          this.#persistHead();
          return this.peekMany(maxRecords, maxBytes);
        }
        this.#peeked.push(record);
      }
      if (k > 0 && bytes + record.length > maxBytes) break;
      bytes += record.length;
      out.push(record);
      idx++;
    }
    return out;
  }

  /** The payload of record `idx` of `seg` read from disk; undefined when its CRC no longer matches. */
  #read(seg: Segment, idx: number): Buffer | undefined {
    const offset = seg.offsets[idx]!;
    const length = seg.lengths[idx]!;
    const frame = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
    try {
      seg.readFd ??= openSync(seg.path, 'r');
      const n = readSync(seg.readFd, frame, 0, frame.length, offset);
      if (n !== frame.length) throw new Error(`read ${n} of ${frame.length} bytes`);
    } catch (error) {
      throw new DiskQueueError(
        'IO',
        `cannot read disk queue segment ${seg.path} at offset ${offset}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (frame.readUInt32BE(0) !== length || !recordCrcMatches(frame, 0, length)) return undefined;
    return frame.subarray(RECORD_HEADER_BYTES);
  }

  /**
   * Acknowledges the oldest record. With `peeked` (a Buffer `peek` returned), only when
   * that record is still the oldest: it may have been dropped for room meanwhile, and the
   * record after it must not be acknowledged in its place. Returns whether one was removed.
   */
  shift(peeked?: Buffer): boolean {
    this.#checkOpen();
    if (this.#count === 0) return false;
    if (peeked !== undefined && peeked !== this.#peeked[0]) return false;
    this.#consumeHead();
    this.#persistHead();
    return true;
  }

  /** Flushes appended records and the acknowledged position to the device (fdatasync, and the directory when files were added or removed). */
  sync(): void {
    this.#checkOpen();
    try {
      if (this.#write) fdatasyncSync(this.#write.fd);
      if (this.#ackFd !== undefined) fdatasyncSync(this.#ackFd);
      if (this.#dirChanged) {
        const fd = openSync(this.dir, 'r');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        this.#dirChanged = false;
      }
    } catch (error) {
      throw new DiskQueueError(
        'IO',
        `cannot sync disk queue directory ${this.dir}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Closes the files; the records stay for the next `open`. Closing twice is harmless. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const seg of this.#segments) if (seg.readFd !== undefined) closeQuietly(seg.readFd);
    if (this.#write) closeQuietly(this.#write.fd);
    if (this.#ackFd !== undefined) closeQuietly(this.#ackFd);
    this.#write = undefined;
    openDirs.delete(this.dir);
  }

  #checkOpen(): void {
    if (this.#closed) throw new DiskQueueError('CLOSED', `disk queue ${this.dir} is closed`);
  }

  /** Loads the segments a previous run left, repairing torn tails; the records at and after `ack` are live. */
  #replay(indexes: readonly number[], ack: { segment: number; offset: number } | undefined): void {
    for (const index of indexes) {
      const path = join(this.dir, segmentFileName(index));
      if (ack !== undefined && index < ack.segment) {
        this.#remove(path);
        continue;
      }
      let data: Buffer;
      try {
        data = readFileSync(path);
      } catch (error) {
        throw new DiskQueueError(
          'IO',
          `cannot read disk queue segment ${path}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      const { records, validEnd, headerOk } = scanSegment(data);
      if (!headerOk) {
        this.#warn(
          `${path}: no disk queue segment header at offset 0 (${data.length} bytes), removing the file`,
        );
        this.#remove(path);
        continue;
      }
      if (validEnd < data.length) {
        this.#warn(
          `${path}: torn or corrupt record at offset ${validEnd}, truncating ${data.length - validEnd} bytes`,
        );
        try {
          truncateSync(path, validEnd);
        } catch (error) {
          throw new DiskQueueError(
            'IO',
            `cannot truncate disk queue segment ${path}: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
      }
      const from = ack !== undefined && index === ack.segment ? ack.offset : 0;
      const live = records.filter((r) => r.offset >= from);
      if (live.length === 0) {
        this.#remove(path);
        continue;
      }
      const seg: Segment = {
        index,
        path,
        offsets: live.map((r) => r.offset),
        lengths: live.map((r) => r.length),
        weights: live.map((r) => r.weight),
        head: 0,
        size: validEnd,
      };
      this.#segments.push(seg);
      for (const r of live) {
        this.#count++;
        this.#bytes += RECORD_HEADER_BYTES + r.length;
        this.#weight += r.weight;
      }
    }
    let dropped = 0;
    while (this.#bytes > this.#maxBytes) {
      this.#consumeHead();
      dropped++;
    }
    if (dropped > 0)
      this.#warn(
        `disk queue ${this.dir}: dropped the ${dropped} oldest records to fit maxBytes ${this.#maxBytes}`,
      );
  }

  /** Removes the head record from the books, deleting its segment when that was the last one in it. */
  #consumeHead(): void {
    const seg = this.#segments[0]!;
    const length = seg.lengths[seg.head]!;
    this.#count--;
    this.#bytes -= RECORD_HEADER_BYTES + length;
    this.#weight -= seg.weights[seg.head]!;
    seg.head++;
    this.#peeked.shift();
    if (seg.head < seg.offsets.length) return;
    this.#segments.shift();
    if (seg.readFd !== undefined) closeQuietly(seg.readFd);
    if (this.#write?.segment === seg) {
      closeQuietly(this.#write.fd);
      this.#write = undefined;
    }
    this.#remove(seg.path);
  }

  /** Writes the position of the oldest live record (or "all of the last segment") to the ack file. */
  #persistHead(): void {
    const seg = this.#segments[0];
    const bytes = seg
      ? encodeAck(seg.index, seg.offsets[seg.head]!)
      : encodeAck(this.#nextIndex - 1, WHOLE_SEGMENT);
    try {
      writeSync(this.#ackFd!, bytes, 0, ACK_BYTES, 0);
    } catch (error) {
      throw new DiskQueueError('IO', `cannot write ${join(this.dir, 'ack')}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** The segment to append `framed` bytes to: the current one, or a new one when it would pass `segmentBytes`. */
  #writeSegmentFor(framed: number): { segment: Segment; fd: number } {
    const current = this.#write;
    if (
      current &&
      (current.segment.size === SEGMENT_HEADER.length || current.segment.size + framed <= this.#segmentBytes)
    )
      return current;
    if (current) {
      closeQuietly(current.fd);
      // Forgotten before the new file is made: should that fail, no later push may use the closed descriptor.
      this.#write = undefined;
    }
    const index = this.#nextIndex++;
    const path = join(this.dir, segmentFileName(index));
    const fd = openOrFail(path, 'wx');
    try {
      if (writeSync(fd, SEGMENT_HEADER, 0, SEGMENT_HEADER.length, 0) !== SEGMENT_HEADER.length)
        throw new Error('short write');
    } catch (error) {
      closeQuietly(fd);
      this.#remove(path);
      throw new DiskQueueError('IO', `cannot write disk queue segment ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const segment: Segment = {
      index,
      path,
      offsets: [],
      lengths: [],
      weights: [],
      head: 0,
      size: SEGMENT_HEADER.length,
    };
    this.#segments.push(segment);
    this.#write = { segment, fd };
    this.#dirChanged = true;
    return this.#write;
  }

  /** After a failed append: the segment back to its last complete record (best effort). */
  #cutBack(segment: Segment, fd: number): void {
    try {
      ftruncateSync(fd, segment.size);
    } catch {
      // Replay cuts a torn tail off anyway; the append error is what the caller needs.
    }
  }

  #remove(path: string): void {
    try {
      unlinkSync(path);
      this.#dirChanged = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new DiskQueueError(
          'IO',
          `cannot remove disk queue segment ${path}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
    }
  }
}
