import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHUNKS_DIRNAME,
  CHUNKS_FORMAT_V1,
  DEFAULT_MAX_SEGMENT_BYTES,
  MAGIC_CHUNKS,
  SEGMENT_HEADER_SIZE,
  chunkRef,
  segmentFileName,
} from './chunks-format.ts';
import { crc32c } from '../wal/crc32c.ts';
import { EncBuf } from './enc-buf.ts';
import { FileWriter } from './file-writer.ts';
import { syncDir } from './meta.ts';

/**
 * Appends chunks to the `chunks/` segment files of a block being written
 * (`000001`, `000002`, …; each at most `maxSegmentBytes` unless a single chunk is
 * larger). Every chunk is `uvarint(len(data)) | encoding | data | crc32c(encoding|data)`.
 */
export class ChunkWriter {
  readonly #dir: string;
  readonly #maxSegmentBytes: number;
  #seq = -1;
  #file: FileWriter | undefined;
  readonly #head = new EncBuf(16);
  readonly #sum = Buffer.allocUnsafe(4);
  #bytesWritten = 0;

  constructor(blockDir: string, maxSegmentBytes = DEFAULT_MAX_SEGMENT_BYTES) {
    this.#dir = join(blockDir, CHUNKS_DIRNAME);
    this.#maxSegmentBytes = maxSegmentBytes;
    mkdirSync(this.#dir, { recursive: true });
  }

  /** Total bytes of all segment files so far, headers included. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Writes one chunk and returns its reference for the index. */
  write(encoding: number, data: Uint8Array): number {
    const head = this.#head;
    head.reset();
    head.putUvarint(data.length);
    head.putByte(encoding);
    const size = head.length + data.length + 4;
    if (
      this.#file === undefined ||
      (this.#file.pos + size > this.#maxSegmentBytes && this.#file.pos > SEGMENT_HEADER_SIZE)
    ) {
      this.#cut();
    }
    const file = this.#file!;
    const ref = chunkRef(this.#seq, file.pos);
    let crc = crc32c(head.get(), head.length - 1);
    crc = crc32c(data, 0, data.length, crc);
    file.write(head.get());
    file.write(data);
    this.#sum.writeUInt32BE(crc);
    file.write(this.#sum);
    this.#bytesWritten += size;
    return ref;
  }

  #cut(): void {
    this.#file?.close();
    this.#seq++;
    this.#file = new FileWriter(join(this.#dir, segmentFileName(this.#seq)));
    const header = Buffer.alloc(SEGMENT_HEADER_SIZE);
    header.writeUInt32BE(MAGIC_CHUNKS, 0);
    header[4] = CHUNKS_FORMAT_V1;
    this.#file.write(header);
    this.#bytesWritten += SEGMENT_HEADER_SIZE;
  }

  /** Syncs and closes the last segment and the directory. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
    syncDir(this.#dir);
  }

  abort(): void {
    this.#file?.abort();
    this.#file = undefined;
  }
}
