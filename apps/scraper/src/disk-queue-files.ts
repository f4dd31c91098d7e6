import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAck } from './disk-queue-format.ts';

// DiskQueue's error type and its file helpers: every failure names the file or directory.

export type DiskQueueErrorCode = 'DIR' | 'IO' | 'IN_USE' | 'RECORD_TOO_LARGE' | 'CLOSED' | 'BAD_OPTION';

/** A disk queue failure; the message names the directory or file, `cause` keeps the system error. */
export class DiskQueueError extends Error {
  override readonly name = 'DiskQueueError';
  constructor(
    readonly code: DiskQueueErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The acknowledged position a previous run left, if any and readable. */
export function readAck(
  dir: string,
  names: readonly string[],
  onWarn: ((message: string) => void) | undefined,
): { segment: number; offset: number } | undefined {
  if (!names.includes('ack')) return undefined;
  const path = join(dir, 'ack');
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new DiskQueueError('IO', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const ack = decodeAck(data);
  if (ack === undefined && data.length > 0)
    onWarn?.(`${path}: unreadable acknowledged position (${data.length} bytes), replaying every segment`);
  return ack;
}

export function openOrFail(path: string, flags: string | number): number {
  try {
    return openSync(path, flags);
  } catch (error) {
    throw new DiskQueueError('IO', `cannot open disk queue file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or the device is gone: nothing left to release.
  }
}
